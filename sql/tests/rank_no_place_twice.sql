-- Invariant: no place is ranked twice in a group, indicator and period. Must return no rows.
-- one row per duplicated place x slice
with rankings as (
    select * from marts.rankings
),

final as (
    select period, indicator_code, group_code, place_code, count(*) as n_rows
    from rankings
    group by all
    having count(*) > 1
)

select * from final
