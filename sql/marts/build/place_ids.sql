-- Integer ids for every place the catalog knows or a group names, for the store's keys.
-- one row per place code
with codes as (
    select place_code from ref.places
    union
    select place_code from ref.group_members
),

final as (
    select
        row_number() over (order by place_code)::integer as place_id,
        place_code,
    from codes
)

select * from final
