-- Rank store without prev_rank: the views read it off the same place's row at seq - 1 when queried
-- (a full rebuild no longer sorts 27M rows a second time, by place, to take it by lag, nor writes it).
-- The store is emptied and meta.rank_state cleared, so the next build is a full rebuild.
-- one row per period x indicator x peer group x member place with an observation (metric may be null)
drop table if exists mart_store.rankings;

create table mart_store.rankings (
    indicator_id smallint not null,
    group_id integer not null,
    period date not null,
    seq smallint not null,              -- ref.calendar seq of the period in the indicator's calendar
    place_id integer not null,
    metric double,                      -- growth_pct or value per ref.indicators.basis; null = missing
    rank smallint,                      -- rank() semantics: ties share the best place; null when missing
    published_rank integer,             -- the source's 位次
    file_id bigint                      -- the file the current value came from
);

delete from mart_store.top3_counts;
delete from mart_store.published_periods;
delete from mart_store.streaks;
delete from mart_store.place_ids;
delete from meta.rank_state;
