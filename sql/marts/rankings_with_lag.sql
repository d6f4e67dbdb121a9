-- Full rebuild: the ranked rows of one chunk with prev_rank read off the row before in the same
-- place's series (lag over group x indicator x place by seq), instead of a join on a packed key and a
-- later refresh. rank_ranked covers the chunk's slices plus each one's previous slice (rank_chunk
-- holds the chunk alone), so the first slice of the chunk finds its predecessor; only chunk rows are kept.
-- prev_rank is the rank at seq - 1 only: a place missing there has none, as with the join.
-- one row per period x indicator x group x member place in rank_chunk
with ranked as (
    select * from rank_ranked
),

lagged as (
    select
        indicator_id,
        group_id,
        period,
        seq,
        place_id,
        metric,
        rank,
        case when lag(seq) over by_place = seq - 1 then lag(rank) over by_place end as prev_rank,
        published_rank,
        file_id,
    from ranked
    window by_place as (partition by group_id, indicator_id, place_id order by seq)
),

final as (
    select lagged.*
    from lagged
    semi join rank_chunk using (indicator_id, seq)
)

select * from final
