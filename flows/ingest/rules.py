"""Warning rules: a file loads, but these facts are kept with it in raw.file_messages.

- growth outside +-limit (default 100%): usually a unit or base-period mistake;
- a published rank (位次) that disagrees with the order of the file's own data;
- a year-to-date value lower than the previous period's of the same year (needs the warehouse);
- a place the source's previous file had but this one lacks (needs the warehouse);
- an indicator the source's previous file had but this one lacks (the previous files' indicators are
  read once per run, flows/ingest/load.py).
The rules that need the warehouse are SQL (sql/staging/), the others Python: each is written once.
Reject rules live where the problem is found (readers, layouts, normalise).
"""

from __future__ import annotations

from collections import defaultdict

import duckdb

from flows.config.catalog import Catalog
from flows.core.periods import expected_months
from flows.ingest.model import Message, warning
from flows.ingest.normalise import Obs
from flows.ingest.rank_groups import GroupMembers
from flows.warehouse.db import load_sql


def growth_out_of_range(rows: list[Obs], limit: float, sheet: str | None) -> list[Message]:
    """Growth rates beyond +-limit percent, one warning per cell."""
    return [warning("growth_out_of_range", f"{r.place_code} / {r.indicator_code} / {r.period:%Y-%m}: growth "
                    f"{r.growth_pct:g}% is outside +-{limit:g}%; check the unit and the base period",
                    sheet=r.sheet or sheet, row=r.row_number, column=r.growth_column)
            for r in rows if r.growth_pct is not None and abs(r.growth_pct) > limit]


def rank_disagreements(rows: list[Obs], catalog: Catalog, sheet: str | None, group: str | None = None,
                       members: GroupMembers | None = None) -> list[Message]:
    """Published ranks that differ from the rank the file's own counties get on the indicator's basis.

    Judged only where the file covers the whole group its 位次 were published for (`group`, rank_groups.py):
    8 of 26 counties ranked among the 8 say nothing about their 位次 among the 26."""
    if group is None or members is None:
        return []
    printed = {(r.indicator_code, r.period) for r in rows if r.published_rank is not None and not r.is_total}
    here: dict[tuple, set[str]] = defaultdict(set)  # the places the file holds for each ranked key
    for r in rows:
        if not r.is_total and (r.indicator_code, r.period) in printed:
            here[(r.indicator_code, r.period)].add(r.place_code)
    # the group's members on each key the file covers whole (only there can its 位次 be checked)
    inside = {key: m for key, places in here.items() if (m := members.members(group, key[1])) and m <= places}
    groups: dict[tuple, list[Obs]] = defaultdict(list)
    for r in rows:
        if not r.is_total and r.place_code in inside.get((r.indicator_code, r.period), ()):
            groups[(r.indicator_code, r.period)].append(r)
    out = []
    for (code, _), ranked in groups.items():
        ind = catalog.indicator(code)
        by_growth = ind.basis == "growth"
        sign = 1 if ind.direction == "higher" else -1
        metric = {id(r): (r.growth_pct if by_growth else r.value) for r in ranked}
        scores = [sign * m for m in metric.values() if m is not None]
        for r in ranked:
            own = metric[id(r)]
            if r.published_rank is None or own is None:
                continue
            # min rank with ties, as bureaus print it: 1 + counties strictly better
            rank = 1 + sum(1 for other in scores if other > sign * own)
            if rank != r.published_rank:
                out.append(warning(
                    "rank_disagrees", f"{r.place_code} / {ind.name}: published rank {r.published_rank} but the "
                    f"file's data ranks it {rank} of {len(scores)} by {ind.basis}", sheet=r.sheet or sheet,
                    row=r.row_number,
                    column=r.growth_column if by_growth else r.value_column))
    return sorted(out, key=lambda m: (m.row or 0))


def ytd_decreases(con: duckdb.DuckDBPyConnection, sheet: str | None) -> list[Message]:
    """Year-to-date values below the previous period's of the same year (reads the `incoming` view)."""
    rows = con.execute(load_sql("staging/ytd_decreases")).fetchall()
    return [warning("ytd_decreased", f"{place} / {ind} / {period:%Y-%m}: year-to-date value {value:g} is lower than "
                    f"{prev:g} for {prev_period:%Y-%m}; a year-to-date total cannot fall - check the figure",
                    sheet=sheet, row=row, column=column)
            for place, ind, period, value, prev_period, prev, row, column in rows]


def missing_places(con: duckdb.DuckDBPyConnection, source_code: str, sheet: str | None) -> list[Message]:
    """Places in the source's previous loaded file that this file (the `incoming` view) lacks."""
    rows = con.execute(load_sql("staging/missing_places"), {"source_code": source_code}).fetchall()
    return [warning("place_missing", f"{name} ({place}) was in this source's previous file {prev_file} "
                    "but is missing here; check whether the table was cut short", sheet=sheet)
            for place, name, prev_file in rows]


def missing_indicators(rows: list[Obs], previous_file: tuple[str, frozenset[str]] | None, catalog: Catalog,
                       sheet: str | None) -> list[Message]:
    """Indicators of the source's previous loaded file that this file lacks, when the indicator's calendar
    publishes one of this file's periods (a quarterly block is not missing from a non-quarter month)."""
    if previous_file is None:
        return []
    file_name, before = previous_file
    here = {r.indicator_code for r in rows}
    periods = {r.period for r in rows}
    out = []
    for ind in catalog.indicators:  # catalog order: the order tables list indicators in
        if ind.code in before and ind.code not in here and any(
                p.month in expected_months(ind.calendar) for p in periods):
            out.append(warning("indicator_missing", f"{ind.name} ({ind.code}) was in this source's previous file "
                               f"{file_name} but is missing here; check whether the table lost a block of columns "
                               "or the publisher dropped the indicator", sheet=sheet))
    return out
