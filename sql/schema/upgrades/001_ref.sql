-- Reference catalog mirrored from config/*.yaml on every run (flows/warehouse/db.py: sync_catalog).
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
    sort_order integer not null
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
