-- What the warehouse says about one incoming file (registered table `incoming_observations`), in one query
-- (three separate ones cost ~10 ms a file, most of it planning): the warning rules ytd_decreased and
-- place_missing, and how many observations revise a value loaded earlier.
-- one row per finding: kind 'ytd_decreased' (an incoming observation whose year-to-date value fell; the
-- previous value comes from the same file when it has that period, else from the current warehouse
-- value), 'place_missing' (a place the source's previous loaded file had that the incoming file lacks),
-- and exactly one 'revisions' row (n_revised = observations whose current version has a different value,
-- growth or published rank)
with incoming as (
    select
        place_code,
        indicator_code,
        period::date as period,
        value,
        growth_pct,
        published_rank,
        is_total,
        row_number,
        value_column,
    from incoming_observations
),

ytd_incoming as (
    select place_code, indicator_code, period, value, row_number, value_column
    from incoming
    where not is_total and value is not null
),

ytd_indicators as (
    select indicator_code, calendar_code from ref.indicators where kind = 'ytd'
),

calendar as (
    select calendar_code, period, seq from ref.calendar
),

with_previous_period as (
    select
        ytd_incoming.*,
        previous.period as previous_period,
    from ytd_incoming
    inner join ytd_indicators using (indicator_code)
    inner join calendar as this
        on this.calendar_code = ytd_indicators.calendar_code and this.period = ytd_incoming.period
    inner join calendar as previous
        on previous.calendar_code = this.calendar_code and previous.seq = this.seq - 1
    where year(previous.period) = year(ytd_incoming.period)
),

-- keys whose loaded versions matter: the incoming ones (revisions) and their previous periods (ytd)
wanted as (
    select place_code, indicator_code, period from incoming
    union
    select place_code, indicator_code, previous_period as period from with_previous_period
),

-- the latest loaded version of just those keys, as staging.observations_current defines it
-- (cheaper than the whole current view); latest_value is the latest non-null value, as arg_max gives it
current_versions as (
    select
        observations.place_code,
        observations.indicator_code,
        observations.period,
        arg_max(
            {'value': observations.value, 'growth_pct': observations.growth_pct,
             'published_rank': observations.published_rank},
            observations.loaded_at
        ) as latest,
        arg_max(observations.value, observations.loaded_at) as latest_value,
    from staging.observations as observations
    semi join wanted using (place_code, indicator_code, period)
    where observations.period in (select period from wanted)
    group by all
),

revisions as (
    select count(*) as n_revised
    from incoming
    inner join current_versions using (place_code, indicator_code, period)
    where incoming.value is distinct from current_versions.latest.value
        or incoming.growth_pct is distinct from current_versions.latest.growth_pct
        or incoming.published_rank is distinct from current_versions.latest.published_rank
),

ytd_decreases as (
    select
        with_previous_period.*,
        coalesce(same_file.value, earlier.latest_value) as previous_value,
    from with_previous_period
    left join ytd_incoming as same_file
        on same_file.place_code = with_previous_period.place_code
        and same_file.indicator_code = with_previous_period.indicator_code
        and same_file.period = with_previous_period.previous_period
    left join current_versions as earlier
        on earlier.place_code = with_previous_period.place_code
        and earlier.indicator_code = with_previous_period.indicator_code
        and earlier.period = with_previous_period.previous_period
),

previous_file as (
    select file_id, file_name from raw.files
    where source_code = $source_code and status = 'loaded'
    order by loaded_at desc, file_id desc
    limit 1
),

previous_places as (
    select distinct observations.place_code, previous_file.file_name
    from staging.observations as observations
    inner join previous_file using (file_id)
    where not coalesce(observations.is_total, false)
),

missing_places as (
    select
        previous_places.place_code,
        coalesce(places.short_name, previous_places.place_code) as place_name,
        previous_places.file_name,
    from previous_places
    left join ref.places as places using (place_code)
    anti join (select distinct place_code from incoming) as incoming_places using (place_code)
),

final as (
    select
        'ytd_decreased' as kind, place_code, indicator_code, period, value, previous_period, previous_value,
        row_number, value_column,
    from ytd_decreases
    where value < previous_value
    union all by name
    select 'place_missing' as kind, place_code, place_name, file_name from missing_places
    union all by name
    select 'revisions' as kind, n_revised from revisions
)

select * from final order by kind, row_number, indicator_code, place_code
