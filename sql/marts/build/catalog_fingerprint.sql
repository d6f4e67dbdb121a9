-- A hash of everything in ref that ranks depend on: when it changes, the marts are rebuilt in full.
-- one row
with parts as (
    select 'indicator' as kind, concat_ws('|', indicator_code, basis, direction, calendar_code, sort_order) as item
    from ref.indicators
    union all
    select 'group', concat_ws('|', group_code, first_tier_size, scoring_method, default_weight, sort_order, min_coverage)
    from ref.groups
    union all
    select 'place', place_code from ref.places
    union all
    select 'member', concat_ws('|', group_code, place_code, valid_from, valid_to) from ref.group_members
    union all
    select 'weight', concat_ws('|', group_code, indicator_code, weight) from ref.group_weights
    union all
    select 'calendar', concat_ws('|', calendar_code, period, seq, n_months) from ref.calendar
),

final as (
    select md5(string_agg(kind || ':' || item, ';' order by kind, item)) as fingerprint from parts
)

select * from final
