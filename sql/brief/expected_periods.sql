-- Periods the release calendar expects, for the calendars the catalog's indicators use.
-- one row per calendar x period between $period_from and $period_to
with calendars as (
    select distinct calendar_code from ref.indicators
),

final as (
    select
        cal.calendar_code,
        cal.period,
        cal.period_label,
    from ref.calendar as cal
    inner join calendars using (calendar_code)
    where cal.period between $period_from and $period_to
    order by cal.period, cal.calendar_code
)

select * from final
