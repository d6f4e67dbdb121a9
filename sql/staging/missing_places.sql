-- Places the source's previous loaded file had that the incoming file lacks (warning rule place_missing).
-- one row per missing place
with source_files as (
    select file_id, file_name, loaded_at from raw.files
    where source_code = $source_code and status = 'loaded'
),

previous_file as (
    select * from source_files order by loaded_at desc, file_id desc limit 1
),

previous_places as (
    select distinct observations.place_code, previous_file.file_name
    from staging.observations as observations
    inner join previous_file using (file_id)
    where not coalesce(observations.is_total, false)
),

incoming_places as (
    select distinct place_code from incoming_observations
),

final as (
    select
        previous_places.place_code,
        coalesce(places.short_name, previous_places.place_code) as place_name,
        previous_places.file_name,
    from previous_places
    left join ref.places as places using (place_code)
    anti join incoming_places using (place_code)
)

select * from final order by place_code;
