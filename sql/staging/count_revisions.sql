-- How many of a file's observations revise a value loaded earlier (registered DataFrame `incoming_observations`).
-- one row: n_revised = observations whose current version has a different value, growth or published rank
with incoming as (
    select place_code, indicator_code, period::date as period, value, growth_pct, published_rank
    from incoming_observations
),

-- the latest loaded version of each incoming key, as staging.observations_current defines it
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
    from staging.observations as observations
    semi join incoming using (place_code, indicator_code, period)
    where observations.period in (select period from incoming)
    group by all
),

final as (
    select count(*) as n_revised
    from incoming
    inner join current_versions using (place_code, indicator_code, period)
    where incoming.value is distinct from current_versions.latest.value
        or incoming.growth_pct is distinct from current_versions.latest.growth_pct
        or incoming.published_rank is distinct from current_versions.latest.published_rank
)

select * from final;
