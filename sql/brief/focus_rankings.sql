-- Some places' ranks in their groups over a window of periods, with what a sentence needs about the indicator.
-- one row per place x period x indicator x group for $places between $period_from and $period_to:
-- every period of $trend_groups (the groups the trend shows), only $point_periods of the other $groups
-- (one query for all of a run's focus places: the window figures under marts.rankings are computed once;
-- ranks are computed when read, per period and group, so this filter spares ranking every group's 36 months)
with rankings as (
    -- published slices only: a partial one is named in coverage_notes instead (docs/RULES.md 11)
    select * from marts.rankings
    where is_complete and period between $period_from and $period_to
        and (list_contains($trend_groups, group_code)
             or (list_contains($point_periods, period) and list_contains($groups, group_code)))
),

ties as (
    select
        *,
        -- places sharing a previous rank were tied then (members who left since are not counted)
        prev_rank is not null
            and count(*) over (partition by period, indicator_code, group_code, prev_rank) > 1 as prev_is_tied,
    from rankings
),

final as (
    select
        ties.period,
        ties.period_label,
        ties.indicator_code,
        ind.name as indicator_name,
        ind.unit,
        ind.basis,
        ind.calendar_code,
        ind.is_key,
        ind.direction,
        ind.sort_order as indicator_order,
        ties.group_code,
        grp.label as group_label,
        ties.place_code,
        ties.metric,
        ties.rank,
        ties.n_ranked,
        ties.is_top3,
        ties.is_tied,
        ties.prev_rank,
        ties.prev_is_tied,
        ties.rank_change,
        ties.gap_to_leader,
        ties.gap_to_third,
        ties.gap_to_next_above,
        ties.is_preliminary,
    from ties
    inner join ref.indicators as ind using (indicator_code)
    inner join ref.groups as grp using (group_code)
    where list_contains($places, ties.place_code)
      and list_contains($groups, ties.group_code)
    order by grp.sort_order, ties.period, ind.sort_order
)

select * from final
