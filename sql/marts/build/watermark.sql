-- The newest loaded_at among observations loaded by $cut (null = now): what the marts include.
-- one row
with observations as (
    select loaded_at from staging.observations
    where $cut is null or loaded_at <= $cut
),

final as (
    select max(loaded_at) as watermark from observations
)

select * from final
