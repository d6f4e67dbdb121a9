"""Plausibility limits (docs/RULES.md, "Ingest checks"): values no county can have are flagged (kept, never ranked) or rejected.

Per indicator (config/indicators.yaml, defaults in flows/config/catalog.py: Indicator):
- growth within `plausible_growth_pct` (default -100 .. 1000 %);
- a level within `plausible_min` .. `plausible_max` when set, and never beyond +-1e15 in any unit;
- a level at most `plausible_history_factor` (default 100) times the place's own largest magnitude of
  the indicator: in earlier loads (not flagged) and in the rest of this file. A place without history
  is held to the fixed limits only.
`implausible: flag` (default) loads the value with quality_flag 'implausible' and a warning;
`implausible: reject` rejects the file with an error. Both name the row and the column.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from flows.config.catalog import Catalog
from flows.ingest.model import Message, error, warning
from flows.ingest.normalise import Obs

MAX_ABS = 1e15  # no statistic in any unit comes near this; 1e308 typed into a cell does
FLAG = "implausible"
_NONE = (0.0, 0.0)  # no other value of the key in the file

_STORED_MAXIMA = """
    select place_code, indicator_code, max(abs(value))
    from staging.observations
    where value is not null and quality_flag is null
    group by all
"""


class LevelHistory:
    """(place, indicator) -> largest plausible magnitude loaded so far: the warehouse's, read once per run
    (one aggregate), then kept up to date from the files this run loads."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.largest: dict[tuple[str, str], float] = {
            (place, ind): top for place, ind, top in con.execute(_STORED_MAXIMA).fetchall()}

    def remember(self, rows: list[Obs]) -> None:
        largest = self.largest
        for r in rows:
            if r.value is not None and r.quality_flag is None:
                key = (r.place_code, r.indicator_code)
                magnitude = abs(r.value)
                if magnitude > largest.get(key, 0.0):
                    largest[key] = magnitude


@dataclass
class Checked:
    rows: list[Obs]
    messages: list[Message] = field(default_factory=list)


def check(rows: list[Obs], catalog: Catalog, history: LevelHistory, names: dict[str, str],
          sheet: str | None, one_period: bool = False) -> Checked:
    """The rows with implausible ones flagged, and a message per implausible cell (in row order).
    `one_period`: the file has a single period, so each place x indicator appears once and the rest of
    the file holds nothing of its history (wide tables: no pass over the file is needed)."""
    indicators = {i.code: i for i in catalog.indicators}
    # ~100,000 rows a demo inbox: one cheap test per row, the full reasoning only for rows that fail it
    quick = {i.code: (*i.plausible_growth_pct, i.plausible_min is None and i.plausible_max is None,
                      i.plausible_history_factor) for i in catalog.indicators}
    largest = history.largest
    top: dict | None = {} if one_period else None  # built when a row needs "the rest of the file"
    out = Checked(rows=[])
    keep = out.rows.append
    for r in rows:
        low, high, no_bounds, factor = quick[r.indicator_code]
        growth, value = r.growth_pct, r.value
        if growth is None or low <= growth <= high:
            if value is None:
                keep(r)
                continue
            if no_bounds and -MAX_ABS <= value <= MAX_ABS:
                if factor is None:
                    keep(r)
                    continue
                key = (r.place_code, r.indicator_code)
                usual = largest.get(key, 0.0)
                if usual and abs(value) <= factor * usual:
                    keep(r)  # the place's history settles it (every file after a place's first)
                    continue
                if top is None:
                    top = _two_largest(rows)
                # the second-largest magnitude in the file is a lower bound of "the rest of the file"
                usual = max(usual, top.get(key, _NONE)[1])
                if usual == 0.0 or abs(value) <= factor * usual:
                    keep(r)
                    continue
        ind = indicators[r.indicator_code]
        problems = []  # (column, why)
        if growth is not None and not low <= growth <= high:
            problems.append((r.growth_column, f"growth {growth:g}% is outside the plausible {low:g}% .. {high:g}%"))
        if value is not None and top is None:
            top = _two_largest(rows)
        why = _level_problem(r, ind, top, history) if value is not None else None
        if why:
            problems.append((r.value_column, why))
        if not problems:
            keep(r)
            continue
        what = f"{names.get(r.place_code, r.place_code)} / {ind.name} / {r.period:%Y-%m}"
        for column, why in problems:
            if ind.implausible == "reject":
                out.messages.append(error("implausible_value", f"{what}: {why}; fix the cell (indicators.yaml "
                                          f"sets {ind.code} to reject implausible values)", sheet=r.sheet or sheet,
                                          row=r.row_number, column=column))
            else:
                out.messages.append(warning("implausible_value", f"{what}: {why}; loaded but flagged implausible "
                                            "and left unranked: check the digits and the unit", sheet=r.sheet or sheet,
                                            row=r.row_number, column=column))
        keep(r._replace(quality_flag=FLAG))
    return out


def _two_largest(rows: list[Obs]) -> dict[tuple[str, str], list[float]]:
    """The two largest magnitudes per place x indicator in the file."""
    top: dict[tuple[str, str], list[float]] = {}
    for r in rows:
        value = r.value
        if value is not None:
            key = (r.place_code, r.indicator_code)
            m = value if value >= 0 else -value
            pair = top.get(key)
            if pair is None:
                top[key] = [m, 0.0]
            elif m > pair[0]:
                pair[1], pair[0] = pair[0], m
            elif m > pair[1]:
                pair[1] = m
    return top


def _level_problem(r: Obs, ind, top: dict, history: LevelHistory) -> str | None:
    value, magnitude = r.value, abs(r.value)
    if magnitude > MAX_ABS:
        return f"value {value:g} is beyond +-{MAX_ABS:g}, which no statistic reaches"
    if ind.plausible_min is not None and value < ind.plausible_min:
        return f"value {value:g} is below the plausible minimum {ind.plausible_min:g} {ind.unit}"
    if ind.plausible_max is not None and value > ind.plausible_max:
        return f"value {value:g} is above the plausible maximum {ind.plausible_max:g} {ind.unit}"
    factor = ind.plausible_history_factor
    if factor is None:
        return None
    key = (r.place_code, r.indicator_code)
    first, second = top.get(key, _NONE)
    rest_of_file = second if magnitude == first else first
    usual = max(history.largest.get(key, 0.0), rest_of_file)
    if usual > 0 and magnitude > factor * usual:
        return (f"value {value:g} is more than {factor:g} times the place's largest other value of the "
                f"indicator ({usual:g} {ind.unit})")
    return None
