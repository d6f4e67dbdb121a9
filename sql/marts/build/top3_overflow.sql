-- The top three of the rebuilt slices whose best-eight list may have cut a tie at third place short
-- (needs_full_rank: eighth key = third key): every member ranked with rank(), for those slices only.
-- The caller bounds the periods ($overflow_from, $overflow_to), so staging is read only around them.
-- one row per such slice, its top three as lists like sql/marts/build/slice_tops.sql's
with overflow_slices as (
    select group_id, indicator_id, seq
    from rank_slice_tops
    where needs_full_rank
),

member_values as (
    select mv.*
    from mart_store.member_values as mv
    semi join overflow_slices using (group_id, indicator_id, seq)
    where mv.period between $overflow_from and $overflow_to and mv.sort_key is not null
),

ranked as (
    select
        group_id, indicator_id, seq, place_id,
        rank() over (partition by group_id, indicator_id, seq order by sort_key desc) as rank,
    from member_values
),

final as (
    select
        group_id,
        indicator_id,
        seq,
        list(place_id order by rank, place_id) as top_places,
        list(rank::smallint order by rank, place_id) as top_ranks,
    from ranked
    where rank <= 3
    group by all
)

select * from final
