-- The slices being rebuilt, each summarised in one hash-aggregate pass instead of a sort of every
-- ranked row: its size, how many are ranked, and its best eight members with their sort keys, best
-- first. The top three (with ties) are read off that list (sql/marts/top3_rows.sql); a slice whose
-- list may cut a tie at third place short (its last key equals its third) is ranked in full
-- (sql/marts/top3_overflow.sql).
-- one row per period x indicator x group with at least one member observation
with member_values as (
    select *
    from mart_store.member_values
    semi join rank_window using (indicator_id, seq)
    where period between $window_from and $window_to
),

tops as (
    select
        group_id,
        indicator_id,
        period,
        seq,
        count(*)::integer as n_members,
        count(sort_key)::integer as n_ranked,
        -- eight, not three: five more places tied at third still fit, so a full ranking is rare
        -- (one slice in 1.75M at national scale; measured 0.1 s dearer than keeping five)
        -- both skip a null sort_key (a missing metric is not ranked); a filter clause measured slower
        arg_max(place_id, sort_key, 8) as top_places,
        max(sort_key, 8) as top_keys,
    from member_values
    group by all
),

final as (
    select
        *,
        -- the list may have cut a tie at third place short: rank this slice in full
        coalesce(len(top_keys) = 8 and top_keys[8] = top_keys[3], false) as needs_full_rank,
    from tops
)

select * from final
