-- The current values of the slices being rebuilt (rank_window), for an incremental build; a full
-- build reads mart_store.current_values whole (every slice is in its window: the semi join would
-- only cost time).
-- one row per place x indicator x period in rank_window
with window_values as (
    select *
    from mart_store.current_values
    semi join rank_window using (indicator_id, seq)
    where period between $window_from and $window_to
)

select * from window_values
