-- The slice right after a rebuilt one keeps its own ranks but its prev_rank may have changed:
-- refresh prev_rank of stored rows in (indicator, seq + 1) slices that were not rebuilt themselves.
-- updates one row per period x indicator x group x place in those next slices
with next_slices_outside as (
    select distinct wnd.indicator_id, wnd.seq + 1 as seq
    from rank_window as wnd
    anti join rank_window as other
        on other.indicator_id = wnd.indicator_id and other.seq = wnd.seq + 1
),

next_rows as (
    select stored.indicator_id, stored.group_id, stored.place_id, stored.seq
    from mart_store.rankings as stored
    semi join next_slices_outside using (indicator_id, seq)
    where stored.period > $window_from
),

final as (
    select
        next_rows.*,
        prev.rank as prev_rank,
    from next_rows
    left join mart_store.rankings as prev
        on prev.indicator_id = next_rows.indicator_id
        and prev.group_id = next_rows.group_id
        and prev.place_id = next_rows.place_id
        and prev.seq = next_rows.seq - 1
        and prev.period >= $window_from
)

update mart_store.rankings as target
set prev_rank = final.prev_rank
from final
where target.indicator_id = final.indicator_id
  and target.group_id = final.group_id
  and target.place_id = final.place_id
  and target.seq = final.seq
