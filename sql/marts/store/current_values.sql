-- mart_store.current_values: the value of every observation the marts include, as current at their
-- cut (meta.rank_state: as_of, else the newest loaded_at of the last build), with integer keys.
-- Latest loaded_at wins, ties go to the highest file_id; slices fed by one file skip that dedupe,
-- so reading every slice does not sort every observation ever loaded. A filter on period is pushed
-- down to staging (every step is keyed by period).
-- A value ingest flagged (quality_flag) or that is not a finite number is kept as a row (the place
-- reported) with no metric, so it is never ranked. is_reported: the value the indicator ranks by
-- (growth_pct or value) is present, flagged or not: only such a member counts toward coverage.
-- one row per place x indicator x period
with cut as (
    select coalesce(as_of, watermark) as loaded_until from meta.rank_state
),

observations as not materialized (
    -- the flag and the finiteness are settled here, so no extra column rides through the joins below
    select
        place_code, indicator_code, period, published_rank, file_id, loaded_at, is_preliminary, quality_flag,
        rank_group_code,
        value is not null as has_value,
        growth_pct is not null as has_growth,
        case when quality_flag is null then mart_store.finite(value) end as value,
        case when quality_flag is null then mart_store.finite(growth_pct) end as growth_pct,
    from staging.observations
    where loaded_at <= (select loaded_until from cut)
),

slices as materialized (
    -- per indicator x period: its keys, its place in the calendar and whether several files feed it;
    -- small, so computed once (a filter on period still reaches it) and joined to every value
    select
        versions.indicator_code,
        versions.period,
        versions.has_versions,
        ind.sort_order::smallint as indicator_id,
        cal.seq::smallint as seq,
        next_cal.period as next_period,
        ind.basis = 'growth' as on_growth,
        case ind.direction when 'lower' then -1.0 else 1.0 end as direction_sign,
    from (
        select indicator_code, period, min(file_id) <> max(file_id) as has_versions,
        from observations
        group by all
    ) as versions
    inner join ref.indicators as ind using (indicator_code)
    inner join ref.calendar as cal
        on cal.calendar_code = ind.calendar_code and cal.period = versions.period
    left join ref.calendar as next_cal
        on next_cal.calendar_code = ind.calendar_code and next_cal.seq = cal.seq + 1
),

single_file as (
    select observations.*, slices.* exclude (indicator_code, period)
    from observations
    inner join slices using (indicator_code, period)
    where not slices.has_versions
),

several_files as (
    select observations.*, slices.* exclude (indicator_code, period)
    from observations
    inner join slices using (indicator_code, period)
    where slices.has_versions
    qualify row_number() over (
        partition by observations.place_code, observations.indicator_code, observations.period
        order by observations.loaded_at desc, observations.file_id desc
    ) = 1
),

current_rows as (
    select * from single_file
    union all
    select * from several_files
),

final as (
    select
        ids.place_id,
        cur.indicator_id,
        cur.place_code,
        cur.indicator_code,
        cur.period,
        cur.seq,
        cur.next_period,
        case when cur.on_growth then cur.growth_pct else cur.value end as metric,
        metric * cur.direction_sign as sort_key,
        cur.direction_sign,
        cur.published_rank,
        cur.rank_group_code,
        cur.file_id,
        coalesce(cur.is_preliminary, false) as is_preliminary,
        cur.quality_flag,
        case when cur.on_growth then cur.has_growth else cur.has_value end as is_reported,
    from current_rows as cur
    inner join mart_store.place_ids as ids using (place_code)
)

select * from final
