-- The focus places' progress against their annual targets at $period: per targeted indicator its
-- newest period up to $period in $period's year, so a quarterly indicator shows its last quarter
-- beside the monthly ones (period_label says which).
-- one row per place x indicator with a target for year($period) and data by $period
with progress as (
    select * from marts.target_progress
    where list_contains($places, place_code) and year = year($period::date) and period <= $period::date
),

-- values the publisher released as first estimates (快报数), as ranked in any group
preliminary as (
    select place_code, indicator_code, period, bool_or(is_preliminary) as is_preliminary
    from marts.rankings
    where list_contains($places, place_code) and is_preliminary
    group by all
),

final as (
    select
        progress.*,
        ind.name as indicator_name,
        ind.unit as indicator_unit,
        ind.kind,
        ind.calendar_code,
        ind.sort_order as indicator_order,
        coalesce(pre.is_preliminary, false) as is_preliminary,
    from progress
    inner join ref.indicators as ind using (indicator_code)
    left join preliminary as pre using (place_code, indicator_code, period)
    qualify row_number() over (
        partition by progress.place_code, progress.indicator_code order by progress.period desc
    ) = 1
    order by progress.place_code, ind.sort_order
)

select * from final
