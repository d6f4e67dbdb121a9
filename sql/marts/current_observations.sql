-- The value of every observation in the slices being rebuilt, as current at the variable rank_cut
-- (null = now):
-- latest loaded_at wins, ties go to the highest file_id. Slices fed by one file need no dedupe,
-- which keeps a full rebuild from sorting every observation ever loaded.
-- one row per place x indicator x period in rank_window
with window_slices as (
    select indicator_code, period from rank_window
),

observations as (
    select
        obs.place_code,
        obs.indicator_code,
        obs.period,
        obs.value,
        obs.growth_pct,
        obs.published_rank,
        obs.file_id,
        obs.loaded_at,
    from staging.observations as obs
    semi join window_slices using (indicator_code, period)
    where getvariable('rank_cut') is null or obs.loaded_at <= getvariable('rank_cut')
),

slice_versions as (
    select
        indicator_code,
        period,
        min(file_id) <> max(file_id) as has_versions,
    from observations
    group by all
),

single_file as (
    select observations.*
    from observations
    semi join slice_versions
        on slice_versions.indicator_code = observations.indicator_code
        and slice_versions.period = observations.period
        and not slice_versions.has_versions
),

several_files as (
    select observations.*
    from observations
    semi join slice_versions
        on slice_versions.indicator_code = observations.indicator_code
        and slice_versions.period = observations.period
        and slice_versions.has_versions
    qualify row_number() over (
        partition by place_code, indicator_code, period
        order by loaded_at desc, file_id desc
    ) = 1
),

final as (
    select * from single_file
    union all
    select * from several_files
)

select * from final
