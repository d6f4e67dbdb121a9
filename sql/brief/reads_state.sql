-- What every briefing read depends on, in one fingerprint: two equal fingerprints of the same warehouse
-- file mean the sql/brief models return the same rows for the same parameters, so the kinds of one
-- `bipin run` (one process, nothing rebuilt between them) read each slice once (content/queries.py).
-- The marts are rebuilt only with a new meta.rank_state (built_at), ref only with a new meta.ref_sync /
-- meta.ref_targets_sync fingerprint, staging only with raw.files rows (every load is a file), and the
-- schema only with a migration.
-- one row: the fingerprint
with parts as (
    select 'rank_state' as part, coalesce(string_agg(s::varchar, '|' order by s::varchar), '') as state
    from meta.rank_state as s
    union all
    select 'ref_sync', coalesce(string_agg(fingerprint, '|' order by fingerprint), '') from meta.ref_sync
    union all
    select 'ref_targets_sync', coalesce(string_agg(fingerprint, '|' order by fingerprint), '')
    from meta.ref_targets_sync
    union all
    select 'migrations', coalesce(string_agg(name, '|' order by name), '') from meta.migrations
    union all
    select 'files', coalesce(string_agg(f::varchar, '|' order by f.file_id), '') from raw.files as f
    union all
    select 'observations', count(*)::varchar from staging.observations
),

final as (
    select md5(string_agg(part || '=' || state, ';' order by part)) as fingerprint
    from parts
)

select * from final
