-- mart_store.current_values: the value of every observation the marts include, as current at their
-- cut (meta.rank_state: as_of, else the newest loaded_at of the last build), with integer keys.
-- Latest loaded_at wins, ties go to the highest file_id; slices fed by one file skip that dedupe,
-- so reading every slice does not sort every observation ever loaded. A filter on period is pushed
-- down to staging (every step is keyed by period).
-- one row per place x indicator x period
with cut as (
    select coalesce(as_of, watermark) as loaded_until from meta.rank_state
),

observations as not materialized (
    select
        obs.place_code,
        obs.indicator_code,
        obs.period,
        obs.value,
        obs.growth_pct,
        obs.published_rank,
        obs.file_id,
        obs.loaded_at,
    from staging.observations as obs
    where obs.loaded_at <= (select loaded_until from cut)
),

slice_versions as not materialized (
    select indicator_code, period, min(file_id) <> max(file_id) as has_versions,
    from observations
    group by all
),

single_file as (
    select observations.*
    from observations
    semi join slice_versions
        on slice_versions.indicator_code = observations.indicator_code
        and slice_versions.period = observations.period
        and not slice_versions.has_versions
),

several_files as (
    select observations.*
    from observations
    semi join slice_versions
        on slice_versions.indicator_code = observations.indicator_code
        and slice_versions.period = observations.period
        and slice_versions.has_versions
    qualify row_number() over (
        partition by observations.place_code, observations.indicator_code, observations.period
        order by observations.loaded_at desc, observations.file_id desc
    ) = 1
),

indicators as (
    select
        indicator_code,
        sort_order::smallint as indicator_id,
        calendar_code,
        basis,
        case direction when 'lower' then -1.0 else 1.0 end as direction_sign,
    from ref.indicators
),

current_rows as (
    select * from single_file
    union all
    select * from several_files
),

final as (
    select
        ids.place_id,
        ind.indicator_id,
        cur.place_code,
        cur.indicator_code,
        cur.period,
        cal.seq::smallint as seq,
        next_cal.period as next_period,
        case ind.basis when 'growth' then cur.growth_pct else cur.value end as metric,
        metric * ind.direction_sign as sort_key,
        ind.direction_sign,
        cur.published_rank,
        cur.file_id,
    from current_rows as cur
    inner join indicators as ind using (indicator_code)
    inner join ref.calendar as cal
        on cal.calendar_code = ind.calendar_code and cal.period = cur.period
    left join ref.calendar as next_cal
        on next_cal.calendar_code = ind.calendar_code and next_cal.seq = cal.seq + 1
    inner join mart_store.place_ids as ids using (place_code)
)

select * from final
