-- mart_store.group_sizes: how many places each peer group holds on each expected period's last day
-- (the coverage's denominator) and how many of them must have reported for a slice to be complete:
-- ceil(min_coverage x members), the small tolerance keeping 0.9 x 90 at 81, not 82.
-- one row per group x calendar period with at least one valid member
with periods as (
    select distinct period from ref.calendar
),

spells as (
    select * from mart_store.memberships
),

groups as (
    select sort_order::integer as group_id, min_coverage from ref.groups
),

final as (
    select
        spells.group_id,
        periods.period,
        count(distinct spells.place_id)::integer as n_members,
        ceil(any_value(groups.min_coverage) * count(distinct spells.place_id) - 1e-9)::integer as n_required,
    from periods
    inner join spells
        on mart_store.is_member_on(spells.valid_from, spells.valid_to, last_day(periods.period))
    inner join groups using (group_id)
    group by all
)

select * from final
