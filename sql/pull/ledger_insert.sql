-- Record one remote item's version as pulled (written into the inbox, or seen with known content).
-- one row per remote item x version
insert into pull.ledger (
    source_code, remote_id, version, etag, last_modified, sha256, size_bytes, provenance, pulled_at, file_name
)
values (
    $source_code, $remote_id, $version, $etag, $last_modified, $sha256, $size_bytes, $provenance, $pulled_at,
    $file_name
);
