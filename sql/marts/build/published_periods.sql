-- Periods in which a group saw an indicator at all (any member with an observation), numbered
-- consecutively per indicator x group from the first rebuilt seq on. A streak is a run of
-- consecutive pub_idx, so a period nobody has published yet breaks nothing. Each row carries its
-- slice's size and top three (from the best-eight lists, or the full ranking of rank_overflow_tops).
-- Only complete slices are published (enough members reported, rank_group_sizes, and someone ranked): a partial
-- one is, for streaks, a period nobody has published yet (mart_store.partial_periods keeps it apart).
-- one row per indicator x group x period with seq >= the indicator's first rebuilt seq
with fresh as (
    select
        tops.indicator_id,
        tops.group_id,
        tops.period,
        tops.seq,
        sizes.n_members,
        tops.n_reported,
        tops.n_ranked,
        coalesce(overflow.top_places, tops.top_places) as top_places,
        coalesce(overflow.top_ranks, tops.top_ranks) as top_ranks,
    from rank_slice_tops as tops
    inner join rank_group_sizes as sizes using (group_id, period)
    left join rank_overflow_tops as overflow using (group_id, indicator_id, seq)
    where tops.n_reported >= sizes.n_required and tops.n_ranked > 0
),

affected as (
    select indicator_id, min(seq) as from_seq from rank_window group by all
),

kept as (
    -- stored periods of affected indicators at or after from_seq that were not rebuilt
    select
        stored.indicator_id, stored.group_id, stored.period, stored.seq, stored.n_members, stored.n_reported,
        stored.n_ranked,
        stored.top_places, stored.top_ranks,
    from mart_store.published_periods as stored
    inner join affected using (indicator_id)
    where stored.seq >= affected.from_seq and stored.period >= $window_from
      and not exists (
          select 1 from rank_window as wnd
          where wnd.indicator_id = stored.indicator_id and wnd.seq = stored.seq
      )
),

renumbered_input as not materialized (
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
    -- per indicator and seq of its calendar: the period's months and the months of the calendar up to it
    select
        ind.sort_order::smallint as indicator_id,
        cal.seq,
        cal.n_months,
        sum(cal.n_months) over (partition by ind.sort_order order by cal.seq rows unbounded preceding) as calendar_months,
    from ref.indicators as ind
    inner join ref.calendar as cal using (calendar_code)
),

spans as (
    -- an indicator x group published in every expected period of its span numbers its periods by
    -- arithmetic; only one with a gap needs the running count (a window)
    select indicator_id, group_id, min(seq) as first_seq, count(*) = max(seq) - min(seq) + 1 as is_gap_free,
    from renumbered_input
    group by all
),

numbered_input as not materialized (
    select
        inp.*,
        months.n_months,
        months.calendar_months,
        first_months.calendar_months - first_months.n_months as months_before_first,
        spans.first_seq,
        spans.is_gap_free,
        coalesce(base.base_idx, 0) as base_idx,
        coalesce(base.base_months, 0) as base_months,
    from renumbered_input as inp
    inner join months using (indicator_id, seq)
    inner join spans using (indicator_id, group_id)
    inner join months as first_months
        on first_months.indicator_id = inp.indicator_id and first_months.seq = spans.first_seq
    left join base using (indicator_id, group_id)
),

gap_free as (
    select
        * exclude (calendar_months, months_before_first, first_seq, is_gap_free, base_idx, base_months),
        (base_idx + seq - first_seq + 1)::integer as pub_idx,
        (base_months + calendar_months - months_before_first)::integer as cum_months,
    from numbered_input
    where is_gap_free
),

with_gaps as (
    select
        * exclude (calendar_months, months_before_first, first_seq, is_gap_free, base_idx, base_months),
        (base_idx + row_number() over by_seq)::integer as pub_idx,
        (base_months + sum(n_months) over by_seq)::integer as cum_months,
    from numbered_input
    where not is_gap_free
    window by_seq as (partition by indicator_id, group_id order by seq rows unbounded preceding)
),

final as (
    select * from gap_free
    union all
    select * from with_gaps
)

select * from final
