-- One place's ranks in one period across indicators and groups, with its top-three and first-place
-- streaks, for `bipin show`. $groups null = every group.
-- one row per indicator x group in which the place has a row for $period
with rankings as (
    select * from marts.rankings
    where place_code = $place and period = $period
      and ($groups is null or list_contains($groups, group_code))
),

ties as (
    select indicator_code, group_code, period, rank, count(*) as n_sharing
    from marts.rankings
    where period = $period and rank is not null
    group by all
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
        coalesce(ties.n_sharing, 1) > 1 as is_tied,
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
    from rankings
    inner join ref.groups as grp using (group_code)
    inner join ref.indicators as ind using (indicator_code)
    left join ties using (indicator_code, group_code, period, rank)
    left join current_streaks using (indicator_code, group_code)
    order by grp.sort_order, ind.sort_order
)

select * from final
