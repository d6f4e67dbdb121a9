-- meta: what the warehouse itself keeps about its schema, the config mirror and the rank build.
-- Baseline of a new warehouse (flows/warehouse/db.py: migrate); upgrades/ brings older ones here.
create schema if not exists meta;

-- one row per schema upgrade (sql/schema/upgrades/NNN_*.sql) the warehouse holds; a new warehouse
-- records every upgrade at creation, as the baseline already has their shape
create table if not exists meta.migrations (
    name varchar primary key,
    applied_at timestamp default now()
);

-- one row: a hash of what sync_catalog last wrote to ref (and of the upgrades applied), so an
-- unchanged catalog is not rewritten (flows/warehouse/db.py)
create table if not exists meta.ref_sync (fingerprint varchar not null);

-- one row each: the same for ref.targets, ref.target_revisions (config/targets.yaml) and
-- ref.unit_indicators (config/units.yaml)
create table if not exists meta.ref_targets_sync (fingerprint varchar not null);
create table if not exists meta.ref_target_revisions_sync (fingerprint varchar not null);
create table if not exists meta.ref_units_sync (fingerprint varchar not null);

-- one row: what the marts currently show (flows/rank/marts.py writes it first in every build)
create table if not exists meta.rank_state (
    as_of timestamp,                    -- null = everything loaded; else built as of this moment
    watermark timestamp,                -- newest loaded_at among the observations included
    catalog_fingerprint varchar not null,
    built_at timestamp not null,
    mode varchar not null,              -- full / incremental / unchanged
    n_slices integer not null           -- indicator x period slices rebuilt
);
