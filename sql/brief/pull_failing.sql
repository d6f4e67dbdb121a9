-- Pull sources whose last attempt failed, for the operators' digest: which, since when, why.
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
