-- Errors and warnings of some files, for the operators' digest.
-- one row per message, errors first
with messages as (
    select * from raw.file_messages
    where list_contains($file_ids, file_id)
),

final as (
    select
        messages.file_id,
        files.file_name,
        messages.severity,
        messages.code,
        messages.sheet,
        messages.row_number,
        messages.column_name,
        messages.message,
    from messages
    inner join raw.files as files using (file_id)
    order by messages.severity, messages.file_id, messages.row_number nulls first
)

select * from final
