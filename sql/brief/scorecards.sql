-- Composite scores for some groups at one period and the period a quarter earlier.
-- one row per group x place for $period, with last quarter's rank beside it
with cards as materialized (
    -- both periods in one read of the marts (each period is ranked apart, so this ranks the same slices)
    select * from marts.scorecards
    where period in ($period, $previous_period) and list_contains($groups, group_code)
),

current_cards as (
    select * from cards
    where period = $period
),

previous_cards as (
    select group_code, place_code, composite_rank as prev_composite_rank,
    from cards
    where period = $previous_period
),

final as (
    select
        cur.group_code,
        grp.label as group_label,
        grp.name as group_name,
        cur.place_code,
        pl.short_name as place_name,
        pl.division_code,
        -- on 100 points whatever the method (docs/RULES.md section 7): rank_points already is;
        -- a mean z-score (each capped at +-3) maps linearly, 50 = the group's average, 0 / 100 = 3 sd below / above
        case grp.scoring_method
            when 'zscore' then round(50 + cur.composite_score * 50 / 3, 2)
            else round(cur.composite_score, 2)
        end as score_100,
        -- unrounded, for gaps: two places 0.002 points apart both print 51.31 yet rank apart
        case grp.scoring_method
            when 'zscore' then 50 + cur.composite_score * 50 / 3
            else cur.composite_score
        end as score_100_exact,
        cur.composite_score,
        cur.composite_rank,
        prev.prev_composite_rank,
        prev.prev_composite_rank - cur.composite_rank as rank_change,
        cur.is_first_tier,
    from current_cards as cur
    inner join ref.groups as grp using (group_code)
    inner join ref.places as pl using (place_code)
    left join previous_cards as prev using (group_code, place_code)
    order by grp.sort_order, cur.composite_rank, pl.division_code nulls last, pl.place_code
)

select * from final
