-- How many indicators each place has in the top three (and in first place) per group and period,
-- and how many of the same indicators it had there in their previous expected period.
-- one row per period x group x place ranked on at least one indicator
with rankings as (
    select period, group_id, place_id, rank, prev_rank
    from mart_store.rankings
    semi join rank_touched_periods using (period)
    where period >= $window_from
),

final as (
    select
        period,
        group_id,
        place_id,
        count(*) filter (where rank <= 3)::integer as n_top3,
        count(*) filter (where rank = 1)::integer as n_first,
        count(rank)::integer as n_ranked_indicators,
        count(*) filter (where prev_rank <= 3)::integer as n_top3_prev,
        count(*) filter (where prev_rank = 1)::integer as n_first_prev,
    from rankings
    group by all
    having count(rank) > 0
)

select * from final
