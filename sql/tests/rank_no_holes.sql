-- Invariant: ranks start at 1 and have no holes except right after ties (1, 2, 2, 4 is fine,
-- 1, 2, 4 is not). Must return no rows.
-- one row per rank that does not follow from the ranks before it
with ranks as (
    select period, indicator_code, group_code, rank, count(*) as n_sharing
    from marts.rankings
    where rank is not null
    group by all
),

expected as (
    select
        *,
        coalesce(sum(n_sharing) over (
            partition by period, indicator_code, group_code order by rank
            rows between unbounded preceding and 1 preceding
        ), 0) + 1 as expected_rank,
    from ranks
),

final as (
    select * from expected where rank <> expected_rank
)

select * from final
