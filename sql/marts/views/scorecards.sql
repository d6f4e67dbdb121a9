-- marts.scorecards: composite score per group, period and place, computed when read (a filter on
-- period or group is pushed below the windows). A weighted mean of per-indicator scores, the method
-- per group (ref.groups.scoring_method): rank_points = (n_ranked - rank) / (n_ranked - 1) * 100
-- (100 when ranked alone); zscore = (metric - mean) / sd within the group, sign flipped for
-- lower-is-better, capped at +-3 (0 when all are equal). Weights from ref.group_weights, else the
-- group's default_weight. composite_rank: ties share the best place; first tier = rank <= K.
-- Only complete slices score (docs/RULES.md, coverage); a z-score whose mean or sd overflows (a
-- 1e308 level) is no score for that indicator rather than inf or NaN.
-- one row per period x group x place ranked on at least one indicator
with stored as (
    -- every rank with its metric, computed when read (sql/marts/store/ranked.sql)
    select * from mart_store.ranked
    where rank is not null and is_complete
),

groups as (
    select sort_order as group_id, group_code, scoring_method, default_weight, first_tier_size from ref.groups
),

indicators as (
    select
        sort_order::smallint as indicator_id,
        indicator_code,
        case direction when 'lower' then -1 else 1 end as direction_sign,
    from ref.indicators
),

slice_figures as (
    select
        stored.period,
        stored.group_id,
        stored.place_id,
        stored.indicator_id,
        stored.metric,
        stored.rank,
        count(*) over slice as n_ranked,
        mart_store.finite(avg(stored.metric) over slice) as mean_metric,
        mart_store.finite(stddev_pop(stored.metric) over slice) as sd_metric,
    from stored
    window slice as (partition by stored.period, stored.group_id, stored.indicator_id)
),

scored as (
    select
        fig.period,
        fig.group_id,
        fig.place_id,
        groups.group_code,
        groups.scoring_method,
        groups.first_tier_size,
        coalesce(weights.weight, groups.default_weight) as weight,
        case groups.scoring_method
            when 'zscore' then
                case
                    when fig.sd_metric is null then null
                    -- an overflowing difference is +-inf: the cap turns it into +-3, its true side
                    when fig.sd_metric > 0 then greatest(-3.0, least(3.0,
                        (fig.metric - fig.mean_metric) / fig.sd_metric * ind.direction_sign))
                    else 0.0 end
            else
                case when fig.n_ranked > 1
                    then (fig.n_ranked - fig.rank)::double / (fig.n_ranked - 1) * 100
                    else 100.0 end
        end as score,
    from slice_figures as fig
    inner join groups using (group_id)
    inner join indicators as ind using (indicator_id)
    left join ref.group_weights as weights
        on weights.group_code = groups.group_code and weights.indicator_code = ind.indicator_code
),

composite as (
    select
        period,
        group_id,
        place_id,
        any_value(group_code) as group_code,
        any_value(scoring_method) as scoring_method,
        any_value(first_tier_size) as first_tier_size,
        round(sum(score * weight) / sum(weight), 6) as composite_score,
        count(*) filter (where weight > 0)::integer as n_indicators,
    from scored
    where score is not null
    group by period, group_id, place_id
    having sum(weight) > 0
),

final as (
    select
        composite.period,
        composite.group_code,
        ids.place_code,
        composite.composite_score,
        rank() over by_score::integer as composite_rank,
        rank() over by_score <= composite.first_tier_size as is_first_tier,
        composite.n_indicators,
        composite.scoring_method,
    from composite
    inner join mart_store.place_ids as ids using (place_id)
    window by_score as (partition by composite.period, composite.group_id order by composite.composite_score desc)
)

select * from final
