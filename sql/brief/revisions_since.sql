-- Numbers revised since a briefing was sent: observations loaded after the data cut it was built from
-- ($sent_as_of) that replace a different value; $until bounds the new loads (null = everything).
-- one row per place x indicator x period revised, newest load first
with observations as (
    select place_code, indicator_code, period, value, growth_pct, loaded_at
    from staging.observations
),

as_sent as (
    select * from observations
    where loaded_at <= $sent_as_of
    qualify row_number() over (partition by place_code, indicator_code, period order by loaded_at desc) = 1
),

as_now as (
    select * from observations
    where loaded_at > $sent_as_of and ($until is null or loaded_at <= $until)
    qualify row_number() over (partition by place_code, indicator_code, period order by loaded_at desc) = 1
),

final as (
    select
        as_now.place_code,
        coalesce(places.short_name, as_now.place_code) as place_name,
        as_now.indicator_code,
        coalesce(indicators.name, as_now.indicator_code) as indicator_name,
        as_now.period,
        as_sent.value as sent_value,
        as_now.value as new_value,
        as_sent.growth_pct as sent_growth_pct,
        as_now.growth_pct as new_growth_pct,
        as_now.loaded_at,
    from as_now
    inner join as_sent using (place_code, indicator_code, period)
    left join ref.places as places using (place_code)
    left join ref.indicators as indicators using (indicator_code)
    where as_sent.value is distinct from as_now.value or as_sent.growth_pct is distinct from as_now.growth_pct
    order by as_now.loaded_at desc, as_now.period desc, place_name, indicator_name
)

select * from final
