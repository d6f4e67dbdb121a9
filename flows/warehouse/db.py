"""The DuckDB warehouse: open it, migrate it, load SQL files by name, mirror the catalog into `ref`.

Stages meet here and only here: they read and write tables with stated columns
(see docs/DATA_CONTRACT.md). SQL lives in sql/; Python passes values as parameters.
"""

from __future__ import annotations

from contextlib import contextmanager
from functools import cache
from hashlib import sha256
from pathlib import Path

import duckdb
import pyarrow as pa

from flows.config.catalog import Catalog
from flows.config.settings import SQL_DIR, Settings
from flows.config.targets import Target
from flows.config.units import unit_rows
from flows.core.periods import calendar_rows
from flows.warehouse.locks import open_with_wait, warehouse_lock


class WarehouseUnreadable(RuntimeError):
    """The DuckDB file is damaged, not a DuckDB database, or cannot be read: one line says what to do."""


def unreadable(db_path: str | Path, exc: BaseException) -> WarehouseUnreadable | None:
    """The operator's message for a DuckDB error that means the file itself is bad, else None."""
    text = str(exc)
    detail = text.splitlines()[0] if text else type(exc).__name__
    if any(marker in text.lower() for marker in ("permission denied", "read-only file system")):
        # the file is fine: rebuilding would not help, access would
        return WarehouseUnreadable(
            f"{db_path}: the warehouse cannot be opened for writing ({detail}). Nothing was changed. Give this "
            f"user write access to the file and its folder (`ls -l {Path(db_path).parent}`; chmod/chown), or run "
            f"as the user who owns it / 数据库文件无写权限：请授予写权限后重试")
    bad = ("not a valid DuckDB database file", "Corrupt database file",
           "Is a directory", "Cannot read", "database file has been written by a newer")
    if not any(marker.lower() in text.lower() for marker in bad):
        return None
    return WarehouseUnreadable(
        f"{db_path}: the warehouse cannot be read ({detail}). Nothing was changed. Keep the file for "
        f"inspection and rebuild it from the archive: `bipin rebuild --replace` (docs/OPERATIONS.md)")


@cache
def load_sql(name: str) -> str:
    """Text of sql/<name>.sql, e.g. load_sql('marts/views/rankings') or load_sql('schema/ref')."""
    path = SQL_DIR / f"{name}.sql"
    if not path.exists():
        raise FileNotFoundError(f"no SQL model {name!r} at {path}")
    return path.read_text(encoding="utf-8")


def fetch_dicts(con: duckdb.DuckDBPyConnection, model: str, params: dict | None = None) -> list[dict]:
    """Rows of sql/<model>.sql as dicts."""
    cur = con.execute(load_sql(model), params or {})
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def connect(db_path: str | Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the database file (creating its folder) and bring its schema up to date."""
    db_path = Path(db_path)
    if str(db_path) != ":memory:":
        db_path.parent.mkdir(parents=True, exist_ok=True)
    # Another process holding the file: wait for it, then fail naming it (flows/warehouse/locks.py).
    con = None
    try:
        con = open_with_wait(lambda: duckdb.connect(str(db_path), read_only=read_only), db_path)
        if not read_only:
            migrate(con)
    except duckdb.Error as exc:
        if con is not None:
            con.close()
        problem = unreadable(db_path, exc)
        if problem is None:
            raise
        raise problem from None
    return con


@contextmanager
def open_warehouse(settings: Settings, catalog: Catalog | None = None, read_only: bool = False):
    """Connection for one unit of work; mirrors the catalog into `ref` when one is given.

    Runs queue for the file instead of failing on DuckDB's lock (flows/warehouse/locks.py).
    """
    with warehouse_lock(settings.db_path):
        con = connect(settings.db_path, read_only=read_only)
        try:
            if catalog is not None and not read_only:
                mirror_config(con, settings, catalog)
            yield con
        finally:
            con.close()


def mirror_config(con: duckdb.DuckDBPyConnection, settings: Settings, catalog: Catalog) -> None:
    """Everything config puts in the warehouse: the catalog, the annual targets, the units (`bipin rebuild`
    mirrors the same, so the rebuilt warehouse has every ref table the live one has)."""
    sync_catalog(con, catalog, settings.config.targets)
    sync_units(con, unit_rows(settings.config.units))


# the baseline: today's shape, one file per schema area (meta first: it holds the upgrade ledger)
BASELINE = ("meta", "ref", "raw_staging", "pull", "mart_store", "delivery")
UPGRADES_DIR = SQL_DIR / "schema" / "upgrades"


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Bring the schema up to date; returns what was applied (safe to re-run).

    A new warehouse gets the baseline (sql/schema/<area>.sql) and every upgrade recorded as applied;
    one made before gets the upgrades (sql/schema/upgrades/NNN_*.sql) it lacks, in order.
    """
    upgrades = sorted(UPGRADES_DIR.glob("*.sql"))
    new = not con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'meta' and table_name = 'migrations'").fetchone()[0]
    if new:
        _in_transaction(con, [load_sql(f"schema/{area}") for area in BASELINE], [p.name for p in upgrades])
        return [f"{area}.sql" for area in BASELINE]
    done = {row[0] for row in con.execute("select name from meta.migrations").fetchall()}
    applied = []
    for path in upgrades:
        if path.name not in done:
            _in_transaction(con, [path.read_text(encoding="utf-8")], [path.name])
            applied.append(path.name)
    return applied


def _in_transaction(con: duckdb.DuckDBPyConnection, scripts: list[str], upgrade_names: list[str]) -> None:
    """Run the scripts and record the upgrades as applied, all or nothing."""
    con.execute("begin transaction")
    try:
        for script in scripts:
            con.execute(script)
        for name in upgrade_names:
            con.execute("insert into meta.migrations (name) values (?)", [name])
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def _insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple]) -> None:
    """Insert rows as one columnar statement (executemany binds row by row)."""
    columns = {f"c{i}": pa.array([r[i] for r in rows]) for i in range(len(rows[0]))}
    con.register("_sync_rows", pa.table(columns))
    try:
        con.execute(f"insert into {table} select * from _sync_rows")
    finally:
        con.unregister("_sync_rows")


