-- Files bipin saw between two moments, whatever became of them: "what is new" and the operators' digest.
-- one row per file with received_at or loaded_at in ($since, $until]
with files as (
    select * from raw.files
    where coalesce(loaded_at, received_at) > $since
      and coalesce(loaded_at, received_at) <= $until
),

final as (
    select
        file_id,
        file_name,
        source_code,
        status,
        received_at,
        loaded_at,
        periods,
        coalesce(n_observations, 0) as n_observations,
        coalesce(n_revised, 0) as n_revised,
        n_warnings,
        n_errors,
        duplicate_of,
    from files
    order by coalesce(loaded_at, received_at), file_id
)

select * from final
