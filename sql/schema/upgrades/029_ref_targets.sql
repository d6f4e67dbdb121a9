-- Annual targets (年度目标任务) mirrored from config/targets.yaml (flows/warehouse/db.py: sync_catalog).
-- Numbered in the rank range: only the rank marts (marts.target_progress) read it.
-- one row per year x place x indicator with a target
create table if not exists ref.targets (
    year integer not null,
    place_code varchar not null,
    indicator_code varchar not null,
    basis varchar not null,         -- growth (target in % on last year) / level (in the indicator's unit)
    target double not null,
    unit varchar not null,          -- % for growth, the indicator's unit for level
    source_note varchar,            -- where the target comes from: 2026年政府工作报告
    is_synthetic boolean not null   -- invented (demo) targets: briefings say so
);

-- what sync_catalog last wrote to ref.targets (a hash), so an unchanged targets.yaml is not rewritten
create table if not exists meta.ref_targets_sync (fingerprint varchar not null);
