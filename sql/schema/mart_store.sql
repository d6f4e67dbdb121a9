-- mart_store: what the rank stage stores behind the `marts` views (what has a history: published
-- periods with each slice's size and top three, partial periods, streaks). Ranks themselves are
-- computed when read; the views are (re)created by flows/rank/marts.py from sql/marts/store/ and
-- sql/marts/views/ on every build. Integer keys keep a national rebuild's sorts and joins cheap; the
-- views decode them: indicator_id = ref.indicators.sort_order, group_id = ref.groups.sort_order,
-- place_id = mart_store.place_ids. What the marts show is in meta.rank_state (meta.sql).
-- Baseline of a new warehouse (flows/warehouse/db.py: migrate); upgrades/ brings older ones here.
create schema if not exists mart_store;
create schema if not exists marts;

-- one row per place code the store knows (rebuilt with every full rebuild)
create table if not exists mart_store.place_ids (
    place_id integer not null,
    place_code varchar not null
);

-- one row per indicator x group x period published (enough members reported, docs/RULES.md);
-- pub_idx numbers these periods consecutively, so an unpublished period is no gap in a streak.
-- top_places / top_ranks: the slice's top three (rank <= 3, ties included, best first) as two lists
-- read together; mart_store.top3 unnests them
create table if not exists mart_store.published_periods (
    indicator_id smallint not null,
    group_id integer not null,
    period date not null,
    seq smallint not null,              -- ref.calendar seq of the period in the indicator's calendar
    n_months integer not null,
    pub_idx integer not null,
    cum_months integer not null,        -- months of this and every earlier published period
    n_reported integer not null default 0, -- members with an observation row
    n_ranked integer not null default 0,   -- of which have a rankable metric
    top_places integer[],
    top_ranks smallint[],
    n_members integer not null default 0   -- members valid on the period's last day (coverage's denominator)
);

-- one row per indicator x group x period in which some but not enough members reported: visible in
-- marts.periods (is_complete false), never in top-three counts or streaks
create table if not exists mart_store.partial_periods (
    indicator_id smallint not null,
    group_id integer not null,
    period date not null,
    seq smallint not null,
    n_members integer not null,         -- members valid on the period's last day
    n_reported integer not null,        -- of which have an observation row
    n_ranked integer not null           -- of which have a rankable metric
);

-- one row per run of consecutive published periods a place spent in the top three (or first), as
-- where it starts and ends in the published periods (pub_idx): periods, months, is_current and
-- broke_at follow from mart_store.published_periods when read (marts.streaks)
create table if not exists mart_store.streaks (
    place_id integer not null,
    indicator_id smallint not null,
    group_id integer not null,
    is_first boolean not null,          -- kind: first place (true) or top three (false)
    start_pub_idx integer not null,
    end_pub_idx integer not null
);
