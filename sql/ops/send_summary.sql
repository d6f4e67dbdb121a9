-- Deliveries for `bipin status` and `bipin run`: briefings per kind and status, attempted since $since.
-- one row per kind x status
with ledger as (
    select kind, period_key, recipient, status, sent_at, last_attempt_at
    from delivery.send_ledger
    where last_attempt_at >= $since
),

final as (
    select
        kind,
        status,
        count(*) as n_briefings,
        count(distinct recipient) as n_recipients,
        max(period_key) as newest_period_key,
        max(sent_at) as last_sent_at,
    from ledger
    group by all
)

select * from final order by kind, status
