-- The slices of rank_chunk plus, for each, the previous slice (seq - 1) of its indicator's calendar,
-- so a full rebuild can take prev_rank from the same window pass (sql/marts/rankings_with_lag.sql).
-- one row per indicator x period
with chunk as (
    select indicator_code, indicator_id, period, seq from rank_chunk
),

previous as (
    select chunk.indicator_code, chunk.indicator_id, cal.period, cal.seq::smallint as seq,
    from chunk
    inner join ref.indicators as ind using (indicator_code)
    inner join ref.calendar as cal
        on cal.calendar_code = ind.calendar_code and cal.seq = chunk.seq - 1
),

final as (
    select * from chunk
    union
    select * from previous
)

select * from final
