-- One place's top-three runs that are still going or broke at $period.
-- one row per indicator x group x streak kind
with streaks as (
    select * from marts.streaks
    where place_code = $place
      and list_contains($groups, group_code)
      and (is_current or broke_at = $period)
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
    from streaks
    inner join ref.indicators as ind using (indicator_code)
    inner join ref.groups as grp using (group_code)
    order by grp.sort_order, ind.sort_order, streaks.kind
)

select * from final
