-- What a warehouse made before the baseline (sql/schema/*.sql) lacks to have exactly its shape:
-- meta.ref_sync, which flows/warehouse/db.py used to create in Python on the first catalog sync, and
-- staging.observations_current re-stated so its column list includes the columns 023 added (DuckDB
-- records a view's columns when it is created).
create table if not exists meta.ref_sync (fingerprint varchar not null);

create or replace view staging.observations_current as
with observations as (
    select * from staging.observations
    where loaded_at <= coalesce(getvariable('as_of')::timestamp, 'infinity'::timestamp)
),

final as (
    select *
    from observations
    qualify row_number() over (
        partition by place_code, indicator_code, period
        order by loaded_at desc, file_id desc
    ) = 1
)

select * from final;
