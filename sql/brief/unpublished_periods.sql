-- The periods from $period_from on in which some slice (indicator x group) is still partial, in any
-- group: coverage.sql ranks only these (none: there is nothing to say, and nothing is ranked).
-- Read from marts.periods (stored), so it ranks nothing.
-- one row per period, oldest first
with partial as (
    select period from marts.periods
    where period >= $period_from and not is_complete
),

final as (
    select distinct period
    from partial
    order by period
)

select * from final
