-- The period before each period of a year-to-date indicator within the same year: what rule ytd_decreased
-- compares with. Ingest reads it once per run and stamps each incoming row with it (ytd_previous_period),
-- so the per-file check (ytd_decreases.sql) needs no calendar joins.
-- one row per ytd indicator x expected period that has an earlier expected period in its year
with ytd_indicators as (
    select indicator_code, calendar_code from ref.indicators where kind = 'ytd'
),

calendar as (
    select calendar_code, period, seq from ref.calendar
),

final as (
    select
        ytd_indicators.indicator_code,
        this.period,
        previous.period as previous_period,
    from ytd_indicators
    inner join calendar as this using (calendar_code)
    inner join calendar as previous
        on previous.calendar_code = this.calendar_code and previous.seq = this.seq - 1
    where year(previous.period) = year(this.period)
)

select * from final
