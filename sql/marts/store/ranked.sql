-- mart_store.ranked: every rank, computed when read (nothing per row is stored, see migration 022).
-- Each member value is ranked in its own slice, and once more as "the previous period" of the next
-- expected period of its calendar (at_period = next_period, is_prev), so prev_rank comes out of the
-- same window pass; both passes are partitioned by at_period, group and indicator (ids and codes),
-- so a filter on period, group or indicator reaches staging for the periods it needs, not the history.
-- rank() semantics: ties share the best place and the next place is skipped; a missing metric is
-- not ranked. is_tied: another member of the slice has the same rank (并列); every reader takes it
-- from here. Per-slice figures (n_ranked, leader, third place, next above/below) come with it.
-- Coverage: is_complete when the slice's members whose ranked value is present (n_reported) reach the
-- group's required count (mart_store.group_sizes) and at least one member is ranked; prev_rank only
-- from a complete previous slice, as a partial one is not published.
-- one row per period x indicator x group x member place with an observation (rank null = missing)
with tagged as (
    select *, period as at_period, false as is_prev from mart_store.member_values
    union all
    select *, next_period as at_period, true as is_prev from mart_store.member_values
    where next_period is not null
),

ranked as (
    select
        *,
        case when metric is not null then rank() over by_metric end as rank,
        -- the rank's peers: the rows with the same sort key
        metric is not null and count(*) over (by_metric range between current row and current row) > 1 as is_tied,
        count(metric) over whole_slice as n_ranked,
        sum(is_reported::integer) over whole_slice as n_reported,
        first_value(metric) over whole_slice as leader_metric,
        nth_value(metric, 3) over whole_slice as third_metric,
        last_value(metric) over (
            by_metric range between unbounded preceding and current row exclude group
        ) as next_above_metric,
        first_value(metric) over (
            by_metric range between current row and unbounded following exclude group
        ) as next_below_metric,
    from tagged
    window
        -- the codes ride along as partition keys so a filter on them is pushed below the window
        by_metric as (
            partition by at_period, is_prev, group_id, group_code, indicator_id, indicator_code
            order by sort_key desc nulls last
        ),
        whole_slice as (by_metric rows between unbounded preceding and unbounded following)
),

paired as (
    -- the slice's own row and its previous-period row side by side
    select
        at_period as period,
        indicator_id,
        indicator_code,
        group_id,
        group_code,
        place_id,
        place_code,
        any_value(seq) filter (where not is_prev) as seq,
        any_value(metric) filter (where not is_prev) as metric,
        any_value(direction_sign) filter (where not is_prev) as direction_sign,
        any_value(rank) filter (where not is_prev) as rank,
        any_value(is_tied) filter (where not is_prev) as is_tied,
        any_value(n_ranked) filter (where not is_prev) as n_ranked,
        any_value(leader_metric) filter (where not is_prev) as leader_metric,
        any_value(third_metric) filter (where not is_prev) as third_metric,
        any_value(next_above_metric) filter (where not is_prev) as next_above_metric,
        any_value(next_below_metric) filter (where not is_prev) as next_below_metric,
        any_value(published_rank) filter (where not is_prev) as published_rank,
        any_value(file_id) filter (where not is_prev) as file_id,
        any_value(is_preliminary) filter (where not is_prev) as is_preliminary,
        any_value(quality_flag) filter (where not is_prev) as quality_flag,
        any_value(n_reported) filter (where not is_prev) as n_reported,
        any_value(rank) filter (where is_prev) as prev_rank_any,
        any_value(period) filter (where is_prev) as prev_period,
        any_value(n_reported) filter (where is_prev) as prev_n_reported,
    from ranked
    group by at_period, indicator_id, indicator_code, group_id, group_code, place_id, place_code
    having count(*) filter (where not is_prev) > 0
),

final as (
    select
        paired.* exclude (prev_rank_any, prev_period, prev_n_reported),
        sizes.n_members,
        coalesce(paired.n_reported >= sizes.n_required and paired.n_ranked > 0, false) as is_complete,
        case when paired.prev_n_reported >= prev_sizes.n_required then paired.prev_rank_any end as prev_rank,
    from paired
    left join mart_store.group_sizes as sizes
        on sizes.group_id = paired.group_id and sizes.period = paired.period
    left join mart_store.group_sizes as prev_sizes
        on prev_sizes.group_id = paired.group_id and prev_sizes.period = paired.prev_period
)

select * from final
