-- Ingest additions for issue 9: preliminary values and implausible values travel with each observation.
-- (023 is inside the rank range by reservation: the marts read these two columns.)

-- the publisher marked the value as a first estimate (快报 / 初步数 / a `preliminary` column);
-- a later final file revises it like any other revision
alter table staging.observations add column if not exists is_preliminary boolean default false;

-- null = fine; 'implausible' = beyond the indicator's plausibility limits (docs/RULES.md):
-- loaded and kept, but the marts leave it unranked
alter table staging.observations add column if not exists quality_flag varchar;

-- staging.observations_current (010) selects `*`: DuckDB binds a view when it is read, so the view shows
-- both columns without being recreated (tests/test_ingest_trust_flow.py reads them through it)
