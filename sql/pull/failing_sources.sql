-- Sources whose last pull failed: which, since when, how many runs in a row, and the one line to act on.
-- one row per failing source
with status as (
    select * from pull.source_status
),

final as (
    select source_code, failing_since, n_failures, last_ok_at, fault_kind, last_error
    from status
    where failing_since is not null
    order by failing_since, source_code
)

select * from final;
