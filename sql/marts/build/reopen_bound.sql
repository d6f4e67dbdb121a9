-- Where streaks may reopen: the earliest "last published period before the window" of any affected
-- indicator x group (or the window's first period when there is none). Reads of stored streaks and
-- published periods are bounded below by it. Needed once per build, after all chunks are ranked.
-- one row: reopen_from
with wnd as (
    select * from rank_window
),

affected as (
    select indicator_id, min(seq) as from_seq from wnd group by all
),

last_before as (
    select pp.indicator_id, pp.group_id, max(pp.period) as last_period
    from mart_store.published_periods as pp
    inner join affected using (indicator_id)
    where pp.seq < affected.from_seq
    group by all
),

final as (
    select coalesce((select min(last_period) from last_before), (select min(period) from wnd)) as reopen_from
)

select * from final
