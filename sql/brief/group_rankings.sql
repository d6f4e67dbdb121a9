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

final as (
    select
        rankings.group_code,
        grp.label as group_label,
        grp.name as group_name,
        rankings.period_label,
        rankings.indicator_code,
        ind.name as indicator_name,
        ind.unit,
        ind.basis,
        ind.direction,
        ind.frequency,
        ind.sort_order as indicator_order,
        rankings.place_code,
        pl.short_name as place_name,
        pl.division_code,
        rankings.metric,
        case when ind.basis = 'level' then rankings.metric else obs.value end as value,
        case when ind.basis = 'growth' then rankings.metric else obs.growth_pct end as growth_pct,
        rankings.rank,
        rankings.is_tied,
        rankings.is_top3,
        rankings.prev_rank,
        rankings.rank_change,
        rankings.is_preliminary,
    from rankings
    inner join ref.indicators as ind using (indicator_code)
    inner join ref.groups as grp using (group_code)
    inner join ref.places as pl using (place_code)
    left join observations as obs using (place_code, indicator_code)
    order by grp.sort_order, ind.sort_order, rankings.rank, pl.division_code nulls last, pl.place_code
)

select * from final
