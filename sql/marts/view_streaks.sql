-- marts.streaks: runs of consecutive published expected periods in the top three or first place.
-- one row per place x indicator x group x kind x run
with streaks as (
    select * from mart_store.streaks
),

final as (
    select
        ids.place_code,
        ind.indicator_code,
        grp.group_code,
        streaks.kind,
        streaks.start_period,
        streaks.end_period,
        streaks.n_periods,
        streaks.n_months,
        streaks.is_current,
        streaks.broke_at,
    from streaks
    inner join ref.indicators as ind on ind.sort_order = streaks.indicator_id
    inner join ref.groups as grp on grp.sort_order = streaks.group_id
    inner join mart_store.place_ids as ids using (place_id)
)

select * from final
