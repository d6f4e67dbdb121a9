-- Runs of consecutive published periods in the top three ('top3') or in first place ('first').
-- Only what the window can change is recomputed: each reopened run that began before the window
-- enters as one interval (its pub_idx range up to the last period before the window, which the
-- window cannot change), every top-three row from the window on as a one-period interval. Items
-- chain into a run while each starts right after the previous ends (gaps-and-islands on pub_idx:
-- last_idx - running length is constant along a run). n_months comes from the cumulative months
-- of the published periods, so 1-2月 counts 2.
-- one row per place x indicator x group x kind x run
with affected as (
    select indicator_id, min(seq) as from_seq from rank_window group by all
),

recent_published as (
    select * from mart_store.published_periods where period >= $reopen_from
),

last_before as (
    select
        pp.indicator_id,
        pp.group_id,
        max(pp.pub_idx) as last_idx,
        arg_max(pp.period, pp.pub_idx) as last_period,
        arg_max(pp.cum_months, pp.pub_idx) as last_cum_months,
    from recent_published as pp
    inner join affected using (indicator_id)
    where pp.seq < affected.from_seq
    group by all
),

seeds as (
    select
        reopened.place_id, reopened.indicator_id, reopened.group_id, reopened.kind = 'first' as is_first,
        reopened.start_pub_idx as first_idx,
        last_before.last_idx,
        reopened.start_period,
        reopened.start_seq,
        reopened.months_before_start,
        last_before.last_period as end_period,
        last_before.last_cum_months as end_cum_months,
    from rank_reopened as reopened
    inner join affected using (indicator_id)
    inner join last_before using (indicator_id, group_id)
    where reopened.start_seq < affected.from_seq
),

window_rows as (
    select
        stored.place_id, stored.indicator_id, stored.group_id, stored.rank,
        pp.pub_idx, pp.period, pp.seq, pp.cum_months, pp.n_months,
    from mart_store.rankings as stored
    inner join affected using (indicator_id)
    inner join (select * from mart_store.published_periods where period >= $window_from) as pp
        using (indicator_id, group_id, seq)
    where stored.rank <= 3 and stored.seq >= affected.from_seq and stored.period >= $window_from
),

points as (
    -- a first place is also a top-three row: one pass emits both kinds (no join back)
    select
        place_id, indicator_id, group_id, kind.is_first, pub_idx as first_idx, pub_idx as last_idx,
        period as start_period, seq as start_seq, cum_months - n_months as months_before_start,
        period as end_period, cum_months as end_cum_months,
    from window_rows
    inner join (values (false), (true)) as kind(is_first) on not kind.is_first or window_rows.rank = 1
),

items as (
    select * from seeds
    union all
    select * from points
),

numbered as (
    select
        *,
        last_idx - sum(last_idx - first_idx + 1) over (
            -- plain narrow columns (kind as a boolean) sorted faster here than one packed bigint
            partition by group_id, indicator_id, place_id, is_first
            order by first_idx
            rows unbounded preceding
        ) as island,
    from items
),

runs as (
    select
        place_id,
        indicator_id,
        group_id,
        is_first,
        min(start_period) as start_period,
        max(end_period) as end_period,
        min(start_seq) as start_seq,
        min(first_idx) as start_pub_idx,
        max(last_idx) as end_pub_idx,
        min(months_before_start) as months_before_start,
        sum(last_idx - first_idx + 1)::integer as n_periods,
        (max(end_cum_months) - min(months_before_start))::integer as n_months,
    from numbered
    group by place_id, indicator_id, group_id, is_first, island
),

latest as (
    select pp.indicator_id, pp.group_id, max(pp.pub_idx) as last_idx
    from recent_published as pp
    semi join affected using (indicator_id)
    group by all
),

final as (
    select
        runs.place_id,
        runs.indicator_id,
        runs.group_id,
        case when runs.is_first then 'first' else 'top3' end as kind,
        runs.start_period,
        runs.end_period,
        runs.start_seq,
        runs.start_pub_idx,
        runs.months_before_start,
        runs.end_pub_idx,
        runs.n_periods,
        runs.n_months,
        runs.end_pub_idx = latest.last_idx as is_current,
        next_pub.period as broke_at,
    from runs
    inner join latest using (indicator_id, group_id)
    left join recent_published as next_pub
        on next_pub.indicator_id = runs.indicator_id
        and next_pub.group_id = runs.group_id
        and next_pub.pub_idx = runs.end_pub_idx + 1
)

select * from final
