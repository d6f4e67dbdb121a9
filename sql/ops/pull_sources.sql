-- Every pull source's last outcome for `bipin status`: when it ran, when it last worked, since when it fails.
-- one row per source that has run
with status as (
    select * from pull.source_status
),

final as (
    select
        source_code,
        last_run_at,
        last_ok_at,
        failing_since,
        n_failures,
        coalesce(last_error, 'ok') as outcome,
    from status
    order by source_code
)

select * from final;
