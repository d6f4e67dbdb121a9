-- Ingest additions for issue 9: preliminary values and implausible values travel with each observation.
-- (023 is inside the rank range by reservation: the marts read these two columns.)

-- the publisher marked the value as a first estimate (快报 / 初步数 / a `preliminary` column);
-- a later final file revises it like any other revision
alter table staging.observations add column if not exists is_preliminary boolean default false;

-- null = fine; 'implausible' = beyond the indicator's plausibility limits (docs/RULES.md):
-- loaded and kept, but the marts leave it unranked
alter table staging.observations add column if not exists quality_flag varchar;

-- recreated so the view's column list includes the two new columns (a view binds `*` when created)
create or replace view staging.observations_current as
with observations as (
    select * from staging.observations
    where loaded_at <= coalesce(getvariable('as_of')::timestamp, 'infinity'::timestamp)
),

final as (
    select *
    from observations
    qualify row_number() over (
        partition by place_code, indicator_code, period
        order by loaded_at desc, file_id desc
    ) = 1
)

select * from final;
