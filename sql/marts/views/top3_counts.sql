-- marts.top3_counts: indicators in the top three and in first place per place, group and period,
-- and how many of the indicators published for the group in that period had the place there in
-- their previous expected period. Computed when read from the stored top-three rows (and the member
-- values, for how many indicators the place is ranked on): filter on period or group to read one
-- period quickly.
-- Only published (complete) slices count: a partial slice adds nothing until it completes.
-- one row per period x group x place ranked on at least one indicator
with ranked_counts as (
    select period, group_id, place_id, count(sort_key)::integer as n_ranked_indicators,
    from mart_store.member_values
    semi join mart_store.published_periods using (indicator_id, group_id, period)
    group by all
    having count(sort_key) > 0
),

top_counts as (
    select
        period,
        group_id,
        place_id,
        count(*)::integer as n_top3,
        count(*) filter (where rank = 1)::integer as n_first,
    from mart_store.top3
    group by all
),

previous_counts as (
    -- each previous period's top three, counted in the published slice that follows it
    select
        following.period,
        prev.group_id,
        prev.place_id,
        count(*)::integer as n_top3_prev,
        count(*) filter (where prev.rank = 1)::integer as n_first_prev,
    from mart_store.top3 as prev
    inner join mart_store.published_periods as following
        on following.indicator_id = prev.indicator_id
        and following.group_id = prev.group_id
        and following.seq = prev.seq + 1
    group by all
),

final as (
    select
        ranked.period,
        grp.group_code,
        ids.place_code,
        coalesce(top.n_top3, 0) as n_top3,
        ranked.n_ranked_indicators,
        coalesce(prev.n_top3_prev, 0) as n_top3_prev,
        coalesce(top.n_first, 0) as n_first,
        coalesce(prev.n_first_prev, 0) as n_first_prev,
    from ranked_counts as ranked
    left join top_counts as top using (period, group_id, place_id)
    left join previous_counts as prev using (period, group_id, place_id)
    inner join ref.groups as grp on grp.sort_order = ranked.group_id
    inner join mart_store.place_ids as ids using (place_id)
)

select * from final
