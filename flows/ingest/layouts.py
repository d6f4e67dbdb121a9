"""Turn a grid into tidy records (place x indicator x period) with their sheet/row/column provenance.

Two layouts, as docs/DATA_CONTRACT.md describes them: `wide` (bureau tables: title, two header
rows, one row per place) and `long` (one row per place x indicator x period). Values stay raw
here; cleaning happens in normalise.py so both layouts share one set of rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from flows.core.periods import PeriodError, parse_period
from flows.ingest import headers
from flows.ingest.model import Cell, Message, Record, error, warning
from flows.ingest.periods_in_files import (
    PeriodConflict,
    calendar_problem,
    check_agree,
    file_name_reading,
    file_period,
    period_cell,
)
from flows.ingest.readers import Grid
from flows.ingest.resolve import IndicatorResolver, normalise_name
from flows.ingest.sources import SourceOptions
from flows.ingest.values import clean_text, preliminary_flag, unit_in_header

HEADER_SEARCH_ROWS = 30


@dataclass
class Layout:
    """What a layout read: records for counties and for total rows, plus every problem found."""

    records: list[Record] = field(default_factory=list)
    totals: list[Record] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    n_rows: int = 0
    periods: dict = field(default_factory=dict)  # period date -> (row, column) it was first read from


def _cell(row: list, i: int):
    return row[i] if i < len(row) else None


def _blank(row: list) -> bool:
    return all(clean_text(c) == "" for c in row)


def read_wide(grid: Grid, src: SourceOptions, file_name: str, indicators: IndicatorResolver,
              is_total) -> Layout:
    out = Layout()
    rows, sheet = grid.rows, grid.sheet
    headers = {normalise_name(h) for h in src.place_headers}
    found = next(((r, c) for r, row in enumerate(rows[:HEADER_SEARCH_ROWS]) for c, v in enumerate(row)
                  if normalise_name(v) in headers), None)
    if found is None:
        out.messages.append(error("missing_columns", f"no header row found: none of the first {HEADER_SEARCH_ROWS} "
                                  f"rows has a place column ({' / '.join(src.place_headers[:3])}); check the sheet "
                                  "or add the header to place_headers in sources.yaml", sheet=sheet))
        return out
    head, place_col = found
    title = " ".join(clean_text(v) for row in rows[:head] for v in row if clean_text(v))
    try:
        period = file_period(title, file_name, src)
    except PeriodError as exc:
        out.messages.append(error(_period_code(exc), str(exc), sheet=sheet, row=grid.row_number(0)))
        return out
    out.periods[period.date] = (grid.row_number(0), None)
    columns = _wide_columns(grid, head, place_col, src, indicators, out.messages)
    if not columns:
        if not any(m.code == "unknown_indicator" for m in out.messages):
            out.messages.append(error("missing_columns", "no indicator columns: the row below the header must name "
                                      "the measures (本年累计 / 增长(%) / 位次) under each indicator",
                                      sheet=sheet, row=grid.row_number(head + 1)))
        else:
            out.messages.append(error("missing_columns", "no known indicator in the header", sheet=sheet,
                                      row=grid.row_number(head)))
        return out
    for ind, _ in columns.values():
        problem = calendar_problem(period, ind.calendar)
        if problem:
            out.messages.append(error("bad_period", f"{ind.name}: {problem}", sheet=sheet, row=grid.row_number(0)))
    if any(m.code == "bad_period" for m in out.messages):
        return out
    # per indicator: (code, unit of its value column, (column, label) of value / growth / rank or None);
    # ~100,000 records per demo inbox, so the row loop only indexes and constructs
    spans = [(ind.code, measures["value"][2] if "value" in measures else None,
              *(measures[m][:2] if m in measures else None for m in ("value", "growth", "rank")))
             for ind, measures in columns.values()]
    day = period.date
    end = len(rows)
    for r in range(head + 2, len(rows)):
        row = rows[r]
        place = clean_text(_cell(row, place_col))
        if _blank(row) or place.startswith("注"):
            end = r
            break  # the table ends at the first blank row or note
        out.n_rows += 1
        append = (out.totals if place and is_total(place) else out.records).append
        rownum, width = grid.row_number(r), len(row)
        for code, unit, value, growth, rank in spans:
            append(Record(place, code, day, rownum,
                          None if value is None else Cell(row[value[0]] if value[0] < width else None, value[1]),
                          None if growth is None else Cell(row[growth[0]] if growth[0] < width else None, growth[1]),
                          None if rank is None else Cell(row[rank[0]] if rank[0] < width else None, rank[1]),
                          unit))
    notes = " ".join(clean_text(v) for row in rows[end:] for v in row)
    if any(clean_text(w) in title or clean_text(w) in notes for w in src.preliminary_words):
        for rec in (*out.records, *out.totals):
            rec.is_preliminary = True
    return out


def _period_code(exc: PeriodError) -> str:
    return "period_disagrees" if isinstance(exc, PeriodConflict) else "bad_period"


def _wide_columns(grid, head, place_col, src, indicators, messages) -> dict:
    """indicator code -> (indicator, {measure: (column index, column label, unit)})."""
    row_a = grid.rows[head]
    row_b = grid.rows[head + 1] if head + 1 < len(grid.rows) else []
    columns: dict = {}
    current, current_text = None, None
    reported: set[str] = set()
    for c in range(max(len(row_a), len(row_b))):
        if c == place_col:
            continue
        a_text = clean_text(_cell(row_a, c))
        if a_text:  # a new indicator span starts (merged cells keep their text in the first column)
            current_text = str(_cell(row_a, c))
            current = indicators.find(current_text)
            if current is None and a_text not in reported:
                reported.add(a_text)
                messages.append(warning("unknown_indicator", indicators.unknown_message(current_text),
                                        sheet=grid.sheet, row=grid.row_number(head),
                                        column=grid.column_letter(c)))
        if current is None:
            continue
        b_raw = _cell(row_b, c)
        label = f"{grid.column_letter(c)} ({normalise_name(current_text)} {normalise_name(b_raw)})".replace(" )", ")")
        measure = headers.classify(b_raw, current.unit, indicators.units)
        if measure is None:
            if clean_text(b_raw):  # a sub-header we cannot read: say so, never skip it in silence
                messages.append(warning("unknown_measure", f"column {label}: the sub-header {str(b_raw)!r} is not a "
                                        "level (本年累计/累计/绝对额/本月), a growth rate (增长%/±%/增速) or a 位次, "
                                        "so the column is not read; rename it or tell us the wording",
                                        sheet=grid.sheet, row=grid.row_number(head + 1), column=label))
            continue
        entry = columns.setdefault(current.code, (current, {}))
        kept = entry[1].get(measure.kind)
        if kept is not None:
            if not headers.preferred(measure, kept[3], current.kind):
                messages.append(_unused(grid, head, label, kept[1]))
                continue
            messages.append(_unused(grid, head, kept[1], label))
        unit = headers.header_unit(b_raw, indicators.units) or unit_in_header(current_text, indicators.units) \
            or src.units.get(current.code) or src.unit
        entry[1][measure.kind] = (c, label, unit, measure)
    for ind, measures in columns.values():
        for kind, (_, label, _, measure) in list(measures.items()):
            if measure.scope == "month" and ind.kind == "ytd":  # 本月 is no year-to-date figure
                del measures[kind]
                messages.append(warning("column_unused", f"column {label} holds the month's own figure, but "
                                        f"{ind.name} is kept year to date; it is not read: add the 本年累计 column, "
                                        "or set the indicator's kind to monthly", sheet=grid.sheet,
                                        row=grid.row_number(head + 1), column=label))
    return {k: v for k, v in columns.items() if "value" in v[1] or "growth" in v[1]}


def _unused(grid, head, label, kept_label):
    return warning("column_unused", f"column {label} holds the same measure as column {kept_label}, which is the "
                   "one read; delete the column or tell us which one to read", sheet=grid.sheet,
                   row=grid.row_number(head + 1), column=label)


def read_long(grid: Grid, src: SourceOptions, file_name: str, indicators: IndicatorResolver,
              is_total) -> Layout:
    out = Layout()
    rows, sheet = grid.rows, grid.sheet
    head = next((i for i, row in enumerate(rows) if not _blank(row)), None)
    if head is None:
        out.messages.append(error("empty_file", "the file has no rows", sheet=sheet))
        return out
    index = {normalise_name(h): i for i, h in enumerate(rows[head]) if clean_text(h)}
    cols = src.columns
    want = {"place": cols.place}
    if cols.indicator and not src.indicator and not src.value_columns:
        want["indicator"] = cols.indicator
    if cols.period:
        want["period"] = cols.period
    for key in ("value", "growth", "rank", "unit"):
        if getattr(cols, key) and not (src.value_columns and key == "value"):
            want[key] = getattr(cols, key)
    if src.preliminary_column:
        want["preliminary"] = src.preliminary_column
    where = {key: index.get(normalise_name(name)) for key, name in want.items()}
    value_cols = {index.get(normalise_name(name)): code for name, code in src.value_columns.items()}
    missing = [want[k] for k, v in where.items() if v is None and k in ("place", "indicator", "period", "preliminary")]
    missing += [name for name in src.value_columns if index.get(normalise_name(name)) is None]
    if not src.value_columns and where.get("value") is None and where.get("growth") is None:
        missing.append(cols.value or cols.growth or "value")
    if missing:
        found = ", ".join(str(h) for h in rows[head] if clean_text(h))
        out.messages.append(error("missing_columns", f"required columns missing: {', '.join(missing)} "
                                  f"(the header row has: {found})", sheet=sheet, row=grid.row_number(head)))
        return out
    fixed_period = None
    if where.get("period") is None:
        try:
            fixed_period = file_period("", file_name, src)
        except PeriodError as exc:
            out.messages.append(error(_period_code(exc), str(exc), sheet=sheet))
            return out
    fixed_indicator = indicators.find(src.indicator) if src.indicator else None
    if src.indicator and fixed_indicator is None:
        out.messages.append(error("unknown_indicator", indicators.unknown_message(src.indicator)))
        return out
    period_of = lru_cache(maxsize=4096)(lambda text: period_cell(text, src.annual == "1-12月"))
    label = {k: f"{grid.column_letter(i)} ({want[k]})" for k, i in where.items() if i is not None}
    value_labels = {i: f"{grid.column_letter(i)} ({rows[head][i]})" for i in value_cols}
    unknown: set[str] = set()
    p_col, i_col, q_col = where.get("period"), where.get("indicator"), where.get("preliminary")
    for r in range(head + 1, len(rows)):
        row = rows[r]
        if _blank(row):
            continue
        out.n_rows += 1
        rownum = grid.row_number(r)
        place = clean_text(_cell(row, where["place"]))
        period = fixed_period
        if p_col is not None:
            try:
                period = period_of(clean_text(_cell(row, p_col)))
            except PeriodError as exc:
                out.messages.append(error("bad_period", str(exc), sheet=sheet, row=rownum, column=label["period"]))
                continue
        out.periods.setdefault(period.date, (rownum, label.get("period")))
        preliminary = False
        if q_col is not None:
            preliminary = preliminary_flag(_cell(row, q_col))
            if preliminary is None:
                out.messages.append(error("bad_flag", f"{_cell(row, q_col)!r} is not a preliminary flag (true/yes/1/p/"
                                          "快报 or blank/false/no/0/final)", sheet=sheet, row=rownum,
                                          column=label["preliminary"]))
                continue
        targets = out.totals if place and is_total(place) else out.records
        if value_cols:
            for c, code in value_cols.items():
                ind = indicators.find(code)
                problem = calendar_problem(period, ind.calendar)
                if problem:
                    out.messages.append(error("bad_period", f"{ind.name}: {problem}", sheet=sheet, row=rownum,
                                              column=label.get("period")))
                    continue
                targets.append(Record(place, ind.code, period.date, rownum, value=Cell(_cell(row, c), value_labels[c]),
                                      unit=src.units.get(code) or src.unit, is_preliminary=preliminary))
            continue
        ind = fixed_indicator
        if ind is None:
            name = clean_text(_cell(row, i_col))
            ind = indicators.find(name)
            if ind is None:
                if name not in unknown:
                    unknown.add(name)
                    out.messages.append(warning("unknown_indicator", indicators.unknown_message(name), sheet=sheet,
                                                row=rownum, column=label["indicator"]))
                continue
        problem = calendar_problem(period, ind.calendar)
        if problem:
            out.messages.append(error("bad_period", f"{ind.name}: {problem}", sheet=sheet, row=rownum,
                                      column=label.get("period")))
            continue
        rec = Record(place, ind.code, period.date, rownum, is_preliminary=preliminary)
        for key in ("value", "growth", "rank"):
            if where.get(key) is not None:
                setattr(rec, key, Cell(_cell(row, where[key]), label[key]))
        unit_cell = clean_text(_cell(row, where["unit"])) if where.get("unit") is not None else ""
        rec.unit = unit_cell or src.units.get(ind.code) or src.unit
        targets.append(rec)
    named = file_name_reading(file_name, src) if p_col is not None and "filename" in src.period_from else None
    if named and out.periods:
        newest = max(out.periods)
        row, column = out.periods[newest]
        try:  # the file name names the release: the newest period the column carries
            check_agree([(f"period column {column}", f"{newest:%Y-%m} (its newest period, row {row})",
                          parse_period(f"{newest:%Y-%m}")), ("file name", *named)])
        except PeriodConflict as exc:
            out.messages.append(error("period_disagrees", str(exc), sheet=sheet, row=row, column=column))
    return out
