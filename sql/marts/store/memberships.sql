-- mart_store.memberships: every membership spell with the store's integer keys.
-- one row per group x member place x spell
with spells as (
    select * from ref.group_members
),

final as (
    select
        grp.sort_order::integer as group_id,
        spells.group_code,
        ids.place_id,
        spells.valid_from,
        spells.valid_to,
    from spells
    inner join ref.groups as grp using (group_code)
    inner join mart_store.place_ids as ids using (place_code)
)

select * from final
