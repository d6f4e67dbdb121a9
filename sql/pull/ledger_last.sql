-- The latest version of one remote item that pull recorded, for conditional requests and change checks.
-- zero or one row
with versions as (
    select * from pull.ledger
    where source_code = $source_code and remote_id = $remote_id
),

final as (
    select version, etag, last_modified, sha256, pulled_at
    from versions
    order by pulled_at desc
    limit 1
)

select * from final;
