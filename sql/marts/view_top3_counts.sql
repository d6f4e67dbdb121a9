-- marts.top3_counts: indicators in the top three and in first place per place, group and period.
-- one row per period x group x place
with counts as (
    select * from mart_store.top3_counts
),

final as (
    select
        counts.period,
        grp.group_code,
        ids.place_code,
        counts.n_top3,
        counts.n_ranked_indicators,
        counts.n_top3_prev,
        counts.n_first,
        counts.n_first_prev,
    from counts
    inner join ref.groups as grp on grp.sort_order = counts.group_id
    inner join mart_store.place_ids as ids using (place_id)
)

select * from final
