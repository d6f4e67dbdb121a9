-- Top-three counts per group for each group's newest period: the rank flow's artifact tables.
-- one row per group x place ranked in the group's newest period, best first
with counts as (
    select * from marts.top3_counts
),

newest as (
    select group_code, max(period) as period from counts group by all
),

final as (
    select
        counts.group_code,
        grp.label as group_label,
        counts.period,
        counts.place_code,
        pl.short_name as place_name,
        counts.n_top3,
        counts.n_top3_prev,
        counts.n_first,
        counts.n_ranked_indicators,
    from counts
    semi join newest using (group_code, period)
    inner join ref.groups as grp using (group_code)
    left join ref.places as pl using (place_code)
    order by grp.sort_order, counts.n_top3 desc, counts.n_first desc, counts.place_code
)

select * from final
