-- The top three of each rebuilt slice (rank <= 3; ties share the best place, so there may be more
-- than three). From the slice's best-five list: rank = 1 + how many keys in the list are better =
-- the first position of the key in the list (it is sorted best first). A slice whose fifth key
-- equals its third may have more tied at third than the list holds: those few are ranked in full.
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
    where not (len(top_keys) = 5 and top_keys[5] = top_keys[3])
),

from_lists as (
    select group_id, indicator_id, period, seq, place_id, list_position(top_keys, sort_key) as rank
    from listed
    where sort_key >= top_keys[least(3, len(top_keys))]
),

overflow_slices as (
    select group_id, indicator_id, seq, period
    from rank_slice_tops
    where len(top_keys) = 5 and top_keys[5] = top_keys[3]
),

overflow_values as (
    select mv.*
    from mart_store.member_values as mv
    semi join (select distinct indicator_id, seq from overflow_slices) using (indicator_id, seq)
    semi join overflow_slices using (group_id, indicator_id, seq)
    where mv.period between $window_from and $window_to
),

from_windows as (
    select group_id, indicator_id, period, seq, place_id, rank
    from (
        select
            *,
            rank() over (partition by group_id, indicator_id, seq order by sort_key desc) as rank,
        from overflow_values
        where sort_key is not null
    )
    where rank <= 3
),

final as (
    select group_id, indicator_id, period, seq, place_id, rank::smallint as rank from from_lists
    union all
    select group_id, indicator_id, period, seq, place_id, rank::smallint as rank from from_windows
)

select * from final
