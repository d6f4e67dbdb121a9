-- Every version of one observation ever loaded, oldest first, with the file it came from (and where the
-- pull stage fetched that file, when it did), for `bipin explain`; is_current marks the version the
-- marts use (latest loaded by their cut).
-- one row per version
with versions as (
    select * from staging.observations
    where place_code = $place and indicator_code = $indicator and period = $period
),

in_marts as (
    select distinct file_id from marts.rankings
    where place_code = $place and indicator_code = $indicator and period = $period
),

final as (
    select
        versions.file_id,
        files.file_name,
        files.original_path,
        files.provenance,
        versions.sheet,
        versions.row_number,
        versions.value_column,
        versions.growth_column,
        versions.raw_value,
        versions.raw_growth,
        versions.value,
        versions.growth_pct,
        versions.published_rank,
        versions.loaded_at,
        versions.file_id in (select file_id from in_marts) as is_current,
    from versions
    left join raw.files as files using (file_id)
    order by versions.loaded_at, versions.file_id
)

select * from final
