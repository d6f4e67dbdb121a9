-- mart_store.member_values: each current value in every peer group its place belonged to at the
-- period's last day (valid_from <= last day < valid_to). Places outside every group (totals, cities
-- in a county table) drop out here.
-- one row per period x indicator x group x member place with an observation (metric may be null)
with member_periods as (
    select
        grp.sort_order::integer as group_id,
        mem.group_code,
        ids.place_id,
        mem.valid_from,
        mem.valid_to,
    from ref.group_members as mem
    inner join ref.groups as grp using (group_code)
    inner join mart_store.place_ids as ids using (place_code)
),

final as (
    select
        mp.group_id,
        mp.group_code,
        cur.*,
    from mart_store.current_values as cur
    inner join member_periods as mp
        on mp.place_id = cur.place_id
        and mp.valid_from <= last_day(cur.period)
        and (mp.valid_to is null or last_day(cur.period) < mp.valid_to)
)

select * from final
