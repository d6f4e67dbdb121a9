"""Clean the records a layout found into observation rows: resolve names, parse numbers, convert units.

Every cell that cannot be used becomes an error naming its row and column; the file is then
rejected as a whole, so a half-read table never reaches staging.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

import pyarrow as pa

from flows.config.catalog import Catalog
from flows.ingest.layouts import Layout
from flows.ingest.model import Message, Record, error
from flows.ingest.resolve import PlaceResolver
from flows.ingest.sources import SourceOptions
from flows.ingest.values import NotANumber, parse_number, raw_text, unit_factor

OBSERVATION_SCHEMA = pa.schema([
    ("place_code", pa.string()), ("indicator_code", pa.string()), ("period", pa.date32()),
    ("value", pa.float64()), ("growth_pct", pa.float64()), ("published_rank", pa.int32()), ("is_total", pa.bool_()),
    ("sheet", pa.string()), ("row_number", pa.int32()), ("value_column", pa.string()),
    ("growth_column", pa.string()), ("raw_value", pa.string()), ("raw_growth", pa.string()),
    ("is_preliminary", pa.bool_()), ("quality_flag", pa.string()), ("rank_group_code", pa.string()),
])


class Obs(NamedTuple):
    """One clean observation row, in OBSERVATION_SCHEMA's order."""

    place_code: str
    indicator_code: str
    period: date
    value: float | None
    growth_pct: float | None
    published_rank: int | None
    is_total: bool
    sheet: str | None
    row_number: int
    value_column: str | None
    growth_column: str | None
    raw_value: str | None
    raw_growth: str | None
    is_preliminary: bool = False
    quality_flag: str | None = None  # 'implausible' (plausibility.py) or None
    rank_group_code: str | None = None  # the group its published_rank ranks within (rank_groups.py)


@dataclass
class Cleaned:
    rows: list[Obs] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    n_totals: int = 0

    def table(self) -> pa.Table:
        """The rows as an Arrow table (DuckDB scans it directly; no per-row inserts)."""
        columns = list(zip(*self.rows, strict=True)) if self.rows else [()] * len(OBSERVATION_SCHEMA)
        return pa.table([pa.array(col, type=f.type) for col, f in zip(columns, OBSERVATION_SCHEMA, strict=True)],
                        schema=OBSERVATION_SCHEMA)


def clean(layout: Layout, src: SourceOptions, catalog: Catalog, places: PlaceResolver,
          sheet: str | None) -> Cleaned:
    out = Cleaned()
    units = {i.code: i.unit for i in catalog.indicators}
    factors: dict[tuple, float | None] = {}
    seen: dict[tuple, int] = {}
    bad_place_rows: set[int] = set()
    codes: dict[str, str | None] = {}  # a file repeats each place name once per indicator
    for rec in layout.records:
        name = rec.place_text
        if name in codes:
            code = codes[name]
        else:
            code = codes[name] = places.code(name) if name else None
        if code is None:
            if rec.row not in bad_place_rows:
                bad_place_rows.add(rec.row)
                text = places.unknown_message(rec.place_text) if rec.place_text else \
                    "the row has values but no place name; fill in the place or delete the row"
                out.messages.append(error("unknown_place", text, sheet=rec.sheet or sheet, row=rec.row))
            # still check its cells, so the errors file lists every problem in one go
            _observation(rec, "", False, src, units, factors, rec.sheet or sheet, out.messages)
            continue
        key = (code, rec.indicator_code, rec.period)
        if key in seen:
            if seen[key] != (rec.sheet, rec.row):
                out.messages.append(error(
                    "duplicate_observation", f"{rec.place_text} / {rec.indicator_code} / {rec.period:%Y-%m} appears "
                    f"twice in the file ({_rows(seen[key], (rec.sheet, rec.row))}); keep one",
                    sheet=rec.sheet or sheet, row=rec.row))
            continue
        seen[key] = (rec.sheet, rec.row)
        row = _observation(rec, code, False, src, units, factors, rec.sheet or sheet, out.messages)
        if row is not None:
            out.rows.append(row)
    county_codes = {r[0] for r in out.rows}
    for rec in layout.totals:
        code = places.total_code(rec.place_text, county_codes, src.total_place)
        if code is None or (code, rec.indicator_code, rec.period) in seen:
            continue  # a total the catalog has no place for is dropped (see DATA_CONTRACT.md)
        seen[(code, rec.indicator_code, rec.period)] = (rec.sheet, rec.row)
        row = _observation(rec, code, True, src, units, factors, rec.sheet or sheet, out.messages)
        if row is not None:
            out.rows.append(row)
            out.n_totals += 1
    return out


def _rows(first: tuple, second: tuple) -> str:
    """'rows 5 and 9', or 'page 3 row 5 and page 4 row 5' when a file's tables sit on several pages (PDF, HTML)."""
    if first[0] == second[0]:
        return f"rows {first[1]} and {second[1]}"
    return f"{first[0]} row {first[1]} and {second[0]} row {second[1]}"


def _number(cell, rec: Record, sheet: str | None, messages: list[Message]) -> tuple[float | None, bool]:
    """(number, True), or (None, False) after noting why the cell is not a number."""
    try:
        return parse_number(cell.text), True
    except NotANumber as exc:
        messages.append(error("not_numeric", f"{exc}", sheet=sheet, row=rec.row, column=cell.column))
        return None, False


def _observation(rec: Record, code: str, is_total: bool, src: SourceOptions, units: dict, factors: dict,
                 sheet: str | None, messages: list[Message]) -> Obs | None:
    # value, growth, rank in that order, so a row's messages keep their order (called ~100,000 times a run)
    value_cell, growth_cell, rank_cell = rec.value, rec.growth, rec.rank
    value = growth = rank = None
    ok = ok_growth = ok_rank = True
    if value_cell is not None:
        value, ok = _number(value_cell, rec, sheet, messages)
    if growth_cell is not None:
        growth, ok_growth = _number(growth_cell, rec, sheet, messages)
    if rank_cell is not None:
        rank, ok_rank = _number(rank_cell, rec, sheet, messages)
    ok = ok and ok_growth and ok_rank
    if rank is not None and (rank != int(rank) or rank < 1):
        messages.append(error("not_numeric", f"rank {rank_cell.text!r} is not a whole number >= 1",
                              sheet=sheet, row=rec.row, column=rank_cell.column))
        ok = False
    if value is not None:
        fkey = (rec.unit, rec.indicator_code, value_cell.column)
        if fkey not in factors:
            try:
                factors[fkey] = unit_factor(rec.unit, units[rec.indicator_code]) * src.unit_scale.get(rec.indicator_code, 1.0)
            except ValueError as exc:
                factors[fkey] = None
                messages.append(error("bad_unit", f"{exc}; fix the header or 'units' in sources.yaml",
                                      sheet=sheet, row=rec.row, column=value_cell.column))
        if factors[fkey] is None:
            return None
        value = value * factors[fkey]
        if not math.isfinite(value):  # a huge number times a unit factor overflows; never store inf
            messages.append(error("not_numeric", f"{value_cell.text!r} in {rec.unit or 'the indicator unit'} "
                                  "is not a finite number once converted", sheet=sheet, row=rec.row,
                                  column=value_cell.column))
            return None
    if not ok:
        return None
    return Obs(code, rec.indicator_code, rec.period, value, growth,
               int(rank) if rank is not None and not is_total else None, is_total, sheet, rec.row,
               value_cell.column if value_cell else None, growth_cell.column if growth_cell else None,
               raw_text(value_cell.text) if value_cell else None, raw_text(growth_cell.text) if growth_cell else None,
               rec.is_preliminary)
