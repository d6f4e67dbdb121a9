-- The units answerable for each indicator (各单位、各条线), mirrored from config/units.yaml
-- (flows/warehouse/db.py: sync_units): per place, each unit and the indicators it leads (牵头) or supports
-- (配合). An indicator has at most one lead unit per place (`bipin catalog check`).
-- one row per place x unit x indicator
create table if not exists ref.unit_indicators (
    place_code varchar not null,
    unit_name varchar not null,     -- as briefings name it: 经信局
    unit_full_name varchar,         -- 武义县经济和信息化局
    unit_order integer not null,    -- the order units.yaml lists them in
    indicator_code varchar not null,
    role varchar not null,          -- lead (牵头) / support (配合)
    is_synthetic boolean not null   -- an invented division of work (the demo's): briefings say so
);

create table if not exists meta.ref_units_sync (fingerprint varchar not null);
