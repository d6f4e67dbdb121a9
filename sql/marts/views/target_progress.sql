-- marts.target_progress: how each place stands against its annual targets (ref.targets, from
-- config/targets.yaml) in every period of the target's year, at the marts' cut (the version
-- mart_store.current_values picks).
-- Rules and worked examples: docs/RULES.md "Targets".
-- metric: growth_pct for a growth target, value for a level target (ytd total, balance or rate).
-- gap = (metric - target) * direction_sign: positive = ahead (for lower-is-better: below the target).
-- time_progress (序时进度, %) = months the period covers / 12 * 100 (1-2月 16.7, 1-10月 83.3).
-- value_progress (%): level targets of cumulative (ytd) indicators: value / target; of stock
-- indicators: the share of the planned increase over last December's balance achieved.
-- needed_rest_of_year (%): growth the remaining months need over the same months last year for the
-- year to meet the target (ytd); for a stock, how much the balance must still grow by December.
-- Two targets (docs/RULES.md "Assigned and own targets"): each side's newest revision in force at the
-- marts' cut (ref.target_revisions, set_on at or before meta.rank_state.as_of; every one without --as-of)
-- is measured alike; the row's target, gap, on_track and needed_rest_of_year are the one the county is
-- judged on (own, else assigned: target_kind), the assigned_* columns the floor that must be met.
-- one row per period x place x indicator with a target for the period's year and an observation
with revisions as (
    select * from ref.target_revisions
    where set_on is null
        or (select max(as_of) from meta.rank_state) is null
        or set_on <= (select max(as_of) from meta.rank_state)::date
),

in_force as (
    select
        year,
        place_code,
        indicator_code,
        target_kind,
        target,
        set_on as target_set_on,
        set_by as target_set_by,
        count(*) over by_side - 1 as n_raises,
    from revisions
    window by_side as (partition by year, place_code, indicator_code, target_kind)
    qualify row_number() over (by_side order by seq desc) = 1
),

targets as (
    select
        ref_targets.* exclude (target),
        in_force.* exclude (year, place_code, indicator_code),
    from ref.targets as ref_targets
    inner join in_force using (year, place_code, indicator_code)
),

indicators as (
    select
        indicator_code,
        kind,
        calendar_code,
        case direction when 'lower' then -1.0 else 1.0 end as direction_sign,
    from ref.indicators
),

cut as (
    select coalesce(as_of, watermark) as loaded_until from meta.rank_state
),

observed as not materialized (
    -- the current version of each targeted series at the marts' cut: latest loaded_at, ties to the
    -- highest file_id (the rule mart_store.current_values applies; read here from staging for the
    -- targeted series only, so a filter on period reaches the scan and last December's values are
    -- read for the target years alone, not every period)
    select
        obs.period,
        obs.place_code,
        obs.indicator_code,
        obs.value,
        obs.growth_pct,
    from staging.observations as obs
    semi join targets
        on targets.place_code = obs.place_code
        and targets.indicator_code = obs.indicator_code
    where obs.loaded_at <= (select loaded_until from cut)
    qualify row_number() over (
        partition by obs.place_code, obs.indicator_code, obs.period
        order by obs.loaded_at desc, obs.file_id desc
    ) = 1
),

this_year as (
    select
        observed.*,
        targets.year,
        targets.basis,
        targets.target_kind,
        targets.target,
        targets.target_set_on,
        targets.target_set_by,
        targets.n_raises,
        targets.unit,
        targets.source_note,
        targets.is_synthetic,
    from observed
    inner join targets
        on targets.place_code = observed.place_code
        and targets.indicator_code = observed.indicator_code
        and targets.year = year(observed.period)
),

last_december as (
    -- last year's full-year total (ytd) or year-end balance (stock) of every targeted series
    select
        observed.place_code,
        observed.indicator_code,
        year(observed.period) + 1 as year,
        observed.value as last_year_total,
    from observed
    semi join targets
        on targets.place_code = observed.place_code
        and targets.indicator_code = observed.indicator_code
        and observed.period = make_date(targets.year - 1, 12, 1)
),

