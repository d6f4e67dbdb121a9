-- Period bounds of the rebuild window, so reads of the stored history can skip by period
-- (the store is written in period order, so its zone maps prune whole row groups).
-- Reads only rank_window and ref, never the store: cheap enough to run for every chunk.
-- (reopen_from, which needs the published periods, is sql/marts/build/reopen_bound.sql.)
-- one row: window_from, window_to, prev_from (earliest previous expected period of a window slice)
with wnd as (
    select * from rank_window
),

calendar_by_indicator as (
    select ind.sort_order::smallint as indicator_id, cal.seq, cal.period
    from ref.indicators as ind
    inner join ref.calendar as cal using (calendar_code)
),

previous as (
    select min(cal.period) as prev_from
    from wnd
    inner join calendar_by_indicator as cal
        on cal.indicator_id = wnd.indicator_id and cal.seq = wnd.seq - 1
),

final as (
    select
        (select min(period) from wnd) as window_from,
        (select max(period) from wnd) as window_to,
        coalesce((select prev_from from previous), (select min(period) from wnd)) as prev_from,
)

select * from final
