-- One source's outcome this run: ok clears the failure, a failure keeps the first moment it failed.
-- one row per source (upsert)
insert into pull.source_status as s (source_code, last_run_at, last_ok_at, failing_since, n_failures, fault_kind, last_error)
values (
    $source_code, $now,
    case when $error is null then $now end,
    case when $error is null then null else $now end,
    case when $error is null then 0 else 1 end,
    $fault_kind,
    $error
)
on conflict (source_code) do update set
    last_run_at = excluded.last_run_at,
    last_ok_at = coalesce(excluded.last_ok_at, s.last_ok_at),
    failing_since = case when excluded.last_error is null then null else coalesce(s.failing_since, excluded.failing_since) end,
    n_failures = case when excluded.last_error is null then 0 else s.n_failures + 1 end,
    fault_kind = excluded.fault_kind,
    last_error = excluded.last_error;
