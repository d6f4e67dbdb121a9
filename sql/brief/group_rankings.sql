-- Every place's rank on every indicator in some groups for one period: the monthly bulletin's full tables
-- and the XLSX attachment. The ranked number (growth or level) is the marts' metric; value and growth_pct
-- put the other one beside it from the current observation (the 本年累计 value beside the growth).
-- one row per indicator x group x place for $period (ties in official order: division code)
with rankings as (
    -- published slices only: a partial one is named in coverage_notes instead (docs/RULES.md 11)
    select * from marts.rankings
    where is_complete and period = $period and list_contains($groups, group_code)
),

observations as (
    select place_code, indicator_code, value, growth_pct,
    from staging.observations_current
    where period = $period
),

ties as (
    select
        *,
        rank is not null and count(*) over (partition by indicator_code, group_code, rank) > 1 as is_tied,
    from rankings
),

final as (
    select
        ties.group_code,
        grp.label as group_label,
        grp.name as group_name,
        ties.period_label,
        ties.indicator_code,
        ind.name as indicator_name,
        ind.unit,
        ind.basis,
        ind.direction,
        ind.frequency,
        ind.sort_order as indicator_order,
        ties.place_code,
        pl.short_name as place_name,
        pl.division_code,
        ties.metric,
        case when ind.basis = 'level' then ties.metric else obs.value end as value,
        case when ind.basis = 'growth' then ties.metric else obs.growth_pct end as growth_pct,
        ties.rank,
        ties.is_tied,
        ties.is_top3,
        ties.prev_rank,
        ties.rank_change,
        ties.is_preliminary,
    from ties
    inner join ref.indicators as ind using (indicator_code)
    inner join ref.groups as grp using (group_code)
    inner join ref.places as pl using (place_code)
    left join observations as obs using (place_code, indicator_code)
    order by grp.sort_order, ind.sort_order, ties.rank, pl.division_code nulls last, pl.place_code
)

select * from final
