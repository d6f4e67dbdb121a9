-- The rebuilt slices with prev_rank: the rank in the previous expected period (seq - 1) of the
-- indicator's calendar, from the rebuilt rows or, outside the window, from the stored rankings.
-- A row's (group, indicator, place, seq) is packed into one bigint so the lookup is one equality join.
-- one row per period x indicator x group x member place in rank_window
with fresh as (
    select
        *,
        ((group_id::bigint * 1024 + indicator_id) * 2097152 + place_id) * 16384 + seq as row_key,
    from rank_ranked
),

previous_slices_outside as (
    select distinct wnd.indicator_id, wnd.seq - 1 as seq
    from rank_window as wnd
    anti join rank_window as other
        on other.indicator_id = wnd.indicator_id and other.seq = wnd.seq - 1
),

previous_ranks as (
    select row_key, rank from fresh
    union all
    select
        ((stored.group_id::bigint * 1024 + stored.indicator_id) * 2097152 + stored.place_id) * 16384 + stored.seq,
        stored.rank,
    from mart_store.rankings as stored
    semi join previous_slices_outside using (indicator_id, seq)
    where stored.period >= getvariable('rank_prev_from')
),

final as (
    select
        fresh.indicator_id,
        fresh.group_id,
        fresh.period,
        fresh.seq,
        fresh.place_id,
        fresh.metric,
        fresh.rank,
        prev.rank as prev_rank,
        fresh.published_rank,
        fresh.file_id,
    from fresh
    left join previous_ranks as prev on prev.row_key = fresh.row_key - 1
)

select * from final
