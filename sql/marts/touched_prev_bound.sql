-- Lower bound on the previous expected periods of every slice in the touched periods, so the
-- top-three counts read only the stored history they need (the store's zone maps skip the rest).
-- The previous period of a calendar grows with the period, so the earliest touched period decides.
-- one row: prev_from
with first_touched as (
    select min(period) as period from rank_touched_periods
),

previous_by_calendar as (
    select cal.calendar_code, max(cal.period) as period
    from ref.calendar as cal
    cross join first_touched
    where cal.period < first_touched.period
    group by all
),

final as (
    select coalesce(
        (select min(period) from previous_by_calendar), (select period from first_touched)
    ) as prev_from
)

select * from final
