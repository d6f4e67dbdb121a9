-- ref: the reference catalog, mirrored from config/*.yaml on every run (flows/warehouse/db.py:
-- sync_catalog, the only writer). Baseline of a new warehouse; upgrades/ brings older ones here.
create schema if not exists ref;

-- one row per place (county-level units, their cities, provinces)
create table if not exists ref.places (
    place_code varchar primary key,
    name varchar not null,          -- official name: 武义县
    short_name varchar not null,    -- 武义
    division_code varchar,          -- administrative division code: 330723
    parent_code varchar,            -- the city (or state) it belongs to
    level varchar not null          -- county / city / province / state / country
);

-- one row per printed name -> place
create table if not exists ref.place_aliases (
    alias varchar primary key,
    place_code varchar not null
);

-- one row per peer group
create table if not exists ref.groups (
    group_code varchar primary key,
    name varchar not null,
    label varchar not null,         -- how a bulletin names the scope: 全市 / 山区26县 / 全省
    first_tier_size integer not null,
    scoring_method varchar not null, -- rank_points / zscore
    default_weight double not null,
    sort_order integer not null,
    min_coverage double default 1.0 -- share of the members valid on a period that must report before a slice is published
);

-- one row per membership spell; valid_to is exclusive, null = still a member
create table if not exists ref.group_members (
    group_code varchar not null,
    place_code varchar not null,
    valid_from date not null,
    valid_to date
);

-- one row per group x indicator with a non-default composite weight
create table if not exists ref.group_weights (
    group_code varchar not null,
    indicator_code varchar not null,
    weight double not null
);

-- one row per indicator
create table if not exists ref.indicators (
    indicator_code varchar primary key,
    name varchar not null,
    unit varchar not null,          -- the unit values are stored in (亿元, %, 万千瓦时 ...)
    kind varchar not null,          -- ytd / stock / rate / monthly
    basis varchar not null,         -- growth / level: which metric ranks
    direction varchar not null,     -- higher / lower is better
    frequency varchar not null,     -- monthly / quarterly
    calendar_code varchar not null, -- monthly_jf / monthly / quarterly (see ref.calendar)
    is_key boolean not null,
    sort_order integer not null
);

-- one row per focus place x benchmark place
create table if not exists ref.benchmarks (
    focus_place_code varchar not null,
    benchmark_place_code varchar not null,
    role varchar not null,          -- learn_from / overtake
    group_code varchar              -- the peer group in which the two are compared
);

-- one row per calendar x expected period; seq is consecutive within a calendar, so a streak is a run of seq
create table if not exists ref.calendar (
    calendar_code varchar not null,
    period date not null,           -- first day of the period's last month
    seq integer not null,
    n_months integer not null,      -- months the period stands for (1-2月 = 2)
    period_label varchar not null
);

-- one row per year x place x indicator with an annual target (年度目标任务, config/targets.yaml)
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

-- The history of every annual target (只能加压不能打折): per side, the number set at the start of the year
-- (seq 0) and each later raise. A one-number target is one own row without a date. ref.targets.target
-- stays the newest number the county is judged on (own, else assigned); marts.target_progress takes the
-- rows in force at the marts' cut from here.
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

-- The units answerable for each indicator (各单位、各条线), mirrored from config/units.yaml
-- (flows/warehouse/db.py: sync_units): per place, each unit and the indicators it leads (牵头) or supports
-- (配合). An indicator has at most one lead unit per place (`bipin catalog check`).
-- one row per place x unit x indicator
create table if not exists ref.unit_indicators (
    place_code varchar not null,
    unit_name varchar not null,     -- as briefings name it: 经信局
    unit_full_name varchar,         -- 武义县经济和信息化局
    unit_order integer not null,    -- the order units.yaml lists them in
    indicator_code varchar not null,
    role varchar not null,          -- lead (牵头) / support (配合)
    is_synthetic boolean not null   -- an invented division of work (the demo's): briefings say so
);
