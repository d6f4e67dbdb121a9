-- marts.rank_levers (争进位): per indicator, what gains the place one position and what that is worth
-- in the group's composite score, all else equal. Rules and worked examples: docs/RULES.md "Levers".
-- Competition rule with ties (docs/RULES.md section 2): ties share the best place, so drawing level with
-- the place(s) directly above (the nearest strictly better metric) already gains their rank.
-- needed_metric = that metric; needed_change = the improvement it takes, in metric units (pp for
-- growth), positive (for lower-is-better: how much lower); rank_if_gained = the rank drawn level with.
-- composite_points_gained: the place's composite score with the metric at needed_metric minus now
-- (rank_points: (rank - rank_if_gained) / (n_ranked - 1) * 100 * weight / sum of its weights;
-- zscore: the change of its z in the slice recomputed with the new metric, times weight / sum).
-- Nobody else's rank changes when drawing level, so the others' composites are held as they are.
-- gains_composite_place: the new composite reaches the next better composite in the group;
-- lifts_to_first_tier: outside the first tier now, inside with the new composite.
-- The composite (score, rank, first tier) is marts.scorecards' (docs/RULES.md section 7), computed here
-- from the same rows so one read ranks the period once (tests/test_rank_levers.py keeps the two equal).
-- Only published (complete) slices count.
-- one row per period x group x place x indicator ranked in it (first place: nothing to gain, nulls)
with rankings as (
    -- published slices only: a partial release is ranked but not published (docs/RULES.md 11)
    select * from marts.rankings
    where is_complete
),

ranked as (
    select * from rankings
    where rank is not null
),

groups as (
    select group_code, scoring_method, default_weight, first_tier_size from ref.groups
),

slices as (
    select
        ranked.period,
        ranked.period_label,
        ranked.group_code,
        ranked.place_code,
        ranked.indicator_code,
        ranked.metric,
        ranked.rank,
        ranked.n_ranked,
        ranked.is_lower_better,
        case when ranked.is_lower_better then -1.0 else 1.0 end as direction_sign,
        ranked.metric + ranked.gap_to_next_above * direction_sign as needed_metric,
        ranked.gap_to_next_above as needed_change,
        max(ranked.rank) over (
            by_metric range between unbounded preceding and current row exclude group
        ) as rank_if_gained,
        count(*) over whole_slice as n_slice,
        avg(ranked.metric) over whole_slice as mean_metric,
        var_pop(ranked.metric) over whole_slice as var_metric,
        coalesce(weights.weight, groups.default_weight) as weight,
        groups.scoring_method,
        groups.first_tier_size,
    from ranked
    inner join groups using (group_code)
    left join ref.group_weights as weights using (group_code, indicator_code)
    window
        by_metric as (
            partition by ranked.period, ranked.group_code, ranked.indicator_code
            order by ranked.metric * (case when ranked.is_lower_better then -1.0 else 1.0 end) desc
        ),
        whole_slice as (by_metric rows between unbounded preceding and unbounded following)
),

scores as (
    -- the indicator's score now and with the metric at needed_metric (zscore: the slice's mean and
    -- population variance with this one metric swapped), as marts.scorecards scores it
    select
        *,
        mean_metric + (needed_metric - metric) / n_slice as mean_if_gained,
        var_metric + (needed_metric * needed_metric - metric * metric) / n_slice
            - (mean_if_gained * mean_if_gained - mean_metric * mean_metric) as var_if_gained,
        case scoring_method
            when 'zscore' then
                case when var_metric > 0
                    then greatest(-3.0, least(3.0, (metric - mean_metric) / sqrt(var_metric) * direction_sign))
                    else 0.0 end
            else case when n_ranked > 1 then (n_ranked - rank)::double / (n_ranked - 1) * 100 else 100.0 end
        end as score,
        case scoring_method
            when 'zscore' then
                case when var_if_gained > 1e-12
                    then greatest(-3.0, least(3.0,
                        (needed_metric - mean_if_gained) / sqrt(var_if_gained) * direction_sign))
                    else 0.0 end
            else (n_ranked - rank_if_gained)::double / (n_ranked - 1) * 100
        end as score_if_gained,
    from slices
),

composites as (
    select
        period,
        group_code,
        place_code,
        round(sum(score * weight) / sum(weight), 6) as composite_score,
        sum(weight) as sum_weight,
        any_value(first_tier_size) as first_tier_size,
    from scores
    group by period, group_code, place_code
    having sum(weight) > 0
),

composite_ranks as (
    select
        *,
        rank() over by_score as composite_rank,
        rank() over by_score <= first_tier_size as is_first_tier,
        min(composite_score) over (
            by_score range between unbounded preceding and current row exclude group
        ) as next_composite_above,
        nth_value(composite_score, first_tier_size) over (
            by_score rows between unbounded preceding and unbounded following
        ) as first_tier_threshold,
    from composites
    window by_score as (partition by period, group_code order by composite_score desc)
),

final as (
    select
        scores.period,
        scores.period_label,
        scores.group_code,
        scores.place_code,
        scores.indicator_code,
        scores.rank,
        scores.metric,
        scores.needed_metric,
        scores.needed_change,
        scores.rank_if_gained,
        case when scores.needed_metric is not null
            then (scores.score_if_gained - scores.score) * scores.weight / comp.sum_weight
        end as composite_points_gained,
        comp.composite_score,
        comp.composite_rank::integer as composite_rank,
        comp.is_first_tier,
        round(comp.composite_score + composite_points_gained, 6) >= comp.next_composite_above
            as gains_composite_place,
        not comp.is_first_tier and round(comp.composite_score + composite_points_gained, 6)
            >= comp.first_tier_threshold as lifts_to_first_tier,
        scores.n_ranked,
        scores.weight,
        scores.scoring_method,
        scores.is_lower_better,
    from scores
    inner join composite_ranks as comp using (period, group_code, place_code)
)

select * from final
