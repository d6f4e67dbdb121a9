-- Ranks of the slices being rebuilt: each member valid at the period's last day, ranked on its metric
-- (growth_pct or value per the indicator's basis; lower-is-better ranks ascending). rank() semantics:
-- ties share the best place and the next place is skipped; a missing metric is not ranked.
-- One window sort on the integer slice key (group, indicator, seq); everything else about a slice is derived at read time.
-- The metric itself is not stored: the views read it from the observation (file_id) it came from.
-- one row per period x indicator x group x member place with an observation
with current_observations as (
    select * from rank_current
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

calendar as (
    select calendar_code, period, seq::smallint as seq from ref.calendar
),

window_periods as (
    select distinct period from rank_window
),

members_at_period as (
    -- membership covers the period's last day: valid_from <= last_day < valid_to
    select
        grp.sort_order::integer as group_id,
        ids.place_id,
        wp.period,
    from ref.group_members as mem
    inner join ref.groups as grp using (group_code)
    inner join mart_store.place_ids as ids using (place_code)
    cross join window_periods as wp
    where mem.valid_from <= last_day(wp.period)
      and (mem.valid_to is null or last_day(wp.period) < mem.valid_to)
),

measured as (
    select
        ids.place_id,
        ind.indicator_id,
        obs.period,
        cal.seq,
        case ind.basis when 'growth' then obs.growth_pct else obs.value end as metric,
        metric * ind.direction_sign as sort_key,
        obs.published_rank,
        obs.file_id,
    from current_observations as obs
    inner join indicators as ind using (indicator_code)
    inner join calendar as cal
        on cal.calendar_code = ind.calendar_code and cal.period = obs.period
    inner join mart_store.place_ids as ids using (place_code)
),

final as (
    select
        measured.indicator_id,
        mem.group_id,
        measured.period,
        measured.seq,
        measured.place_id,
        case when measured.metric is not null then rank() over (
            -- three narrow columns measured faster here than one packed bigint expression
            partition by mem.group_id, measured.indicator_id, measured.seq
            order by measured.sort_key desc nulls last
        ) end::smallint as rank,
        measured.published_rank,
        measured.file_id,
    from measured
    inner join members_at_period as mem using (place_id, period)
)

select * from final