measured as (
    select
        ty.*,
        ind.kind,
        ind.calendar_code,
        ind.direction_sign,
        dec.last_year_total,
        month(ty.period) / 12.0 * 100 as time_progress,
        case ty.basis when 'growth' then ty.growth_pct else ty.value end as metric,
        -- the year's total the target asks for (ytd: a flow; stock: the December balance)
        case ty.basis when 'growth' then dec.last_year_total * (1 + ty.target / 100) else ty.target end
            as target_total,
        -- last year's value at the same period, as the published growth implies it (可比口径)
        ty.value / (1 + ty.growth_pct / 100) as last_year_same_period,
    from this_year as ty
    inner join indicators as ind using (indicator_code)
    left join last_december as dec using (place_code, indicator_code, year)
),

progressed as (
    select
        *,
        case
            when basis <> 'level' then null
            when kind = 'ytd' then value / target * 100
            when kind = 'stock' and target <> last_year_total
                then (value - last_year_total) / (target - last_year_total) * 100
        end as value_progress,
        case
            when month(period) = 12 then 'year_complete'
            when kind not in ('ytd', 'stock') then 'not_cumulative'
            when value is null then 'no_value'
            when basis = 'growth' and last_year_total is null then 'no_last_year_total'
            when kind = 'ytd' and last_year_total is null then 'no_last_year_total'
            when kind = 'ytd' and growth_pct is null then 'no_growth'
            when kind = 'ytd' and last_year_total - last_year_same_period <= 0 then 'no_last_year_rest'
            when kind = 'stock' and value <= 0 then 'no_value'
        end as needed_reason,
    from measured
),

per_kind as (
    select
        progressed.target_kind,
        progressed.target_set_on,
        progressed.target_set_by,
        progressed.n_raises,
        progressed.period,
        cal.period_label,
        progressed.year,
        progressed.place_code,
        progressed.indicator_code,
        progressed.basis,
        progressed.target,
        progressed.unit,
        progressed.metric,
        (progressed.metric - progressed.target) * progressed.direction_sign as gap,
        progressed.time_progress,
        progressed.value_progress,
        case
            when progressed.basis = 'level' and progressed.kind in ('ytd', 'stock')
                then (progressed.value_progress - progressed.time_progress) * progressed.direction_sign >= 0
            else (progressed.metric - progressed.target) * progressed.direction_sign >= 0
        end as on_track,
        case when progressed.needed_reason is null then
            case progressed.kind
                when 'ytd' then ((progressed.target_total - progressed.value)
                    / (progressed.last_year_total - progressed.last_year_same_period) - 1) * 100
                else (progressed.target_total / progressed.value - 1) * 100
            end
        end as needed_rest_of_year,
        progressed.needed_reason,
        progressed.value,
        progressed.growth_pct,
        progressed.last_year_total,
        progressed.direction_sign = -1 as is_lower_better,
        progressed.source_note,
        progressed.is_synthetic,
    from progressed
    left join ref.calendar as cal
        on cal.calendar_code = progressed.calendar_code and cal.period = progressed.period
),

judged as (
    select * from per_kind
    qualify row_number() over (
        partition by period, place_code, indicator_code order by target_kind = 'own' desc
    ) = 1
),

final as (
    select
        judged.* exclude (target_kind, target_set_on, target_set_by, n_raises),
        judged.target_kind,
        judged.target_set_on,
        judged.n_raises,
        assigned.target as assigned_target,
        assigned.target_set_by as assigned_by,
        assigned.target_set_on as assigned_set_on,
        assigned.gap as assigned_gap,
        assigned.on_track as assigned_on_track,
        assigned.needed_rest_of_year as assigned_needed_rest_of_year,
    from judged
    left join per_kind as assigned
        on assigned.target_kind = 'assigned'
        and assigned.period = judged.period
        and assigned.place_code = judged.place_code
        and assigned.indicator_code = judged.indicator_code
)

select * from final
