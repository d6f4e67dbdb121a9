-- How current the published data is against the release calendar (docs/RULES.md 13): per calendar
-- with a complete slice, the newest complete period and the newest period the calendar says is out by
-- $as_of (its last day + the frequency's greatest release lag, $monthly_lag_days / $quarterly_lag_days).
-- one row per calendar with published data
with published as (
    select ind.calendar_code, max(p.period) as newest_period
    from marts.periods as p
    inner join ref.indicators as ind using (indicator_code)
    where p.is_complete and p.n_ranked > 0
    group by all
),

lags as (
    select
        calendar_code,
        case when calendar_code = 'quarterly' then 'quarterly' else 'monthly' end as frequency,
        case when calendar_code = 'quarterly' then $quarterly_lag_days else $monthly_lag_days end as lag_days,
    from published
),

due as (
    select lags.calendar_code, max(cal.period) as due_period
    from lags
    inner join ref.calendar as cal using (calendar_code)
    where last_day(cal.period) + to_days(lags.lag_days::integer) <= $as_of::date
    group by all
),

final as (
    select
        published.calendar_code,
        lags.frequency,
        lags.lag_days,
        published.newest_period,
        newest_cal.period_label as newest_label,
        due.due_period,
        due_cal.period_label as due_label,
        last_day(due.due_period) + to_days(lags.lag_days::integer) as due_date,
    from published
    inner join lags using (calendar_code)
    left join due using (calendar_code)
    left join ref.calendar as newest_cal
        on newest_cal.calendar_code = published.calendar_code and newest_cal.period = published.newest_period
    left join ref.calendar as due_cal
        on due_cal.calendar_code = published.calendar_code and due_cal.period = due.due_period
    order by published.calendar_code
)

select * from final
