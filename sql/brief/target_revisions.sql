-- The history of a place's targets for a year (只能加压不能打折): each side's number set at the start of the
-- year and its raises, as config/targets.yaml gives them (ref.target_revisions), for `bipin targets`.
-- one row per indicator x target_kind x seq of $place in $year
with revisions as (
    select * from ref.target_revisions
    where place_code = $place and year = $year
),

final as (
    select
        revisions.indicator_code,
        ind.name as indicator_name,
        revisions.target_kind,
        revisions.seq,
        revisions.target,
        targets.basis,
        targets.unit,
        revisions.set_on,
        revisions.set_by,
        revisions.note,
    from revisions
    inner join ref.targets as targets using (year, place_code, indicator_code)
    inner join ref.indicators as ind using (indicator_code)
    order by ind.sort_order, revisions.target_kind, revisions.seq
)

select * from final