def sync_catalog(con: duckdb.DuckDBPyConnection, catalog: Catalog, targets: tuple[Target, ...] | None = None) -> None:
    """Replace the `ref` tables with the catalog, in one transaction (the YAML is the source of truth).

    `targets` (Config.targets) replace ref.targets too; None leaves ref.targets as it is
    (a stage that does not read targets need not load config/targets.yaml).
    """
    if targets is not None:
        _sync_rows(con, "meta.ref_targets_sync", (("ref.targets", [t.row() for t in targets]),))
        _sync_rows(con, "meta.ref_target_revisions_sync",
                   (("ref.target_revisions", [row for t in targets for row in t.revision_rows()]),))
    places = [(p.code, p.name, p.short_name, p.division_code, p.parent, p.level) for p in catalog.places]
    aliases = sorted({(name, code) for name, code in catalog.alias_map().items()})
    groups = [(g.code, g.name, g.label, g.first_tier_size, g.scoring.method, g.scoring.default_weight, i,
               g.min_coverage) for i, g in enumerate(catalog.groups)]
    members = [(g.code, m.place, m.valid_from, m.valid_to) for g in catalog.groups for m in catalog.memberships(g)]
    weights = [(g.code, ind, w) for g in catalog.groups for ind, w in g.scoring.weights.items()]
    indicators = [(i.code, i.name, i.unit, i.kind, i.basis, i.direction, i.frequency, i.calendar, i.is_key, n)
                  for n, i in enumerate(catalog.indicators)]
    benchmarks = []
    for b in catalog.benchmarks:
        if b.learn_from:
            benchmarks.append((b.focus, b.learn_from, "learn_from", b.learn_from_group))
        if b.overtake:
            benchmarks.append((b.focus, b.overtake, "overtake", b.overtake_group))
    calendar = calendar_rows(*catalog.calendar_years)
    tables = (
        ("ref.places", places), ("ref.place_aliases", aliases), ("ref.groups", groups),
        ("ref.group_members", members), ("ref.group_weights", weights), ("ref.indicators", indicators),
        ("ref.benchmarks", benchmarks), ("ref.calendar", calendar),
    )
    # A run mirrors the same catalog once per stage; unchanged tables are not rewritten (nor written
    # out again at the next checkpoint). The key covers every row written and the upgrades applied (an
    # upgrade that recreates a ref table empties it), so only sync_catalog may write ref
    # (docs/DATA_CONTRACT.md: the YAML is the source of truth).
    _sync_rows(con, "meta.ref_sync", tables)


def sync_units(con: duckdb.DuckDBPyConnection, rows: list[tuple]) -> None:
    """Replace ref.unit_indicators with config/units.yaml's rows (flows.config.units.unit_rows)."""
    _sync_rows(con, "meta.ref_units_sync", (("ref.unit_indicators", rows),))


def _sync_rows(con: duckdb.DuckDBPyConnection, key_table: str, tables: tuple) -> None:
    """Rewrite the tables with the rows, in one transaction, unless key_table says they hold them already."""
    applied = con.execute("select string_agg(name, ',' order by name) from meta.migrations").fetchall()[0][0]
    fingerprint = sha256(repr((applied, tables)).encode("utf-8")).hexdigest()
    stored = con.execute(f"select fingerprint from {key_table}").fetchall()
    if stored == [(fingerprint,)]:
        return
    con.execute("begin transaction")
    try:
        for table, rows in tables:
            con.execute(f"delete from {table}")
            if rows:
                _insert_rows(con, table, rows)
        con.execute(f"delete from {key_table}")
        con.execute(f"insert into {key_table} values (?)", [fingerprint])
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
