-- One place's targets for `bipin targets`: per targeted indicator its newest period up to $period
-- (null = the newest loaded) in that period's year, so a quarterly indicator shows its last quarter
-- beside the monthly ones.
-- one row per indicator with a target for the year
with progress as (
    select * from marts.target_progress
    where place_code = $place and period <= coalesce($period::date, date '9999-12-01')
),

chosen_year as (
    select coalesce(year($period::date), max(year)) as year from progress
),

final as (
    select
        progress.*,
        ind.name as indicator_name,
        ind.unit as indicator_unit,
        ind.kind,
    from progress
    inner join ref.indicators as ind using (indicator_code)
    where progress.year = (select year from chosen_year)
    qualify row_number() over (partition by progress.indicator_code order by progress.period desc) = 1
    order by ind.sort_order
)

select * from final
