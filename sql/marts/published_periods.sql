-- Periods in which a group saw an indicator at all (any member with an observation), numbered
-- consecutively per indicator x group from the first rebuilt seq on. A streak is a run of
-- consecutive pub_idx, so a period nobody has published yet breaks nothing.
-- one row per indicator x group x period with seq >= the indicator's first rebuilt seq
with fresh as (
    select indicator_id, group_id, period, seq, n_members, n_ranked from rank_slice_tops
),

affected as (
    select indicator_id, min(seq) as from_seq from rank_window group by all
),

kept as (
    -- stored periods of affected indicators at or after from_seq that were not rebuilt
    select stored.indicator_id, stored.group_id, stored.period, stored.seq, stored.n_members, stored.n_ranked
    from mart_store.published_periods as stored
    inner join affected using (indicator_id)
    where stored.seq >= affected.from_seq and stored.period >= $window_from
      and not exists (
          select 1 from rank_window as wnd
          where wnd.indicator_id = stored.indicator_id and wnd.seq = stored.seq
      )
),

renumbered_input as (
    select * from fresh
    union all
    select * from kept
),

base as (
    select
        stored.indicator_id,
        stored.group_id,
        max(stored.pub_idx) as base_idx,
        arg_max(stored.cum_months, stored.pub_idx) as base_months,
    from mart_store.published_periods as stored
    inner join affected using (indicator_id)
    where stored.seq < affected.from_seq and stored.period >= $reopen_from
    group by all
),

months as (
    select ind.sort_order::smallint as indicator_id, cal.seq, cal.n_months
    from ref.indicators as ind
    inner join ref.calendar as cal using (calendar_code)
),

final as (
    select
        inp.indicator_id,
        inp.group_id,
        inp.period,
        inp.seq,
        months.n_months,
        inp.n_members,
        inp.n_ranked,
        (coalesce(base.base_idx, 0)
            + row_number() over by_seq)::integer as pub_idx,
        (coalesce(base.base_months, 0) + sum(months.n_months) over by_seq)::integer as cum_months,
    from renumbered_input as inp
    inner join months using (indicator_id, seq)
    left join base using (indicator_id, group_id)
    window by_seq as (partition by inp.indicator_id, inp.group_id order by inp.seq rows unbounded preceding)
)

select * from final
