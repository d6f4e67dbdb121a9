-- Invariant: a better metric never has a worse rank, equal metrics share a rank, rank = 1 + the
-- number of strictly better places, missing metrics are unranked, n_ranked counts the ranked.
-- Must return no rows.
-- one row per offending place x slice
with rankings as (
    select * from marts.rankings
),

recomputed as (
    select
        a.period, a.indicator_code, a.group_code, a.place_code, a.rank, a.metric, a.n_ranked,
        count(b.metric) filter (
            where (b.metric - a.metric) * (case when a.is_lower_better then -1 else 1 end) > 0
        ) + 1 as expected_rank,
        count(b.metric) as expected_n_ranked,
    from rankings as a
    inner join rankings as b using (period, indicator_code, group_code)
    group by all
),

final as (
    select * from recomputed
    where (metric is null and rank is not null)
       or (metric is not null and rank is distinct from expected_rank)
       or n_ranked <> expected_n_ranked
)

select * from final
