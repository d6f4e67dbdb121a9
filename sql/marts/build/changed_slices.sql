-- Indicator x period slices whose inputs differ between what the marts show and what is asked for:
-- every slice with an observation loaded in ($loaded_after, $loaded_until]. null bounds are open.
-- one row per indicator x period (with its calendar seq)
with observations as (
    select indicator_code, period
    from staging.observations
    where ($loaded_after is null or loaded_at > $loaded_after)
      and ($loaded_until is null or loaded_at <= $loaded_until)
),

slices as (
    select distinct indicator_code, period from observations
),

final as (
    select
        slices.indicator_code,
        ind.sort_order::smallint as indicator_id,
        slices.period,
        cal.seq::smallint as seq,
    from slices
    inner join ref.indicators as ind using (indicator_code)
    inner join ref.calendar as cal
        on cal.calendar_code = ind.calendar_code and cal.period = slices.period
)

select * from final
