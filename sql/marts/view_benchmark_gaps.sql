-- marts.benchmark_gaps: each focus place against the places it learns from or means to overtake,
-- compared in the benchmark's group (every group holding both when the benchmark names none).
-- diff = focus - benchmark in metric units (pp for growth). event: 'overtook' when the focus was
-- behind or level in the previous expected period and is ahead now, 'was_overtaken' the reverse.
-- needed_growth_pct: the growth that draws level (beat it to pass); needed_value: the focus place's
-- amount that draws level: for growth, its last-year base value / (1 + growth/100) grown at the
-- benchmark's rate; for level indicators, the benchmark's value.
-- one row per benchmark x group x indicator x period where both places have a row
with benchmarks as (
    select * from ref.benchmarks
),

indicators as (
    select indicator_code, basis from ref.indicators
),

rankings as not materialized (
    -- every rank with its metric and previous rank, computed when read (sql/marts/ranked.sql)
    select
        ids.place_code,
        ind.indicator_code,
        grp.group_code,
        ranked.period,
        ranked.metric,
        ranked.rank,
        ranked.prev_rank,
        ranked.file_id,
    from mart_store.ranked as ranked
    inner join ref.indicators as ind on ind.sort_order = ranked.indicator_id
    inner join ref.groups as grp on grp.sort_order = ranked.group_id
    inner join mart_store.place_ids as ids on ids.place_id = ranked.place_id
),

focus_rows as (
    select rankings.*, benchmarks.benchmark_place_code, benchmarks.role, benchmarks.group_code as wanted_group
    from rankings
    inner join benchmarks on benchmarks.focus_place_code = rankings.place_code
    where benchmarks.group_code is null or benchmarks.group_code = rankings.group_code
),

pairs as (
    select
        f.place_code as focus_place_code,
        f.benchmark_place_code,
        f.role,
        f.group_code,
        f.indicator_code,
        f.period,
        f.metric as focus_metric,
        b.metric as benchmark_metric,
        f.rank as focus_rank,
        b.rank as benchmark_rank,
        f.prev_rank as focus_prev_rank,
        b.prev_rank as benchmark_prev_rank,
        f.file_id as focus_file_id,
    from focus_rows as f
    inner join rankings as b
        on b.place_code = f.benchmark_place_code
        and b.group_code = f.group_code
        and b.indicator_code = f.indicator_code
        and b.period = f.period
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
        pairs.focus_metric - pairs.benchmark_metric as diff,
        pairs.focus_rank,
        pairs.benchmark_rank,
        case
            when pairs.focus_prev_rank >= pairs.benchmark_prev_rank and pairs.focus_rank < pairs.benchmark_rank
                then 'overtook'
            when pairs.focus_prev_rank <= pairs.benchmark_prev_rank and pairs.focus_rank > pairs.benchmark_rank
                then 'was_overtaken'
        end as event,
        case when ind.basis = 'growth' then pairs.benchmark_metric end as needed_growth_pct,
        case
            when ind.basis = 'growth' and fv.growth_pct > -100
                then fv.value / (1 + fv.growth_pct / 100) * (1 + pairs.benchmark_metric / 100)
            when ind.basis = 'level' then pairs.benchmark_metric
        end as needed_value,
    from pairs
    inner join indicators as ind using (indicator_code)
    left join focus_values as fv
        on fv.place_code = pairs.focus_place_code
        and fv.indicator_code = pairs.indicator_code
        and fv.period = pairs.period
        and fv.file_id = pairs.focus_file_id
)

select * from final
