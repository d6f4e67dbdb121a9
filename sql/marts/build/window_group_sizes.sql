-- Members per group and period (mart_store.group_sizes) for the rebuild window's periods: the coverage
-- the published and partial periods are judged by. A table of its own: inside sql/marts/build/slice_tops.sql
-- the second use of mart_store.memberships turned it into a shared subplan of the big aggregate.
-- one row per group x period between $window_from and $window_to with at least one valid member
with sizes as (
    select * from mart_store.group_sizes
    where period between $window_from and $window_to
)

select * from sizes
