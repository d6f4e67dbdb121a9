"""Plausibility limits (docs/RULES.md, 11): values no county can have are flagged (kept, never ranked) or rejected.

Per indicator (config/indicators.yaml, defaults in flows/catalog.py: Indicator):
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

from flows.catalog import Catalog
from flows.ingest.model import Message, error, warning
from flows.ingest.normalise import Obs

MAX_ABS = 1e15  # no statistic in any unit comes near this; 1e308 typed into a cell does
FLAG = "implausible"

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
          sheet: str | None) -> Checked:
    """The rows with implausible ones flagged, and a message per implausible cell (in row order)."""
    indicators = {i.code: i for i in catalog.indicators}
    # the two largest magnitudes per key in this file: "the rest of the file" for any one cell
    top: dict[tuple[str, str], list[float]] = {}
    for r in rows:
        if r.value is not None:
            pair = top.setdefault((r.place_code, r.indicator_code), [0.0, 0.0])
            m = abs(r.value)
            if m > pair[0]:
                pair[1], pair[0] = pair[0], m
            elif m > pair[1]:
                pair[1] = m
    out = Checked(rows=[])
    for r in rows:
        ind = indicators[r.indicator_code]
        problems = []  # (column, why)
        low, high = ind.plausible_growth_pct
        if r.growth_pct is not None and not low <= r.growth_pct <= high:
            problems.append((r.growth_column, f"growth {r.growth_pct:g}% is outside the plausible "
                             f"{low:g}% .. {high:g}%"))
        if r.value is not None:
            why = _level_problem(r, ind, top, history)
            if why:
                problems.append((r.value_column, why))
        if not problems:
            out.rows.append(r)
            continue
        place = names.get(r.place_code, r.place_code)
        for column, why in problems:
            what = f"{place} / {ind.name} / {r.period:%Y-%m}: {why}"
            if ind.implausible == "reject":
                out.messages.append(error("implausible_value", f"{what}; fix the cell (indicators.yaml sets "
                                          f"{ind.code} to reject implausible values)", sheet=sheet,
                                          row=r.row_number, column=column))
            else:
                out.messages.append(warning("implausible_value", f"{what}; loaded but flagged implausible and "
                                            "left unranked: check the digits and the unit", sheet=sheet,
                                            row=r.row_number, column=column))
        out.rows.append(r._replace(quality_flag=FLAG))
    return out


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
    first, second = top[key]
    rest_of_file = second if magnitude == first else first
    usual = max(history.largest.get(key, 0.0), rest_of_file)
    if usual > 0 and magnitude > factor * usual:
        return (f"value {value:g} is more than {factor:g} times the place's largest other value of the "
                f"indicator ({usual:g} {ind.unit})")
    return None
