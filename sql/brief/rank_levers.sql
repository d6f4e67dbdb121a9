-- What gains the focus places a position at $period in some groups (争进位), with what it is worth in
-- the composite score; content/targets.py picks the few worth naming.
-- one row per group x place x indicator ranked at $period, below first place
with levers as (
    select * from marts.rank_levers
    where period = $period and list_contains($places, place_code) and list_contains($groups, group_code)
      and needed_metric is not null
),

final as (
    select
        levers.*,
        -- the gain on the 100-point scale the briefings print scores on (docs/RULES.md section 7, as
        -- scorecards.sql maps score_100): rank points already are; a mean z moves 50 / 3 points per unit
        case levers.scoring_method
            when 'zscore' then levers.composite_points_gained * 50 / 3
            else levers.composite_points_gained
        end as points_100,
        grp.label as group_label,
        grp.first_tier_size,
        grp.sort_order as group_order,
        ind.name as indicator_name,
        ind.unit,
        ind.basis,
        ind.sort_order as indicator_order,
    from levers
    inner join ref.groups as grp using (group_code)
    inner join ref.indicators as ind using (indicator_code)
    order by levers.place_code, grp.sort_order, levers.needed_change, ind.sort_order
)

select * from final
