-- The top three of each rebuilt slice (rank <= 3; ties share the best place, so there may be more
-- than three), read off the slice's best-eight list: rank = 1 + how many keys in the list are
-- better = the first position of the key in the list (it is sorted best first). Slices that may hold
-- more places tied at third than the list (needs_full_rank): sql/marts/top3_overflow.sql.
-- one row per period x indicator x group x place in the top three
with listed as (
    select
        group_id,
        indicator_id,
        period,
        seq,
        unnest(top_places) as place_id,
        unnest(top_keys) as sort_key,
        top_keys,
    from rank_slice_tops
    where not needs_full_rank
),

final as (
    select group_id, indicator_id, period, seq, place_id, list_position(top_keys, sort_key)::smallint as rank
    from listed
    where sort_key >= top_keys[least(3, len(top_keys))]
)

select * from final
