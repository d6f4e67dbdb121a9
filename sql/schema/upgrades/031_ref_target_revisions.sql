-- The history of every annual target (只能加压不能打折), mirrored from config/targets.yaml with ref.targets
-- (flows/warehouse/db.py: sync_catalog): per side, the number set at the start of the year (seq 0) and
-- each later raise. A one-number target is one own row without a date. ref.targets.target stays the newest
-- number the county is judged on (own, else assigned); marts.target_progress takes the rows in force at
-- the marts' cut from here.
-- one row per year x place x indicator x target_kind x seq
create table if not exists ref.target_revisions (
    year integer not null,
    place_code varchar not null,
    indicator_code varchar not null,
    target_kind varchar not null,   -- assigned (上级下达: the floor that must be met) / own (自我加压)
    seq integer not null,           -- 0: set at the start of the year; 1, 2 ...: the raises in date order
    target double not null,         -- in ref.targets.unit
    set_on date,                    -- the day it was set or raised (null: not given, counts from the start)
    set_by varchar,                 -- who assigned it (金华市) or set it
    note varchar                    -- 年中加压 ...
);

-- what sync_catalog last wrote to ref.target_revisions (a hash), as meta.ref_targets_sync for ref.targets
create table if not exists meta.ref_target_revisions_sync (fingerprint varchar not null);
