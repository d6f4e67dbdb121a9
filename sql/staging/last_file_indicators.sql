-- The indicators of each source's last loaded file, read once per ingest run (rule indicator_missing).
-- one row per source with a loaded file
with loaded_files as (
    select file_id, file_name, source_code, loaded_at from raw.files
    where status = 'loaded' and source_code is not null
),

last_files as (
    select * from loaded_files
    qualify row_number() over (partition by source_code order by loaded_at desc, file_id desc) = 1
),

final as (
    select
        last_files.source_code,
        last_files.file_name,
        list(distinct observations.indicator_code order by observations.indicator_code) as indicator_codes,
    from last_files
    inner join staging.observations as observations using (file_id)
    group by all
)

select * from final
