-- How some places compare with the counties they learn from and mean to overtake, for one period
-- (one query for all of a run's focus places: the ranks under marts.benchmark_gaps are computed once).
-- one row per focus place x benchmark place x role x indicator
with gaps as (
    select * from marts.benchmark_gaps
    where list_contains($places, focus_place_code) and period = $period
),

-- values the publisher released as first estimates (快报数): the briefing marks them on both sides
preliminary as (
    select place_code, indicator_code, bool_or(is_preliminary) as is_preliminary
    from marts.rankings
    where period = $period and is_preliminary
    group by all
),

final as (
    select
        gaps.focus_place_code,
        gaps.benchmark_place_code,
        pl.short_name as benchmark_name,
        gaps.role,
        gaps.group_code,
        grp.label as group_label,
        gaps.indicator_code,
        ind.name as indicator_name,
        ind.unit,
        ind.basis,
        ind.direction,
        gaps.focus_metric,
        gaps.benchmark_metric,
        gaps.diff,
        gaps.focus_rank,
        gaps.benchmark_rank,
        gaps.focus_is_tied,
        gaps.benchmark_is_tied,
        coalesce(fp.is_preliminary, false) as focus_is_preliminary,
        coalesce(bp.is_preliminary, false) as benchmark_is_preliminary,
        gaps.event,
        gaps.needed_growth_pct,
        gaps.needed_value,
    from gaps
    inner join ref.places as pl on pl.place_code = gaps.benchmark_place_code
    inner join ref.indicators as ind using (indicator_code)
    left join ref.groups as grp using (group_code)
    left join preliminary as fp
        on fp.place_code = gaps.focus_place_code and fp.indicator_code = gaps.indicator_code
    left join preliminary as bp
        on bp.place_code = gaps.benchmark_place_code and bp.indicator_code = gaps.indicator_code
    order by gaps.focus_place_code, gaps.role, ind.sort_order
)

select * from final
