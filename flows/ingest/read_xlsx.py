"""Read XLSX sheets as people leave them: hidden sheets and rows, a stray note far away, a formula filled
down to the last row.

Memory follows the data, not the sheet's declared size: calamine (which reads .xls) builds the sheet's
whole rectangle, so one note in XFD1048576 asked for 550 GB. Here openpyxl's streaming parser hands
over one row at a time; only non-empty cells of visible rows are kept, and the table is the block of
rows and columns that hang together (gaps of at most GAP_ROWS rows / GAP_COLS columns). Cells beyond
such a gap and rows hidden in Excel are not read, and a warning names them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from flows.ingest.grid import Grid, ReadError, column_letters, wanted_sheets
from flows.ingest.model import Message, warning

GAP_ROWS = 1000
GAP_COLS = 100
_SHOWN = 5  # cells / rows a warning lists by name


@dataclass
class Sheet:
    name: str
    hidden: bool
    cells: dict[int, dict[int, object]] = field(default_factory=dict)  # row -> column -> value (1-based)
    hidden_rows: list[int] = field(default_factory=list)  # hidden rows that hold data


def read_xlsx_grids(path: Path, sheet: str | int | None) -> tuple[list[Grid], list[Message]]:
    """The grids of the named sheet, or of every sheet (hidden ones marked `hidden`) when none is named."""
    from openpyxl import load_workbook

    handle = path.open("rb")  # a file object: openpyxl would judge a path by its extension (.xls holding XLSX)
    try:
        book = load_workbook(handle, read_only=True, data_only=True)
    except Exception as exc:  # zip, XML and openpyxl's own errors alike
        handle.close()
        raise ReadError("unreadable_file", f"not a readable XLSX workbook ({type(exc).__name__}: {exc}); "
                        "open it in Excel and save it again as .xlsx") from None
    try:
        wanted = wanted_sheets(book.sheetnames, sheet)
        grids, notes = [], []
        for name in wanted:
            try:
                read = _stream(book, name)
            except Exception as exc:  # openpyxl raises many types for broken XML inside the zip
                raise ReadError("unreadable_file", f"sheet {name!r} cannot be read ({type(exc).__name__}: {exc}); "
                                "open the file in Excel and save it again as .xlsx") from None
            grid, said = _grid(read)
            grids.append(grid)
            notes += said
        return grids, notes
    finally:
        book.close()
        handle.close()


def _stream(book, name: str) -> Sheet:
    from openpyxl.worksheet._reader import WorkSheetParser  # the parser openpyxl's read-only mode runs

    ws = book[name]
    out = Sheet(name, ws.sheet_state != "visible")
    with ws._get_source() as src:
        parser = WorkSheetParser(src, ws._shared_strings, data_only=True, epoch=book.epoch,
                                 date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)
        for number, row in parser.parse():
            attrs = parser.row_dimensions.pop(str(number), None)  # kept per row otherwise: a million of them
            values = {c["column"]: v for c in row if (v := _value(c["value"])) is not None}
            if not values:
                continue
            if attrs and str(attrs.get("hidden", "")).lower() in ("1", "true"):
                out.hidden_rows.append(number)
                continue
            out.cells[number] = values
    return out


def _value(value):
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value)
    return value


def _grid(sheet: Sheet) -> tuple[Grid, list[Message]]:
    """The block of rows and columns that hang together, from the first cell on; the rest is stray."""
    notes = []
    if sheet.hidden_rows:
        shown = ", ".join(map(str, sheet.hidden_rows[:_SHOWN])) + (" ..." if len(sheet.hidden_rows) > _SHOWN else "")
        notes.append(warning("hidden_rows", f"{len(sheet.hidden_rows)} hidden row(s) with data were not read "
                             f"(rows {shown}); unhide them in Excel if they belong to the table", sheet=sheet.name))
    numbers = sorted(sheet.cells)
    if not numbers:
        return Grid(rows=[], sheet=sheet.name, hidden=sheet.hidden), notes
    last = numbers[0]
    for n in numbers[1:]:
        if n - last > GAP_ROWS:
            break
        last = n
    block = [n for n in numbers if n <= last]
    columns = sorted({c for n in block for c in sheet.cells[n]})
    right = columns[0]
    for c in columns[1:]:
        if c - right > GAP_COLS:
            break
        right = c
    left = columns[0]
    stray = [(n, c, v) for n in numbers for c, v in sheet.cells[n].items() if n > last or c > right]
    if stray:
        named = "; ".join(f"{_ref(n, c)} {str(v)[:20]!r}" for n, c, v in stray[:_SHOWN])
        notes.append(warning("stray_cells", f"{len(stray)} cell(s) far from the table were not read ({named}); "
                             "delete them if they are leftovers", sheet=sheet.name))
    hidden = set(sheet.hidden_rows)
    kept = [n for n in range(block[0], last + 1) if n not in hidden]
    rows = [[sheet.cells.get(n, {}).get(c) for c in range(left, right + 1)] if n in sheet.cells else [] for n in kept]
    grid = Grid(rows=rows, sheet=sheet.name, first_row=block[0], first_col=left, hidden=sheet.hidden,
                numbers=kept if len(kept) != last - block[0] + 1 else [])
    return grid, notes


def _ref(row: int, column: int) -> str:
    return f"{column_letters(column)}{row}"
