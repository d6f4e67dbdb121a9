-- Ranks are no longer stored row by row: writing 27M rank rows cost more than the whole rebuild may
-- (national benchmark), and only the top three feed anything with a history (counts, streaks).
-- marts.rankings computes every rank when read (mart_store.ranked), with filters on period, group and
-- indicator pushed below its windows; the store keeps per published slice its size and top three
-- (mart_store.published_periods) and the streaks. The store is emptied and meta.rank_state
-- cleared, so the next build is a full rebuild.
drop table if exists mart_store.rankings;
-- top-three counts are an aggregate of the stored top-three rows, computed when read
drop table if exists mart_store.top3_counts;

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

-- per published slice: how many members had an observation, how many were ranked, and its top three
-- (rank <= 3, ties included, best first) as two lists read together; mart_store.top3 unnests them
alter table mart_store.published_periods add column n_members integer not null default 0;
alter table mart_store.published_periods add column n_ranked integer not null default 0;
alter table mart_store.published_periods add column top_places integer[];
alter table mart_store.published_periods add column top_ranks smallint[];

delete from mart_store.published_periods;
delete from mart_store.place_ids;
delete from meta.rank_state;
