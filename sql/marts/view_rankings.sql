-- marts.rankings: where each place stands per period, indicator and peer group.
-- Per-slice figures (n_ranked, leader, third place, next above/below) are window functions over the
-- slice, computed when read: a filter on period, indicator or group is pushed below them.
-- prev_rank is read off the same place's stored row at seq - 1 (the previous expected period of the
-- indicator's calendar; none when the place has no row there); the join's key bounds let DuckDB skip
-- the stored history outside the seq range asked for.
-- Gaps are in metric units (percentage points for growth), signed as "improvement needed":
-- positive = how much better the place must do to draw level; zero or negative = already there.
-- one row per period x indicator x group x member place with an observation (rank null = missing)
with stored as (
    -- each stored rank with its metric (sql/marts/rankings_with_metric.sql)
    select * from mart_store.rankings_with_metric
),

indicators as (
    select
        sort_order::smallint as indicator_id,
        indicator_code,
        calendar_code,
        case direction when 'lower' then -1 else 1 end as direction_sign,
    from ref.indicators
),

signed as (
    select
        stored.*,
        indicators.indicator_code,
        indicators.calendar_code,
        indicators.direction_sign,
        stored.metric * indicators.direction_sign as sort_key,
    from stored
    inner join indicators using (indicator_id)
),

slice_figures as (
    select
        *,
        count(metric) over whole_slice as n_ranked,
        first_value(metric) over whole_slice as leader_metric,
        nth_value(metric, 3) over whole_slice as third_metric,
        last_value(metric) over (
            by_metric range between unbounded preceding and current row exclude group
        ) as next_above_metric,
        first_value(metric) over (
            by_metric range between current row and unbounded following exclude group
        ) as next_below_metric,
    from signed
    window
        by_metric as (partition by period, indicator_id, group_id order by sort_key desc nulls last),
        whole_slice as (by_metric rows between unbounded preceding and unbounded following)
),

previous as (
    select indicator_id, group_id, place_id, seq + 1 as seq, rank as prev_rank
    from mart_store.rankings
),

final as (
    select
        figures.period,
        cal.period_label,
        figures.indicator_code,
        grp.group_code,
        ids.place_code,
        figures.metric,
        figures.rank::integer as rank,
        figures.n_ranked::integer as n_ranked,
        coalesce(figures.rank <= 3, false) as is_top3,
        previous.prev_rank::integer as prev_rank,
        previous.prev_rank - figures.rank as rank_change,
        (figures.leader_metric - figures.metric) * figures.direction_sign as gap_to_leader,
        (figures.third_metric - figures.metric) * figures.direction_sign as gap_to_third,
        case when figures.rank > 1 then
            (figures.next_above_metric - figures.metric) * figures.direction_sign end as gap_to_next_above,
        case when figures.metric is not null then
            (figures.next_below_metric - figures.metric) * figures.direction_sign end as gap_to_next_below,
        figures.published_rank,
        figures.seq::integer as seq,
        figures.file_id,
        figures.direction_sign = -1 as is_lower_better,
    from slice_figures as figures
    left join previous using (indicator_id, group_id, place_id, seq)
    inner join ref.groups as grp on grp.sort_order = figures.group_id
    inner join mart_store.place_ids as ids using (place_id)
    left join ref.calendar as cal
        on cal.calendar_code = figures.calendar_code and cal.seq = figures.seq
)

select * from final
