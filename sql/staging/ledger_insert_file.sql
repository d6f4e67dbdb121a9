-- Record one file in the ledger (raw.files), whatever became of it: loaded, duplicate or rejected.
-- one row per file seen
insert into raw.files (
    file_id, file_name, original_path, sha256, size_bytes, source_code, status, received_at, loaded_at,
    periods, n_rows, n_observations, n_revised, n_warnings, n_errors, duplicate_of, stored_path
)
values (
    $file_id, $file_name, $original_path, $sha256, $size_bytes, $source_code, $status, $received_at, $loaded_at,
    $periods::date[], $n_rows, $n_observations, $n_revised, $n_warnings, $n_errors, $duplicate_of, $stored_path
);
