-- Data freshness for `bipin status`: the newest period loaded per indicator and when its data last arrived.
-- one row per indicator (indicators with no data yet included, newest_period null)
with indicators as (
    select indicator_code, name, frequency, calendar_code, sort_order
    from ref.indicators
),

observations as (
    select indicator_code, period, loaded_at
    from staging.observations
    where value is not null or growth_pct is not null
),

latest as (
    select
        indicator_code,
        max(period) as newest_period,
        max(loaded_at) as last_loaded_at,
        count(distinct period) as n_periods,
    from observations
    group by all
),

final as (
    select
        indicators.indicator_code,
        indicators.name,
        indicators.frequency,
        latest.newest_period,
        calendar.period_label as newest_period_label,
        latest.last_loaded_at,
        coalesce(latest.n_periods, 0) as n_periods,
        indicators.sort_order,
    from indicators
    left join latest using (indicator_code)
    left join ref.calendar as calendar
        on calendar.calendar_code = indicators.calendar_code and calendar.period = latest.newest_period
)

select * from final order by sort_order
