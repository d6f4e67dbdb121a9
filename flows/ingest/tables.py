"""Read the layout of a file that holds several tables (a web page, a PDF): the ones with indicator headers.

A page carries navigation, notes and other tables beside the bureau's table, and a PDF may print
several indicator tables on one page. Each table whose headers match the source is read with the
same layouts as a spreadsheet; its records and messages are then put where the table sits (page
and row of a PDF, table number and row of a web page), so `bipin explain` can point at them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from flows.ingest.layouts import HEADER_SEARCH_ROWS, Layout, read_long, read_wide
from flows.ingest.model import error, warning
from flows.ingest.readers import Grid
from flows.ingest.resolve import IndicatorResolver, normalise_name
from flows.ingest.sources import SourceOptions
from flows.ingest.values import clean_text


@dataclass
class PageGrid(Grid):
    """One table cut out of a page. `where[i]`: (sheet label, row) of grid row i when the table runs over
    several pages; empty when every row sits on `sheet` at its own row number."""

    where: list[tuple[str, int]] = field(default_factory=list)

    def locate(self, row: int | None) -> tuple[str | None, int | None]:
        if row is None or row < 1:
            return self.sheet, None  # a title line above the table, not one of its rows
        if not self.where:
            return self.sheet, row
        index = row - self.first_row
        return self.where[index] if 0 <= index < len(self.where) else (self.sheet, row)


def file_sheet(grids: list[Grid]) -> str | None:
    """The one sheet every row of the file sits on, or None when its tables are on several (pages, tables)."""
    if len(grids) != 1:
        return None
    grid = grids[0]
    where = getattr(grid, "where", None)
    return grid.sheet if not where or all(s == grid.sheet for s, _ in where) else None


def read_layout(grids: list[Grid], medium: str | None, src: SourceOptions, file_name: str,
                indicators: IndicatorResolver, is_total) -> Layout:
    """The records of a file: its one grid as before (medium None), or every indicator table of a web page
    or PDF, put in place."""
    reader = read_wide if src.layout == "wide" else read_long
    if medium is None:
        return reader(grids[0], src, file_name, indicators, is_total)
    out = Layout()
    chosen = [g for g in grids if has_indicator_headers(g, src, indicators)]
    if not chosen:
        out.messages.append(error("missing_columns", _none_found(grids, src, medium)))
        return out
    seen: set[tuple] = set()
    for grid in chosen:
        if src.layout == "long" and grid.first_row < 1:  # a long table's header is its first row, not a title
            titles = 1 - grid.first_row
            grid = replace(grid, rows=grid.rows[titles:], first_row=1, where=grid.where[titles:])
        part = reader(grid, src, file_name, indicators, is_total)
        for rec in (*part.records, *part.totals):
            rec.sheet, rec.row = grid.locate(rec.row)
        out.records += part.records
        out.totals += part.totals
        out.n_rows += part.n_rows
        for day, (row, column) in part.periods.items():
            out.periods.setdefault(day, (grid.locate(row)[1], column))
        for m in part.messages:
            sheet, row = grid.locate(m.row)
            moved = replace(m, sheet=sheet, row=row)
            key = (m.code, m.text, m.column) if m.severity == "warning" else moved
            if key not in seen:  # a header warning once, though a table continued on the next page repeats it
                seen.add(key)
                out.messages.append(moved)
    return out


def choose_sheets(grids: list[Grid], src: SourceOptions, indicators: IndicatorResolver) -> tuple[list[Grid], list]:
    """The one sheet of a workbook to read, and what to say about the others. Hidden sheets are never read
    unless the source names them (one holding a table is named in a warning); of the visible sheets, the one
    holding a table, else the first; several holding tables reject the file unless the source's `sheet` chose."""
    if len(grids) == 1 and (src.sheet is not None or not grids[0].hidden):
        return grids, []
    notes = [warning("hidden_sheet", f"hidden sheet {g.sheet!r} holds a table and was not read; unhide it and delete "
                     "the other table, or set sheet in sources.yaml to read it", sheet=g.sheet)
             for g in grids if g.hidden and has_indicator_headers(g, src, indicators)]
    shown = [g for g in grids if not g.hidden]
    tables = [g for g in shown if has_indicator_headers(g, src, indicators)]
    if len(tables) > 1:
        names = ", ".join(repr(g.sheet) for g in tables)
        return [], [*notes, error("several_tables", f"sheets {names} each hold a table; set sheet in sources.yaml "
                                  f"(source {src.code}) to the one to read, or keep one table per workbook")]
    chosen = tables or shown[:1]
    return chosen or [Grid(rows=[], sheet=grids[0].sheet if grids else None)], notes


def has_indicator_headers(grid: Grid, src: SourceOptions, indicators: IndicatorResolver) -> bool:
    """Wide: a place column header (地区 ...) with a known indicator beside it; long: the place column's header."""
    rows = grid.rows[:HEADER_SEARCH_ROWS]
    if src.layout == "long":
        want = normalise_name(src.columns.place if src.columns else "")
        return any(normalise_name(v) == want for row in rows for v in row)
    headers = {normalise_name(h) for h in src.place_headers}
    for row in rows:
        if any(normalise_name(v) in headers for v in row):
            return any(indicators.find(str(v)) is not None for v in row if clean_text(v))
    return False


def _none_found(grids: list[Grid], src: SourceOptions, medium: str) -> str:
    """'2 tables, none with indicator headers' and what each table starts with, so the operator sees what was there."""
    if not grids:
        what = "tables printed with cell borders" if medium == "PDF" else "<table> elements"
        return f"no table found in the {medium}; bipin reads {what} (ask the bureau for the spreadsheet)"
    wanted = " / ".join(src.place_headers[:2]) if src.layout == "wide" else (src.columns.place if src.columns else "")
    what = "; ".join(_describe(g) for g in grids[:5])
    more = f"; and {len(grids) - 5} more" if len(grids) > 5 else ""
    return (f"{len(grids)} table{'s' if len(grids) > 1 else ''}, none with indicator headers (a place column such as "
            f"{wanted} beside known indicator names) in the {medium}: {what}{more}")


def _describe(grid: Grid) -> str:
    """'table 1: 1 row x 3 columns, starts '首页 | 新闻 | 公开'' (the table's own rows, not the title lines above it)."""
    body = grid.rows[max(0, 1 - grid.first_row):]
    cells = [clean_text(v) for row in body for v in row if clean_text(v)]
    width = max((len(r) for r in body), default=0)
    return (f"{grid.sheet}: {len(body)} row{'s' if len(body) != 1 else ''} x {width} column{'s' if width != 1 else ''}, "
            f"starts {' | '.join(cells[:4])[:60]!r}")


def join_wrapped(text: str) -> str | None:
    """A cell's lines as one text; lines join without a space unless both sides are Latin ("本年累" + "计")."""
    if "\n" not in text:  # most cells: one line
        return " ".join(text.replace("\xa0", " ").split()) or None
    lines = [" ".join(line.split()) for line in text.replace("\xa0", " ").split("\n")]
    joined = ""
    for line in filter(None, lines):
        joined += " " + line if joined and joined[-1].isascii() and line[0].isascii() else line
    return joined or None
