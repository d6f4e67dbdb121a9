-- Year-to-date values lower than the previous period's of the same year (warning rule ytd_decreased).
-- one row per incoming observation whose year-to-date value fell; the previous value comes from
-- the same file when it has that period, else from the current warehouse value.
-- Reads the registered table `incoming_observations`, whose ytd_previous_period column holds the period
-- before each row's, in its year, for year-to-date indicators (sql/staging/ytd_previous_periods.sql,
-- read once per ingest run; null for other indicators and a year's first period).
with incoming as (
    select place_code, indicator_code, period::date as period, value, row_number, value_column, ytd_previous_period
    from incoming_observations
    where not is_total and value is not null
),

with_previous_period as (
    select
        place_code,
        indicator_code,
        period,
        value,
        row_number,
        value_column,
        ytd_previous_period as previous_period,
    from incoming
    where ytd_previous_period is not null
),

wanted as (
    select distinct place_code, indicator_code, previous_period as period from with_previous_period
),

-- the current value of just the periods needed (cheaper than the whole current view):
-- the latest loaded version, as staging.observations_current defines it
current_values as (
    select
        observations.place_code,
        observations.indicator_code,
        observations.period,
        arg_max(observations.value, observations.loaded_at) as value,
    from staging.observations as observations
    semi join wanted using (place_code, indicator_code, period)
    where observations.period in (select period from wanted)
    group by all
),

compared as (
    select
        with_previous_period.*,
        coalesce(same_file.value, earlier.value) as previous_value,
    from with_previous_period
    left join incoming as same_file
        on same_file.place_code = with_previous_period.place_code
        and same_file.indicator_code = with_previous_period.indicator_code
        and same_file.period = with_previous_period.previous_period
    left join current_values as earlier
        on earlier.place_code = with_previous_period.place_code
        and earlier.indicator_code = with_previous_period.indicator_code
        and earlier.period = with_previous_period.previous_period
),

final as (
    select place_code, indicator_code, period, value, previous_period, previous_value, row_number, value_column
    from compared
    where value < previous_value
)

select * from final order by row_number, indicator_code;
