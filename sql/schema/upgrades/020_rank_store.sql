-- Rank stage storage: materialised tables behind the `marts` views, and what they were built from.
-- The views themselves are (re)created by flows/rank/marts.py from sql/marts/views/*.sql.
-- Integer keys keep the window sorts and joins of a national rebuild cheap; the views decode them:
-- indicator_id = ref.indicators.sort_order, group_id = ref.groups.sort_order, place_id = mart_store.place_ids.
create schema if not exists mart_store;
create schema if not exists marts;

-- one row per place code the store knows (rebuilt with every full rebuild)
create table if not exists mart_store.place_ids (
    place_id integer not null,
    place_code varchar not null
);

-- one row per period x indicator x peer group x member place with an observation (metric may be null)
create table if not exists mart_store.rankings (
    indicator_id smallint not null,
    group_id integer not null,
    period date not null,
    seq smallint not null,              -- ref.calendar seq of the period in the indicator's calendar
    place_id integer not null,
    metric double,                      -- growth_pct or value per ref.indicators.basis; null = missing
    rank smallint,                      -- rank() semantics: ties share the best place; null when missing
    prev_rank smallint,                 -- rank in the previous expected period of the calendar
    published_rank integer,             -- the source's 位次
    file_id bigint                      -- the file the current value came from
);

-- one row per period x group x place ranked on at least one indicator
create table if not exists mart_store.top3_counts (
    period date not null,
    group_id integer not null,
    place_id integer not null,
    n_top3 integer not null,
    n_first integer not null,
    n_ranked_indicators integer not null,
    n_top3_prev integer not null,
    n_first_prev integer not null
);

-- one row per indicator x group x period in which at least one member has an observation;
-- pub_idx numbers these periods consecutively, so an unpublished period is no gap in a streak
create table if not exists mart_store.published_periods (
    indicator_id smallint not null,
    group_id integer not null,
    period date not null,
    seq smallint not null,
    n_months integer not null,
    pub_idx integer not null,
    cum_months integer not null         -- months of this and every earlier published period
);

-- one row per run of consecutive published periods a place spent in the top three (or first)
create table if not exists mart_store.streaks (
    place_id integer not null,
    indicator_id smallint not null,
    group_id integer not null,
    kind varchar not null,              -- top3 / first
    start_period date not null,
    end_period date not null,
    start_seq smallint not null,
    start_pub_idx integer not null,
    months_before_start integer not null, -- cum_months of the published period before the run
    end_pub_idx integer not null,
    n_periods integer not null,
    n_months integer not null,
    is_current boolean not null,
    broke_at date                       -- the published period in which the place was no longer in it
);

-- one row: what the marts currently show
create table if not exists meta.rank_state (
    as_of timestamp,                    -- null = everything loaded; else built as of this moment
    watermark timestamp,                -- newest loaded_at among the observations included
    catalog_fingerprint varchar not null,
    built_at timestamp not null,
    mode varchar not null,              -- full / incremental / unchanged
    n_slices integer not null           -- indicator x period slices rebuilt
);
