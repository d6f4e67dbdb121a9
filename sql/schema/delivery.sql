-- delivery: the send ledger that keeps a rerun from mailing the same briefing twice.
-- Baseline of a new warehouse (flows/warehouse/db.py: migrate); upgrades/ brings older ones here.
create schema if not exists delivery;

-- one row per briefing kind x period_key (period, ISO week or run) x recipient email
create table if not exists delivery.send_ledger (
    kind varchar not null,          -- weekly / monthly / quarterly / digest
    period_key varchar not null,    -- 2026-W47 (weekly), 2026-10 (monthly), 2026-Q3 (quarterly)
    recipient varchar not null,     -- email address, lower-case
    content_hash varchar not null,  -- sha256 of what the briefing says (its context), not of the bytes
    status varchar not null,        -- sending / sent / failed_transient / failed_permanent
    attempts integer not null default 0,
    message_id varchar,
    subject varchar,
    data_as_of timestamp,           -- newest raw.files.loaded_at the briefing was built from
    last_error varchar,
    first_attempt_at timestamp,
    last_attempt_at timestamp,
    sent_at timestamp,
    primary key (kind, period_key, recipient)
);
