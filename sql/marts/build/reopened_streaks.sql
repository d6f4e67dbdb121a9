-- Stored streaks the rebuild may change: for each affected indicator x group, those reaching the last
-- published period before the first rebuilt seq (they may be extended, cut or broken), and any after
-- it. Streaks that ended earlier cannot change and stay as they are.
-- one row per stored streak to delete and recompute
with affected as (
    select indicator_id, min(seq) as from_seq from rank_window group by all
),

last_before as (
    select pp.indicator_id, pp.group_id, max(pp.pub_idx) as last_idx
    from mart_store.published_periods as pp
    inner join affected using (indicator_id)
    where pp.seq < affected.from_seq and pp.period >= $reopen_from
    group by all
),

final as (
    select
        streaks.place_id,
        streaks.indicator_id,
        streaks.group_id,
        streaks.is_first,
        streaks.start_pub_idx,
    from mart_store.streaks as streaks
    semi join affected using (indicator_id)
    left join last_before using (indicator_id, group_id)
    where streaks.end_pub_idx >= coalesce(last_before.last_idx, 0)
)

select * from final
