-- Every remote item of one source pulled before, with its latest version (one query per run, not per item).
-- one row per remote_id
with versions as (
    select * from pull.ledger where source_code = $source_code
),

final as (
    select remote_id, version
    from versions
    qualify row_number() over (partition by remote_id order by pulled_at desc) = 1
)

select * from final;
