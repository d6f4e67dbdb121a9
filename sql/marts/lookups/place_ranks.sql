-- One place's ranks in one period across indicators and groups, with its top-three and first-place
-- streaks and, where the place has an annual target for the indicator, its progress, for `bipin show`.
-- $groups null = every group.
-- one row per indicator x group in which the place has a row for $period
with rankings as (
    select * from marts.rankings
    where place_code = $place and period = $period
      and ($groups is null or list_contains($groups, group_code))
),

current_streaks as (
    select
        indicator_code,
        group_code,
        max(n_periods) filter (where kind = 'top3') as top3_periods,
        max(n_months) filter (where kind = 'top3') as top3_months,
        max(n_periods) filter (where kind = 'first') as first_periods,
    from marts.streaks
    where place_code = $place and end_period = $period
    group by all
),

targets as (
    select indicator_code, basis as target_basis, target, unit as target_unit, gap as target_gap, on_track,
    from marts.target_progress
    where place_code = $place and period = $period
),

final as (
    select
        grp.label as group_label,
        grp.sort_order as group_order,
        rankings.group_code,
        ind.name as indicator_name,
        ind.sort_order as indicator_order,
        ind.unit,
        ind.basis,
        rankings.indicator_code,
        rankings.period_label,
        rankings.metric,
        rankings.rank,
        rankings.is_tied,
        rankings.n_ranked,
        rankings.prev_rank,
        rankings.rank_change,
        rankings.gap_to_third,
        rankings.gap_to_next_above,
        rankings.published_rank,
        rankings.is_complete,
        rankings.n_reported,
        rankings.n_members,
        current_streaks.top3_periods,
        current_streaks.top3_months,
        current_streaks.first_periods,
        targets.target_basis,
        targets.target,
        targets.target_unit,
        targets.target_gap,
        targets.on_track,
    from rankings
    inner join ref.groups as grp using (group_code)
    inner join ref.indicators as ind using (indicator_code)
    left join current_streaks using (indicator_code, group_code)
    left join targets using (indicator_code)
    order by grp.sort_order, ind.sort_order
)

select * from final
