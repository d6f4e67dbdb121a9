-- Ingest layers: raw (files as received, every message) and staging (clean, dated observations).
create schema if not exists raw;
create schema if not exists staging;
create sequence if not exists raw.file_id_seq;

-- one row per file seen, whatever became of it
create table if not exists raw.files (
    file_id bigint primary key,
    file_name varchar not null,
    original_path varchar not null,
    sha256 varchar not null,
    size_bytes bigint not null,
    source_code varchar,            -- which config/sources.yaml entry matched
    status varchar not null,        -- loaded / duplicate / rejected
    received_at timestamp not null, -- when bipin first saw it
    loaded_at timestamp,            -- when its observations became current (null unless loaded)
    periods date[],                 -- periods the file covers
    n_rows integer,                 -- data rows read
    n_observations integer,         -- observations written to staging
    n_revised integer,              -- of which replace earlier values
    n_warnings integer not null default 0,
    n_errors integer not null default 0,
    duplicate_of bigint,            -- file_id of the identical file loaded earlier
    stored_path varchar             -- quarantine path for rejected files
);

-- one row per problem found in a file (errors reject it, warnings are kept with it)
create table if not exists raw.file_messages (
    file_id bigint not null,
    severity varchar not null,      -- error / warning
    code varchar not null,          -- short rule name: unknown_place, not_numeric, ytd_decreased ...
    sheet varchar,
    row_number integer,             -- 1-based row in the sheet or CSV, as a spreadsheet shows it
    column_name varchar,            -- header text or spreadsheet letter
    message varchar not null
);

-- one row per place x indicator x period x file: every version ever loaded (append only).
-- The current value is the one from the latest loaded_at; as-of reads filter loaded_at first.
create table if not exists staging.observations (
    file_id bigint not null,
    place_code varchar not null,
    indicator_code varchar not null,
    period date not null,           -- first day of the period's last month
    value double,                   -- level in the indicator's unit (year-to-date for ytd indicators); null = missing
    growth_pct double,              -- year-on-year growth in percent; null = missing
    published_rank integer,         -- the source's 位次 when it printed one
    loaded_at timestamp not null,
    sheet varchar,
    row_number integer,
    value_column varchar,
    growth_column varchar,
    raw_value varchar,              -- the cell text as printed, before cleaning
    raw_growth varchar
);
