"""The attachment: the tables behind a briefing as an XLSX workbook, one sheet per group (content/sheets.py).

Written with XlsxWriter: the first row in the header style (bold, light red fill, thin border) and
frozen, each column in its stated number format, filter buttons on a data table's header, column widths
from the text. Same input, same bytes: the creation time is the caller's and XlsxWriter stamps the zip
entries with a fixed date.
Text that a spreadsheet could run as a formula (starting with = + - @, or a tab/CR) is neutralised
with a leading apostrophe, so a place alias cannot become a formula in a leader's Excel.
"""

from __future__ import annotations

import io
import re
from datetime import datetime
from functools import lru_cache

import xlsxwriter

from flows.brief.content.sheets import Sheet
from flows.brief.render.html import display_width

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
HEADER_STYLE = {"bold": True, "bg_color": "#F4E4E4", "border": 1}
# every cell is written as what it is: a text that looks like a number, a formula or a URL stays text
_OPTIONS = {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
            "strings_to_urls": False}


def neutralise(value: object) -> object:
    """Numbers stay numbers; risky text gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def sheet_name(name: str, taken: set[str]) -> str:
    base = _BAD_SHEET_CHARS.sub("_", name).strip("'")[:28] or "sheet"
    candidate, n = base, 2
    while candidate.lower() in taken:
        candidate, n = f"{base}{n}", n + 1
    taken.add(candidate.lower())
    return candidate


@lru_cache(maxsize=256)  # the same tables for every recipient of a county
def workbook_bytes(sheets: tuple[Sheet, ...], created: datetime) -> bytes:
    """XLSX bytes; `created` is fixed by the caller so the same data gives the same file."""
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, _OPTIONS)
    book.set_properties({"title": "bipin", "author": "bipin", "created": created.replace(tzinfo=None)})
    header = book.add_format(HEADER_STYLE)
    formats = {}
    taken: set[str] = set()
    for sheet in sheets or (Sheet("data", ("说明",), (("无数据",),)),):
        _write_sheet(book.add_worksheet(sheet_name(sheet.name, taken)), sheet, header,
                     [formats.setdefault(f, book.add_format({"num_format": f})) if f else None for f in sheet.formats])
    book.close()
    return buf.getvalue()


def _write_sheet(ws, sheet: Sheet, header, column_formats: list) -> None:
    """Header row (styled, frozen), rows in their columns' formats; a sheet that states its formats is a
    data table: filter buttons on its header over every row."""
    rows = [[str(neutralise(title)) for title in sheet.columns]]
    rows += [[neutralise(value) for value in row] for row in sheet.rows]
    for i in range(len(sheet.columns)):
        width = min(30, 2 + max(display_width(str(row[i])) if i < len(row) and row[i] is not None else 8
                                for row in rows[:50]))
        ws.set_column(i, i, width)
    ws.freeze_panes(1, 0)
    for c, title in enumerate(rows[0]):
        ws.write_string(0, c, title, header)
    # the typed writers, not write(): a workbook holds thousands of cells and write() tests each value's
    # type again; a blank (None or empty text) is left out, as Excel shows no cell and an empty one alike
    text, number, boolean = ws.write_string, ws.write_number, ws.write_boolean
    column_formats = column_formats + [None] * (max(map(len, rows)) - len(column_formats))
    for r, row in enumerate(rows[1:], start=1):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            write = text if isinstance(value, str) else boolean if isinstance(value, bool) else number
            write(r, c, value, column_formats[c])
    if sheet.formats:
        ws.autofilter(0, 0, len(rows) - 1, max(len(r) for r in rows) - 1)
