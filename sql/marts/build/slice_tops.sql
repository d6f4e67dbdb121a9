-- The slices being rebuilt, each summarised in one hash-aggregate pass instead of a sort of every
-- ranked row: its size, how many are ranked, and its best eight members with their sort keys, best
-- first. The top three (with ties) are read off that list; a slice whose list may cut a tie at
-- third place short (its last key equals its third) is ranked in full (sql/marts/build/top3_overflow.sql).
-- n_reported: members whose ranked value is present (is_reported), the coverage's numerator (the caller
-- compares it with rank_group_sizes: sql/marts/build/published_periods.sql and partial_periods.sql).
-- one row per period x indicator x group with at least one member observation
with window_values as (
    -- the window's current values (a temp view: every value in a full rebuild, else
    -- sql/marts/build/window_values.sql), picked before each is repeated for its groups
    select * from rank_window_values
),

member_values as (
    -- as mart_store.member_values, for the window's values only
    select spells.group_id, window_values.*
    from window_values
    inner join mart_store.memberships as spells
        on spells.place_id = window_values.place_id
        and mart_store.is_member_on(spells.valid_from, spells.valid_to, last_day(window_values.period))
),

tops as (
    select
        group_id,
        indicator_id,
        period,
        seq,
        count_if(is_reported)::integer as n_reported,
        count(sort_key)::integer as n_ranked,
        -- eight, not three: five more places tied at third still fit, so a full ranking is rare
        -- (one slice in 1.75M at national scale; bench/bench_rank.py)
        -- both skip a null sort_key (a missing metric is not ranked), cheaper than a filter clause
        arg_max(place_id, sort_key, 8) as top_places,
        max(sort_key, 8) as top_keys,
    from member_values
    group by all
),

listed as (
    select
        *,
        -- the list may have cut a tie at third place short: rank this slice in full
        coalesce(len(top_keys) = 8 and top_keys[8] = top_keys[3], false) as needs_full_rank,
        top_keys[least(3, len(top_keys))] as third_key,
    from tops
),

final as (
    -- the top three (rank <= 3): rank = 1 + how many keys in the list are better = the first
    -- position of the key in the list (it is sorted best first)
    select
        group_id, indicator_id, period, seq, n_reported, n_ranked, needs_full_rank,
        list_filter(top_places, lambda place, i: top_keys[i] >= third_key) as top_places,
        list_transform(
            list_filter(top_keys, lambda key: key >= third_key),
            lambda key: list_position(top_keys, key)
        )::smallint[] as top_ranks,
    from listed
)

select * from final
