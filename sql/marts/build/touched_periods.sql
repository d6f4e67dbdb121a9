-- Periods whose per-period marts (top-three counts, scorecards) must be rebuilt: those of the rebuilt
-- slices and those right after them (their "previous period" counts changed).
-- one row per period
with window_slices as (
    select indicator_code, seq from rank_window
),

next_slices as (
    select indicator_code, seq + 1 as seq from window_slices
),

slices as (
    select * from window_slices
    union
    select * from next_slices
),

final as (
    select distinct cal.period
    from slices
    inner join ref.indicators as ind using (indicator_code)
    inner join ref.calendar as cal
        on cal.calendar_code = ind.calendar_code and cal.seq = slices.seq
)

select * from final
