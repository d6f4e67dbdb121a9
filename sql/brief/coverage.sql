-- Slices not published yet for want of coverage (docs/RULES.md 11), for the briefings' one-line notes
-- and the operators' digest: per group and period from $period_from on, how many indicators are
-- partial or complete, the most members any partial indicator has, and the members valid on the
-- period that sent no row for at least one partial indicator (names, as the digest prints them).
-- one row per group x period with at least one partial slice, newest first
with periods as (
    select * from marts.periods
    where period >= $period_from and ($groups is null or list_contains($groups, group_code))
),

partial as (
    select * from periods where not is_complete
),

reported as (
    -- who sent a row for each partial slice
    select r.group_code, r.period, r.indicator_code, r.place_code
    from marts.rankings as r
    semi join partial using (group_code, period, indicator_code)
    -- the periods with a partial slice (unpublished_periods.sql): a filter on period reaches below the
    -- rank window, so only those periods are ranked
    where r.period >= $period_from and list_contains($partial_periods, r.period)
      -- a row without the ranked value is no report (a flagged value is: it has no metric but a flag)
      and (r.metric is not null or r.quality_flag is not null)
),

members as (
    select gm.group_code, p.period, p.indicator_code, gm.place_code
    from partial as p
    inner join ref.group_members as gm
        on gm.group_code = p.group_code
        and gm.valid_from <= last_day(p.period) and (gm.valid_to is null or last_day(p.period) < gm.valid_to)
),

missing as (
    select members.group_code, members.period, list(distinct pl.short_name order by pl.short_name) as missing_names,
    from members
    anti join reported using (group_code, period, indicator_code, place_code)
    inner join ref.places as pl using (place_code)
    group by all
),

summary as (
    select
        group_code,
        period,
        count(*) filter (where not is_complete)::integer as n_partial,
        count(*) filter (where is_complete)::integer as n_complete,
        max(n_reported) filter (where not is_complete)::integer as n_reported,
        max(n_members) filter (where not is_complete)::integer as n_members,
    from periods
    group by all
    having count(*) filter (where not is_complete) > 0
),

final as (
    select
        summary.*,
        grp.label as group_label,
        grp.name as group_name,
        grp.sort_order as group_order,
        coalesce(missing.missing_names, []) as missing_names,
    from summary
    inner join ref.groups as grp using (group_code)
    left join missing using (group_code, period)
    order by summary.period desc, grp.sort_order
)

select * from final
