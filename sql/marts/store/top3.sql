-- mart_store.top3: every place in the top three (rank <= 3, ties included) of every published slice,
-- unnested from the lists the store keeps per slice (mart_store.published_periods).
-- one row per period x indicator x group x place in the top three
with published as (
    select * from mart_store.published_periods
),

final as (
    select
        indicator_id,
        group_id,
        period,
        seq,
        pub_idx,
        unnest(top_places) as place_id,
        unnest(top_ranks) as rank,
    from published
)

select * from final
