-- Append one file's clean observations to staging (registered DataFrame `incoming_observations`).
-- one row per place x indicator x period of the file; $file_id and $loaded_at stamp every row
insert into staging.observations by name
select * from (
    with incoming as (
        select * from incoming_observations
    ),

    final as (
        select
            $file_id::bigint as file_id,
            place_code,
            indicator_code,
            period::date as period,
            value,
            growth_pct,
            published_rank::integer as published_rank,
            rank_group_code,
            $loaded_at::timestamp as loaded_at,
            sheet,
            row_number::integer as row_number,
            value_column,
            growth_column,
            raw_value,
            raw_growth,
            is_total,
            is_preliminary,
            quality_flag,
        from incoming
    )

    select * from final
);
