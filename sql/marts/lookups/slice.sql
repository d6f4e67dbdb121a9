-- One group's ranking of one indicator in one period, best first, ties marked, for `bipin explain`.
-- one row per member place with an observation (unranked last)
with slice as (
    select * from marts.rankings
    where indicator_code = $indicator and period = $period and group_code = $group
),

final as (
    select
        slice.place_code,
        pl.short_name as place_name,
        slice.metric,
        slice.rank,
        slice.is_tied,
        slice.n_ranked,
        slice.published_rank,
        slice.period_label,
    from slice
    left join ref.places as pl using (place_code)
    order by slice.rank nulls last, slice.place_code
)

select * from final
