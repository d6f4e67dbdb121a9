-- The earliest loaded file with the same content (sha256): a second copy is a duplicate, a no-op.
-- zero or one row
with loaded as (
    select file_id, file_name from raw.files where sha256 = $sha256 and status = 'loaded'
),

final as (
    select * from loaded order by file_id limit 1
)

select * from final;
