-- The newest period the marts publish (a complete slice, docs/RULES.md 11), with its label as a monthly
-- bulletin prints it. One row (or none when the marts are empty); $period_limit caps it (null = no cap),
-- $quarter_only keeps quarter-end periods (the quarterly scoreboard), $groups keeps those groups' slices
-- (null = every group).
-- Read from marts.periods (stored, one row per indicator x group x period) so finding the newest
-- period does not rank anything.
with ranked as (
    select distinct period
    from marts.periods
    where n_ranked > 0 and is_complete
      and ($groups is null or list_contains($groups, group_code))
      and ($period_limit is null or period <= $period_limit)
      and (not $quarter_only or month(period) in (3, 6, 9, 12))
),

labels as (
    select period, arg_min(period_label, calendar_code = 'monthly') as period_label
    from ref.calendar
    where calendar_code in ('monthly_jf', 'monthly')
    group by period
),

final as (
    select
        ranked.period,
        labels.period_label,
    from ranked
    left join labels using (period)
    order by ranked.period desc
    limit 1
)

select * from final
