-- The rebuilt slices that are not complete (too few members reported, sql/marts/slice_tops.sql): kept
-- in mart_store.partial_periods so marts.periods shows them, never in the published periods.
-- one row per indicator x group x period with some but not enough members reported
with tops as (
    select * from rank_slice_tops
),

final as (
    select indicator_id, group_id, period, seq, n_members, n_reported, n_ranked,
    from tops
    where not is_complete
)

select * from final
