-- Narrower rank store: no prev_rank (the views read it off the same place's row at seq - 1 when
-- queried, so a full rebuild no longer sorts 27M rows a second time, by place, to take it by lag) and
-- no metric (the views read it from the observation the rank came from, staging.observations by
-- file_id, so 27M doubles are not written again).
-- The store is emptied and meta.rank_state cleared, so the next build is a full rebuild.
-- one row per period x indicator x peer group x member place with an observation (metric may be null)
drop table if exists mart_store.rankings;

create table mart_store.rankings (
    indicator_id smallint not null,
    group_id integer not null,
    period date not null,
    seq smallint not null,              -- ref.calendar seq of the period in the indicator's calendar
    place_id integer not null,
    rank smallint,                      -- rank() semantics: ties share the best place; null when the metric is missing
    published_rank integer,             -- the source's 位次
    file_id bigint not null             -- the file the current value came from (its staging row holds the metric)
);

delete from mart_store.top3_counts;
delete from mart_store.published_periods;
delete from mart_store.streaks;
delete from mart_store.place_ids;
delete from meta.rank_state;
