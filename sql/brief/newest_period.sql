-- The newest period the marts rank, with its label as a monthly bulletin prints it.
-- one row (or none when the marts are empty); $period_limit caps it (null = no cap),
-- $quarter_only keeps quarter-end periods (the quarterly scoreboard)
with ranked as (
    select
        period,
        min(period_label) as period_label,
    from marts.rankings
    where ($period_limit is null or period <= $period_limit)
      and (not $quarter_only or month(period) in (3, 6, 9, 12))
    group by period
),

final as (
    select
        ranked.period,
        coalesce(cal.period_label, ranked.period_label) as period_label,
    from ranked
    left join ref.calendar as cal
        on cal.period = ranked.period and cal.calendar_code = 'monthly_jf'
    order by ranked.period desc
    limit 1
)

select * from final
