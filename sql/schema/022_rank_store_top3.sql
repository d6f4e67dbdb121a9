-- Ranks are no longer stored row by row: writing 27M rank rows cost more than the whole rebuild may
-- (national benchmark), and only the top three feed anything with a history (counts, streaks).
-- marts.rankings computes every rank when read (mart_store.ranked), with filters on period, group and
-- indicator pushed below its windows; the store keeps the top-three rows, per-slice sizes (published
-- periods) and streaks. The store is emptied and meta.rank_state cleared, so the next build is a full rebuild.
drop table if exists mart_store.rankings;
-- top-three counts are an aggregate of the stored top-three rows, computed when read
drop table if exists mart_store.top3_counts;

-- one row per period x indicator x peer group x member place with rank <= 3 (ties can make more than three)
create table mart_store.top3 (
    indicator_id smallint not null,
    group_id integer not null,
    period date not null,
    seq smallint not null,              -- ref.calendar seq of the period in the indicator's calendar
    place_id integer not null,
    rank smallint not null              -- rank() semantics: 1, 2, 2 (and 3 when nobody ties above)
);

-- streaks keep only where each run starts and ends in the published periods (pub_idx): periods,
-- months, is_current and broke_at follow from mart_store.published_periods when read
drop table if exists mart_store.streaks;
create table mart_store.streaks (
    place_id integer not null,
    indicator_id smallint not null,
    group_id integer not null,
    is_first boolean not null,          -- kind: first place (true) or top three (false)
    start_pub_idx integer not null,
    end_pub_idx integer not null
);

-- how many members each published slice had, and how many of them were ranked
alter table mart_store.published_periods add column n_members integer not null default 0;
alter table mart_store.published_periods add column n_ranked integer not null default 0;

delete from mart_store.published_periods;
delete from mart_store.place_ids;
delete from meta.rank_state;
