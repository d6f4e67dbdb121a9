-- marts.rankings: where each place stands per period, indicator and peer group.
-- Ranks (is_tied: another member shares the rank, 并列), per-slice figures and prev_rank (the same
-- place's rank in the previous expected period of the indicator's calendar; none when it had no row
-- there) come from mart_store.ranked, computed when read: filter on period, indicator or group to
-- read one slice quickly.
-- Gaps are in metric units (percentage points for growth), signed as "improvement needed":
-- positive = how much better the place must do to draw level; zero or negative = already there.
-- is_complete: enough of the group's members reported this slice (docs/RULES.md, coverage); readers
-- of published figures keep `where is_complete`. A flagged or non-finite value has a row, no metric.
-- one row per period x indicator x group x member place with an observation (rank null = missing)
with ranked as (
    select * from mart_store.ranked
),

indicators as (
    select sort_order::smallint as indicator_id, calendar_code from ref.indicators
),

final as (
    select
        ranked.period,
        cal.period_label,
        ranked.indicator_code,
        ranked.group_code,
        ranked.place_code,
        ranked.metric,
        ranked.rank::integer as rank,
        ranked.is_tied,
        ranked.n_ranked::integer as n_ranked,
        coalesce(ranked.rank <= 3, false) as is_top3,
        ranked.prev_rank::integer as prev_rank,
        ranked.prev_rank - ranked.rank as rank_change,
        mart_store.finite((ranked.leader_metric - ranked.metric) * ranked.direction_sign) as gap_to_leader,
        mart_store.finite((ranked.third_metric - ranked.metric) * ranked.direction_sign) as gap_to_third,
        case when ranked.rank > 1 then mart_store.finite(
            (ranked.next_above_metric - ranked.metric) * ranked.direction_sign) end as gap_to_next_above,
        case when ranked.metric is not null then mart_store.finite(
            (ranked.next_below_metric - ranked.metric) * ranked.direction_sign) end as gap_to_next_below,
        ranked.published_rank,
        ranked.seq::integer as seq,
        ranked.file_id,
        ranked.direction_sign = -1 as is_lower_better,
        ranked.is_complete,
        ranked.n_members::integer as n_members,
        ranked.n_reported::integer as n_reported,
        ranked.is_preliminary,
        ranked.quality_flag,
    from ranked
    inner join indicators as ind using (indicator_id)
    left join ref.calendar as cal
        on cal.calendar_code = ind.calendar_code and cal.seq = ranked.seq
)

select * from final
