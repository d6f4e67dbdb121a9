-- How many indicators each place has in the top three (and in first place) per group and period,
-- and how many of the same indicators it had there in their previous expected period (the stored
-- top-three rows at seq - 1, joined to the rows of the touched periods). A row's (group, indicator,
-- place, seq) is packed into one bigint, so that join is one equality on a single column.
-- one row per period x group x place ranked on at least one indicator
with rankings as (
    select
        indicator_id, period, seq, group_id, place_id, rank,
        ((group_id::bigint * 1024 + indicator_id) * 2097152 + place_id) * 16384 + seq as row_key,
    from mart_store.rankings
    semi join rank_touched_periods using (period)
    where period >= $window_from
),

previous_slices as (
    select distinct indicator_id, seq - 1 as seq from rankings
),

previous_top3 as (
    select
        ((prev.group_id::bigint * 1024 + prev.indicator_id) * 2097152 + prev.place_id) * 16384 + prev.seq + 1
            as row_key,
        prev.rank as prev_rank,
    from mart_store.rankings as prev
    semi join previous_slices using (indicator_id, seq)
    where prev.rank <= 3 and prev.period >= $prev_from
),

with_prev as (
    select rankings.*, previous_top3.prev_rank
    from rankings
    left join previous_top3 using (row_key)
),

final as (
    select
        period,
        group_id,
        place_id,
        count(*) filter (where rank <= 3)::integer as n_top3,
        count(*) filter (where rank = 1)::integer as n_first,
        count(rank)::integer as n_ranked_indicators,
        count(prev_rank)::integer as n_top3_prev,
        count(*) filter (where prev_rank = 1)::integer as n_first_prev,
    from with_prev
    group by all
    having count(rank) > 0
)

select * from final
