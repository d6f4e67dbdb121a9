-- marts.benchmark_gaps: each focus place against the places it learns from or means to overtake,
-- compared in the benchmark's group (every group holding both when the benchmark names none).
-- diff = focus - benchmark in metric units (pp for growth). event: 'overtook' when the focus was
-- behind or level in the previous expected period and is ahead now, 'was_overtaken' the reverse.
-- needed_growth_pct: the growth that draws level (beat it to pass); needed_value: the focus place's
-- amount that draws level: for growth, its last-year base value / (1 + growth/100) grown at the
-- benchmark's rate; for level indicators, the benchmark's value.
-- Only complete slices are compared (docs/RULES.md, coverage).
-- one row per benchmark x group x indicator x period where both places have a row
with benchmarks as (
    select * from ref.benchmarks
),

indicators as (
    select indicator_code, basis from ref.indicators
),

rankings as (
    -- every rank with its metric and previous rank, computed when read (sql/marts/store/ranked.sql)
    select place_code, indicator_code, group_code, period, metric, rank, is_tied, prev_rank, file_id
    from mart_store.ranked
    where is_complete
),

benchmark_sides as (
    -- each benchmark pair once per side, so both sides come from one read of the ranks (a filter
    -- on period then reaches below the rank window for both)
    select *, focus_place_code as side_place_code, true as is_focus from benchmarks
    union all
    select *, benchmark_place_code as side_place_code, false as is_focus from benchmarks
),

sides as (
    select
        rankings.*,
        sides.focus_place_code,
        sides.benchmark_place_code,
        sides.role,
        sides.is_focus,
    from rankings
    inner join benchmark_sides as sides on sides.side_place_code = rankings.place_code
    where sides.group_code is null or sides.group_code = rankings.group_code
),

pairs as (
    select
        focus_place_code,
        benchmark_place_code,
        role,
        group_code,
        indicator_code,
        period,
        any_value(metric) filter (where is_focus) as focus_metric,
        any_value(metric) filter (where not is_focus) as benchmark_metric,
        any_value(rank) filter (where is_focus) as focus_rank,
        any_value(rank) filter (where not is_focus) as benchmark_rank,
        any_value(is_tied) filter (where is_focus) as focus_is_tied,
        any_value(is_tied) filter (where not is_focus) as benchmark_is_tied,
        any_value(prev_rank) filter (where is_focus) as focus_prev_rank,
        any_value(prev_rank) filter (where not is_focus) as benchmark_prev_rank,
        any_value(file_id) filter (where is_focus) as focus_file_id,
    from sides
    group by focus_place_code, benchmark_place_code, role, group_code, indicator_code, period
    having count(*) filter (where is_focus) > 0 and count(*) filter (where not is_focus) > 0
),

focus_values as (
    -- the focus place's current value (year-to-date amount), for the base of its growth rate
    select obs.place_code, obs.indicator_code, obs.period, obs.file_id, obs.value, obs.growth_pct
    from staging.observations as obs
    semi join (select distinct focus_place_code as place_code from benchmarks) using (place_code)
),

final as (
    select
        pairs.focus_place_code,
        pairs.benchmark_place_code,
        pairs.role,
        pairs.group_code,
        pairs.indicator_code,
        pairs.period,
        pairs.focus_metric,
        pairs.benchmark_metric,
        mart_store.finite(pairs.focus_metric - pairs.benchmark_metric) as diff,
        pairs.focus_rank,
        pairs.benchmark_rank,
        pairs.focus_is_tied,
        pairs.benchmark_is_tied,
        case
            when pairs.focus_prev_rank >= pairs.benchmark_prev_rank and pairs.focus_rank < pairs.benchmark_rank
                then 'overtook'
            when pairs.focus_prev_rank <= pairs.benchmark_prev_rank and pairs.focus_rank > pairs.benchmark_rank
                then 'was_overtaken'
        end as event,
        case when ind.basis = 'growth' then pairs.benchmark_metric end as needed_growth_pct,
        mart_store.finite(case
            when ind.basis = 'growth' and fv.growth_pct > -100
                then fv.value / (1 + fv.growth_pct / 100) * (1 + pairs.benchmark_metric / 100)
            when ind.basis = 'level' then pairs.benchmark_metric
        end) as needed_value,
    from pairs
    inner join indicators as ind using (indicator_code)
    left join focus_values as fv
        on fv.place_code = pairs.focus_place_code
        and fv.indicator_code = pairs.indicator_code
        and fv.period = pairs.period
        and fv.file_id = pairs.focus_file_id
)

select * from final
