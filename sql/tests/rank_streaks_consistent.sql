-- Invariant: a top-three streak covers exactly the periods the place spent in the top three, runs
-- do not overlap, and only one run per place x indicator x group x kind is current. Must return no rows.
-- Only complete (published) slices count: a partial one neither extends nor breaks a streak.
-- one row per offending run
with streaks as (
    select * from marts.streaks
),

top_rows as (
    select r.place_code, r.indicator_code, r.group_code, r.period
    from marts.rankings as r
    where r.rank <= 3 and r.is_complete
),

covered as (
    select s.place_code, s.indicator_code, s.group_code, s.start_period, s.n_periods, count(t.period) as n_top_rows
    from streaks as s
    left join top_rows as t
        on t.place_code = s.place_code and t.indicator_code = s.indicator_code
        and t.group_code = s.group_code and t.period between s.start_period and s.end_period
    where s.kind = 'top3'
    group by all
),

current_runs as (
    select place_code, indicator_code, group_code, kind, count(*) filter (where is_current) as n_current
    from streaks
    group by all
),

final as (
    select place_code, indicator_code, group_code, 'top3 rows differ' as problem from covered
    where n_periods <> n_top_rows
    union all
    select place_code, indicator_code, group_code, 'several current runs' from current_runs where n_current > 1
)

select * from final
