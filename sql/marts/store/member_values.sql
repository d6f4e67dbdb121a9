-- mart_store.member_values: each current value in every peer group its place belonged to at the
-- period's last day (mart_store.is_member_on). Places outside every group (totals, cities in a
-- county table) drop out here. A published 位次 stays only in the group it was published for
-- (rank_group_code, migration 031): a city's 位次 is no rank among the province's counties.
-- one row per period x indicator x group x member place with an observation (metric may be null)
with current_values as (
    select * from mart_store.current_values
),

final as (
    select
        spells.group_id,
        spells.group_code,
        current_values.* replace (
            case when current_values.rank_group_code = spells.group_code then current_values.published_rank end
                as published_rank
        ),
    from current_values
    inner join mart_store.memberships as spells
        on spells.place_id = current_values.place_id
        and mart_store.is_member_on(spells.valid_from, spells.valid_to, last_day(current_values.period))
)

select * from final
