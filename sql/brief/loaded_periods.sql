-- Every period some loaded file covers, known by $as_of: to tell which expected periods have not arrived.
-- one row per period
with files as (
    select unnest(periods) as period
    from raw.files
    where status = 'loaded' and loaded_at <= $as_of
),

final as (
    select distinct period from files order by period
)

select * from final
