-- One place's top-three runs that are still going or broke at $period, with the first period the
-- warehouse holds for the indicator in the group: a run that starts there may be longer than counted.
-- one row per indicator x group x streak kind
with streaks as (
    select * from marts.streaks
    where place_code = $place
      and list_contains($groups, group_code)
      and (is_current or broke_at = $period)
),

first_held as (
    select indicator_code, group_code, min(period) as first_period, arg_min(period_label, period) as first_period_label
    from marts.periods
    where is_complete and list_contains($groups, group_code)
    group by all
),

final as (
    select
        streaks.indicator_code,
        ind.name as indicator_name,
        ind.basis,
        ind.calendar_code,
        streaks.group_code,
        grp.label as group_label,
        streaks.kind,
        streaks.start_period,
        streaks.end_period,
        streaks.n_periods,
        streaks.n_months,
        streaks.is_current,
        streaks.broke_at,
        streaks.start_period = held.first_period as starts_at_first_held,
        held.first_period_label,
    from streaks
    inner join ref.indicators as ind using (indicator_code)
    inner join ref.groups as grp using (group_code)
    left join first_held as held using (indicator_code, group_code)
    order by grp.sort_order, ind.sort_order, streaks.kind
)

select * from final
