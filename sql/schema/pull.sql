-- pull: what was fetched from the bureaus' mailboxes, web pages and folders, so nothing is fetched twice
-- (flows/pull/; where an ingested file came from is raw.files.provenance, raw_staging.sql).
-- Baseline of a new warehouse (flows/warehouse/db.py: migrate); upgrades/ brings older ones here.
create schema if not exists pull;

-- one row per remote item x version seen: a mailbox attachment, a linked table, a file in a folder.
-- A row with file_name null was seen but not written (same content as a file pulled before).
create table if not exists pull.ledger (
    source_code varchar not null,   -- config/pull.yaml entry
    remote_id varchar not null,     -- mailbox: user@host/folder/uidvalidity/uid/attachment; web: URL; folder: URL of the file
    version varchar not null,       -- what tells a change: sha256 (mailbox, web), size:mtime (folder)
    etag varchar,                   -- web: the server's ETag, sent back as If-None-Match
    last_modified varchar,          -- web: the server's Last-Modified, sent back as If-Modified-Since
    sha256 varchar not null,        -- of the bytes written (raw.files.sha256 when ingested)
    size_bytes bigint not null,
    provenance varchar not null,    -- mailbox + Message-ID + sender + date, the URL, or the remote path
    pulled_at timestamp not null,
    file_name varchar               -- the name written into the inbox; null: the content was pulled before
);

-- one row per source: its last outcome, and since when it has been failing (the digest reports it)
create table if not exists pull.source_status (
    source_code varchar primary key,
    last_run_at timestamp not null,
    last_ok_at timestamp,
    failing_since timestamp,        -- null while the source works
    n_failures integer not null default 0,   -- runs failed in a row
    fault_kind varchar,             -- login / certificate / timeout / http / garbage / incomplete / network / links / other
    last_error varchar              -- the one line the operators read: what failed and what to do
);
