-- Record one file in the ledger (raw.files), whatever became of it: loaded, duplicate or rejected.
-- Its provenance (mailbox + message, URL or remote path) is what the pull stage recorded for the same
-- content (pull.ledger, by sha256); null for a file dropped into the inbox by hand.
-- one row per file seen
insert into raw.files (
    file_id, file_name, original_path, sha256, size_bytes, source_code, status, received_at, loaded_at,
    periods, n_rows, n_observations, n_revised, n_warnings, n_errors, duplicate_of, stored_path, provenance
)
values (
    $file_id, $file_name, $original_path, $sha256, $size_bytes, $source_code, $status, $received_at, $loaded_at,
    $periods::date[], $n_rows, $n_observations, $n_revised, $n_warnings, $n_errors, $duplicate_of, $stored_path,
    (select provenance from pull.ledger where sha256 = $sha256 and file_name is not null order by pulled_at limit 1)
);
