-- The rebuilt slices that are not complete: fewer members reported (sql/marts/build/slice_tops.sql) than
-- the group requires on the period (rank_group_sizes, from mart_store.group_sizes). Kept in
-- mart_store.partial_periods so marts.periods shows them; never among the published periods.
-- one row per indicator x group x period with some but not enough members reported
with tops as (
    select * from rank_slice_tops
),

final as (
    select
        tops.indicator_id, tops.group_id, tops.period, tops.seq, sizes.n_members, tops.n_reported, tops.n_ranked,
    from tops
    inner join rank_group_sizes as sizes using (group_id, period)
    where tops.n_reported < sizes.n_required or tops.n_ranked = 0
)

select * from final
