-- Peer groups whose newest ranked period is missing some members' values: ranks among fewer places
-- than the group has, which the operators should chase before a leader reads them.
-- one row per group x indicator at its newest period, only where n_ranked < n_members
with periods as (
    select * from marts.periods
),

newest as (
    select *
    from periods
    qualify period = max(period) over (partition by indicator_code, group_code)
),

final as (
    select
        newest.group_code,
        grp.name as group_name,
        newest.period,
        newest.period_label,
        newest.indicator_code,
        ind.name as indicator_name,
        newest.n_ranked,
        newest.n_members,
    from newest
    inner join ref.groups as grp using (group_code)
    inner join ref.indicators as ind using (indicator_code)
    where newest.n_ranked < newest.n_members
    order by grp.sort_order, newest.period, ind.sort_order
)

select * from final
