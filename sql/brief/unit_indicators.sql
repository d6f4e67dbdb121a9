-- The units answerable for the focus places' indicators (各单位、各条线: config/units.yaml, mirrored into
-- ref.unit_indicators), with the indicator's name and catalog order for the briefing's lines.
-- one row per place x unit x indicator for $places
with units as (
    select * from ref.unit_indicators
    where list_contains($places, place_code)
),

final as (
    select
        units.place_code,
        units.unit_name,
        units.unit_full_name,
        units.unit_order,
        units.indicator_code,
        units.role,
        units.is_synthetic,
        ind.name as indicator_name,
        ind.sort_order as indicator_order,
    from units
    inner join ref.indicators as ind using (indicator_code)
    order by units.place_code, units.unit_order, ind.sort_order
)

select * from final
