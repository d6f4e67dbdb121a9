-- When the data behind a period arrived: the newest load among files covering it, known by $as_of.
-- one row: newest loaded_at, number of files, their sources
with covering as (
    select * from raw.files
    where status = 'loaded'
      and loaded_at <= $as_of
      and list_contains(periods, $period)
),

final as (
    select
        max(loaded_at) as loaded_at,
        count(*) as n_files,
        list(distinct source_code order by source_code) filter (where source_code is not null) as source_codes,
    from covering
)

select * from final
