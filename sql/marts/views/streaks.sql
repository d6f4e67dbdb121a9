-- marts.streaks: runs of consecutive published expected periods in the top three or first place.
-- The store keeps where each run starts and ends (pub_idx); its periods, months (1-2月 counts 2),
-- whether it still holds and the period it broke in come from the published periods.
-- one row per place x indicator x group x kind x run
with streaks as (
    select * from mart_store.streaks
),

latest as (
    select indicator_id, group_id, max(pub_idx) as last_idx
    from mart_store.published_periods
    group by all
),

final as (
    select
        ids.place_code,
        ind.indicator_code,
        grp.group_code,
        case when streaks.is_first then 'first' else 'top3' end as kind,
        first_period.period as start_period,
        last_period.period as end_period,
        (streaks.end_pub_idx - streaks.start_pub_idx + 1)::integer as n_periods,
        (last_period.cum_months - first_period.cum_months + first_period.n_months)::integer as n_months,
        streaks.end_pub_idx = latest.last_idx as is_current,
        next_period.period as broke_at,
    from streaks
    inner join mart_store.published_periods as first_period
        on first_period.indicator_id = streaks.indicator_id and first_period.group_id = streaks.group_id
        and first_period.pub_idx = streaks.start_pub_idx
    inner join mart_store.published_periods as last_period
        on last_period.indicator_id = streaks.indicator_id and last_period.group_id = streaks.group_id
        and last_period.pub_idx = streaks.end_pub_idx
    left join mart_store.published_periods as next_period
        on next_period.indicator_id = streaks.indicator_id and next_period.group_id = streaks.group_id
        and next_period.pub_idx = streaks.end_pub_idx + 1
    inner join latest
        on latest.indicator_id = streaks.indicator_id and latest.group_id = streaks.group_id
    inner join ref.indicators as ind on ind.sort_order = streaks.indicator_id
    inner join ref.groups as grp on grp.sort_order = streaks.group_id
    inner join mart_store.place_ids as ids on ids.place_id = streaks.place_id
)

select * from final
