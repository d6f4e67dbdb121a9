-- Keep every error and warning of one file (registered DataFrame `incoming_messages`).
-- one row per problem found
insert into raw.file_messages by name
select * from (
    with messages as (
        select * from incoming_messages
    ),

    final as (
        select
            $file_id::bigint as file_id,
            severity,
            code,
            sheet,
            row_number::integer as row_number,
            column_name,
            message,
        from messages
    )

    select * from final
);
