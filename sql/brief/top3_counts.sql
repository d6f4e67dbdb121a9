-- Top-three and first-place counts per place in some groups for one period.
-- one row per group x place for $period, best first (ties in official order); n_places: places ranked
with counts as (
    select * from marts.top3_counts
    where period = $period and list_contains($groups, group_code)
),

final as (
    select
        counts.group_code,
        grp.label as group_label,
        counts.place_code,
        pl.short_name as place_name,
        counts.n_top3,
        counts.n_ranked_indicators,
        counts.n_top3_prev,
        counts.n_first,
        counts.n_first_prev,
        count(*) over (partition by counts.group_code) as n_places,
        pl.division_code,
    from counts
    inner join ref.groups as grp using (group_code)
    inner join ref.places as pl using (place_code)
    order by grp.sort_order, counts.n_top3 desc, counts.n_first desc, pl.division_code nulls last, pl.place_code
)

select * from final
