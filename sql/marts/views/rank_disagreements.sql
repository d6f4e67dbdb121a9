-- marts.rank_disagreements: a published 位次 that differs from the computed rank. A file's 位次 are
-- compared in the groups it ranked: those in which every ranked member is a place the file printed
-- with a 位次 (so a city table is not compared with the province ranking, and a later revision of
-- one cell does not hide the rest of the table). Only complete slices: a partial one (the city table
-- in before the province's) would compare the city's 位次 with a ranking of the city alone.
-- one row per period x indicator x group x place where they differ
with published_slices as (
    -- only slices where some current value carries a 位次 are ranked here
    select distinct indicator_id, period from mart_store.current_values where published_rank is not null
),

ranked as (
    -- the same rank() as mart_store.ranked (sql/marts/store/ranked.sql), for those slices only
    select
        mv.*,
        case when mv.metric is not null then rank() over (
            partition by mv.period, mv.group_id, mv.indicator_id order by mv.sort_key desc nulls last
        ) end as rank,
    from mart_store.member_values as mv
    semi join published_slices using (indicator_id, period)
),

with_published as (
    select * from ranked where published_rank is not null and rank is not null
),

slices_with_published as (
    select distinct indicator_id, group_id, period from with_published
    semi join mart_store.published_periods using (indicator_id, group_id, period)
),

slice_rows as (
    select ranked.*
    from ranked
    semi join slices_with_published using (indicator_id, group_id, period)
),

slice_sizes as (
    select indicator_id, group_id, period, count(rank) as n_ranked from slice_rows group by all
),

printed as (
    -- every place each file printed with a 位次, whatever became of the value later
    select obs.file_id, ind.sort_order::smallint as indicator_id, obs.period, ids.place_id
    from staging.observations as obs
    inner join ref.indicators as ind using (indicator_code)
    inner join mart_store.place_ids as ids using (place_code)
    semi join (select distinct file_id from with_published) using (file_id)
    where obs.published_rank is not null
),

file_scopes as (
    select printed.file_id, slice_rows.indicator_id, slice_rows.group_id, slice_rows.period
    from printed
    inner join slice_rows using (indicator_id, period, place_id)
    inner join slice_sizes using (indicator_id, group_id, period)
    where slice_rows.rank is not null
    group by printed.file_id, slice_rows.indicator_id, slice_rows.group_id, slice_rows.period, slice_sizes.n_ranked
    having count(*) = slice_sizes.n_ranked
),

final as (
    select
        wp.period,
        ind.indicator_code,
        grp.group_code,
        ids.place_code,
        wp.rank::integer as rank,
        wp.published_rank,
        wp.metric,
        wp.file_id,
    from with_published as wp
    semi join file_scopes using (file_id, indicator_id, group_id, period)
    inner join ref.indicators as ind on ind.sort_order = wp.indicator_id
    inner join ref.groups as grp on grp.sort_order = wp.group_id
    inner join mart_store.place_ids as ids using (place_id)
    where wp.published_rank <> wp.rank
)

select * from final
