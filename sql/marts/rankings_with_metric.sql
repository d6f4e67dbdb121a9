-- mart_store.rankings_with_metric: each stored rank with the metric of the observation it came from.
-- The store keeps no copy of the metric (migration 021); marts.rankings and marts.scorecards read it
-- here, through the exact observation (file_id), so as-of builds show the value current then.
-- one row per period x indicator x group x member place with an observation
with stored as (
    select * from mart_store.rankings
),

final as (
    select
        stored.*,
        case ind.basis when 'growth' then obs.growth_pct else obs.value end as metric,
    from stored
    inner join ref.indicators as ind on ind.sort_order = stored.indicator_id
    inner join mart_store.place_ids as ids on ids.place_id = stored.place_id
    inner join staging.observations as obs
        on obs.file_id = stored.file_id
        and obs.period = stored.period
        and obs.indicator_code = ind.indicator_code
        and obs.place_code = ids.place_code
)

select * from final
