-- Published 位次 belong to the group they were published for (issue 19): a city bureau's 位次 rank the
-- city's counties, a province's the province's. Ingest records that group with each printed 位次
-- (the source's rank_group, else the smallest group holding every county the file ranks), and the
-- marts show and compare a 位次 only in that group (sql/marts/store/member_values.sql).
-- Coverage now counts a member only when the value its indicator ranks by is present, and a slice
-- with nothing ranked is never published (sql/marts/build/slice_tops.sql, published_periods.sql): the
-- stored slices follow the new rules only after a full rebuild.
alter table staging.observations add column if not exists rank_group_code varchar;

delete from mart_store.published_periods;
delete from mart_store.partial_periods;
delete from mart_store.streaks;
delete from mart_store.place_ids;
delete from meta.rank_state;
