-- marts.periods: the periods the marts saw, per indicator and group, with their coverage: members
-- valid on the period (n_members), those whose ranked value is present (n_reported), those ranked
-- (n_ranked) and is_complete (n_reported reached the group's min_coverage). Only complete periods are
-- published (top-three counts, streaks, scorecards, benchmark gaps, briefings) and numbered by pub_idx
-- (a streak runs over consecutive ones); a partial one shows here with pub_idx null until it completes.
-- Small and stored, so "what is the newest (complete) period" is cheap.
-- one row per indicator x group x period in which at least one member had an observation
with published as (
    select
        indicator_id, group_id, period, seq, n_members, n_reported, n_ranked, n_months, pub_idx,
        true as is_complete,
    from mart_store.published_periods
),

partial as (
    select
        indicator_id, group_id, period, seq, n_members, n_reported, n_ranked, null::integer as n_months,
        null::integer as pub_idx, false as is_complete,
    from mart_store.partial_periods
),

slices as (
    select * from published
    union all
    select * from partial
),

final as (
    select
        slices.period,
        cal.period_label,
        ind.indicator_code,
        grp.group_code,
        slices.n_members,
        slices.n_reported,
        slices.n_ranked,
        slices.is_complete,
        coalesce(slices.n_months, cal.n_months) as n_months,
        slices.pub_idx,
    from slices
    inner join ref.indicators as ind on ind.sort_order = slices.indicator_id
    inner join ref.groups as grp on grp.sort_order = slices.group_id
    left join ref.calendar as cal on cal.calendar_code = ind.calendar_code and cal.seq = slices.seq
)

select * from final
