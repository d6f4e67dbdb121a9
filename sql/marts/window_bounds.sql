-- Period bounds of the rebuild window, so reads of the stored history can skip by period
-- (the store is written in period order, so its zone maps prune whole row groups).
-- one row: window_from, window_to, prev_from (earliest previous expected period of a window slice),
-- reopen_from (earliest "last published period before the window" of any affected indicator x group)
with wnd as (
    select * from rank_window
),

calendar_by_indicator as (
    select ind.sort_order::smallint as indicator_id, cal.seq, cal.period
    from ref.indicators as ind
    inner join ref.calendar as cal using (calendar_code)
),

affected as (
    select indicator_id, min(seq) as from_seq from wnd group by all
),

previous as (
    select min(cal.period) as prev_from
    from wnd
    inner join calendar_by_indicator as cal
        on cal.indicator_id = wnd.indicator_id and cal.seq = wnd.seq - 1
),

last_before as (
    select pp.indicator_id, pp.group_id, max(pp.period) as last_period
    from mart_store.published_periods as pp
    inner join affected using (indicator_id)
    where pp.seq < affected.from_seq
    group by all
),

final as (
    select
        (select min(period) from wnd) as window_from,
        (select max(period) from wnd) as window_to,
        coalesce((select prev_from from previous), (select min(period) from wnd)) as prev_from,
        coalesce((select min(last_period) from last_before), (select min(period) from wnd)) as reopen_from,
)

select * from final
