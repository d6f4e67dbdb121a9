-- The first file written into the inbox with this content, from any source (the same table published
-- in two places is written once). zero or one row
with written as (
    select source_code, file_name, provenance, pulled_at
    from pull.ledger
    where sha256 = $sha256 and file_name is not null
),

final as (
    select * from written order by pulled_at limit 1
)

select * from final;
