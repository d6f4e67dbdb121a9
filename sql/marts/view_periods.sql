-- marts.periods: the periods the marts rank, per indicator and group: how many members had an
-- observation and how many were ranked. Small and stored, so "what is the newest period" is cheap.
-- pub_idx numbers the periods the group saw the indicator at all (a streak runs over consecutive ones).
-- one row per indicator x group x period in which at least one member had an observation
with published as (
    select * from mart_store.published_periods
),

final as (
    select
        published.period,
        cal.period_label,
        ind.indicator_code,
        grp.group_code,
        published.n_members,
        published.n_ranked,
        published.n_months,
        published.pub_idx,
    from published
    inner join ref.indicators as ind on ind.sort_order = published.indicator_id
    inner join ref.groups as grp on grp.sort_order = published.group_id
    left join ref.calendar as cal on cal.calendar_code = ind.calendar_code and cal.seq = published.seq
)

select * from final
