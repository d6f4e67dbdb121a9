-- Coverage (issue 9): a slice (period x indicator x group) is published only when enough of the
-- members valid on the period have an observation row; flagged and preliminary observations.

-- the same columns as ingest's migration 023 adds (harmless when it ran first): is_preliminary marks a
-- publisher's first estimate (快报), quality_flag a value ingest found implausible (null = fine), which
-- the marts count as reported but never rank
alter table staging.observations add column if not exists is_preliminary boolean default false;
alter table staging.observations add column if not exists quality_flag varchar;

-- the share of valid members that must have reported before a group's slice is published
alter table ref.groups add column if not exists min_coverage double default 1.0;

-- published_periods now holds complete slices only: n_reported = members with an observation row
-- (what n_members meant before), n_members = members valid on the period (the coverage's denominator)
alter table mart_store.published_periods rename column n_members to n_reported;
alter table mart_store.published_periods add column n_members integer not null default 0;

-- one row per indicator x group x period in which some but not enough members reported: visible in
-- marts.periods (is_complete false), never in top-three counts or streaks
create table if not exists mart_store.partial_periods (
    indicator_id smallint not null,
    group_id integer not null,
    period date not null,
    seq smallint not null,
    n_members integer not null,         -- members valid on the period's last day
    n_reported integer not null,        -- of which have an observation row
    n_ranked integer not null           -- of which have a rankable metric
);

-- the store follows the new rule only after a full rebuild
delete from mart_store.published_periods;
delete from mart_store.streaks;
delete from mart_store.place_ids;
delete from meta.rank_state;
