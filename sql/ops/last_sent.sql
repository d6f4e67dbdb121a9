-- When each briefing kind last went out, for `bipin status` (a kind sent since its last scheduled
-- time is not due again). Times are local to the configured zone, as the send ledger stores them.
-- one row per kind
with sent as (
    select kind, sent_at
    from delivery.send_ledger
    where status = 'sent'
),

final as (
    select
        kind,
        max(sent_at) as last_sent_at,
    from sent
    group by all
)

select * from final order by kind
