-- Published ranks that disagree with the computed ones, newest first, for the rank flow's summary.
-- one row per disagreement
with disagreements as (
    select * from marts.rank_disagreements
),

final as (
    select
        dis.period,
        dis.indicator_code,
        dis.group_code,
        dis.place_code,
        dis.rank,
        dis.published_rank,
        files.file_name,
    from disagreements as dis
    left join raw.files as files using (file_id)
    order by dis.period desc, dis.indicator_code, dis.group_code, dis.place_code
)

select * from final
