-- Ingest additions: total rows kept apart, and the current (or as-of) value of every observation.

-- total rows (全市 / 全省 / 合计) are stored under the city or province code and flagged, never ranked
alter table staging.observations add column if not exists is_total boolean default false;

-- one row per place x indicator x period: the version loaded last (ties: highest file_id).
-- As of a past moment: `set variable as_of = timestamp '2026-03-01 08:00'` before reading;
-- unset (`reset variable as_of`) or null means now.
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
