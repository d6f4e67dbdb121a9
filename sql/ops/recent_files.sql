-- Recent ingest activity for `bipin status`: the latest files seen, newest first.
-- one row per file (at most $n_files rows)
with files as (
    select file_id, file_name, source_code, status, received_at, loaded_at, n_observations, n_revised, n_errors
    from raw.files
),

final as (
    select
        file_name,
        status,
        source_code,
        received_at,
        coalesce(n_observations, 0) as n_observations,
        coalesce(n_revised, 0) as n_revised,
        n_errors,
        file_id,
    from files
    order by received_at desc, file_id desc
    limit $n_files
)

select * from final
