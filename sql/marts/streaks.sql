-- Runs of consecutive published periods in the top three ('top3') or in first place ('first'),
-- recomputed from the earliest point the rebuild can affect (gaps-and-islands on pub_idx: a run is
-- a constant pub_idx - row_number()). n_months adds the months each period stands for (1-2月 = 2).
-- one row per place x indicator x group x kind x run
with affected as (
    select indicator_id, min(seq) as from_seq from rank_window group by all
),

reopened as (
    select place_id, indicator_id, group_id, kind, min(start_seq) as region_seq
    from rank_reopened
    group by all
),

rankings as (
    select stored.place_id, stored.indicator_id, stored.group_id, stored.seq, stored.rank, affected.from_seq
    from mart_store.rankings as stored
    inner join affected using (indicator_id)
    where stored.rank <= 3 and stored.period >= $region_from
),

candidates as (
    select place_id, indicator_id, group_id, seq, from_seq, 'top3' as kind from rankings
    union all
    select place_id, indicator_id, group_id, seq, from_seq, 'first' as kind from rankings where rank = 1
),

in_region as (
    select cand.*
    from candidates as cand
    left join reopened using (place_id, indicator_id, group_id, kind)
    -- a reopened run may start before the window; otherwise the window's first period
    where cand.seq >= least(coalesce(reopened.region_seq, cand.from_seq), cand.from_seq)
),

numbered as (
    select
        in_region.*,
        pp.period,
        pp.n_months,
        pp.pub_idx,
        pp.pub_idx - row_number() over (
            -- one integer key for place x indicator x group x kind: far cheaper to sort than four columns
            partition by ((in_region.group_id::bigint * 1024 + in_region.indicator_id) * 2097152
                          + in_region.place_id) * 2 + (in_region.kind = 'first')::integer
            order by pp.pub_idx
        ) as island,
    from in_region
    inner join (select * from mart_store.published_periods where period >= $region_from) as pp
        using (indicator_id, group_id, seq)
),

runs as (
    select
        place_id,
        indicator_id,
        group_id,
        kind,
        min(period) as start_period,
        max(period) as end_period,
        min(seq) as start_seq,
        max(pub_idx) as end_pub_idx,
        count(*)::integer as n_periods,
        sum(n_months)::integer as n_months,
    from numbered
    group by place_id, indicator_id, group_id, kind, island
),

latest as (
    select pp.indicator_id, pp.group_id, max(pp.pub_idx) as last_idx
    from mart_store.published_periods as pp
    semi join affected using (indicator_id)
    where pp.period >= $reopen_from
    group by all
),

final as (
    select
        runs.place_id,
        runs.indicator_id,
        runs.group_id,
        runs.kind,
        runs.start_period,
        runs.end_period,
        runs.start_seq,
        runs.end_pub_idx,
        runs.n_periods,
        runs.n_months,
        runs.end_pub_idx = latest.last_idx as is_current,
        next_pub.period as broke_at,
    from runs
    inner join latest using (indicator_id, group_id)
    left join (select * from mart_store.published_periods where period >= $reopen_from) as next_pub
        on next_pub.indicator_id = runs.indicator_id
        and next_pub.group_id = runs.group_id
        and next_pub.pub_idx = runs.end_pub_idx + 1
)

select * from final
