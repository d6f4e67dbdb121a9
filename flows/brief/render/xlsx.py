"""The attachment: the tables behind a briefing as an XLSX workbook, one sheet per group (content/sheets.py).

Text that a spreadsheet could run as a formula (starting with = + - @, or a tab/CR) is neutralised
with a leading apostrophe, so a place alias cannot become a formula in a leader's Excel.
The workbook is written directly as SpreadsheetML (flows/brief/render/xlsx_parts.py): strings inline, one
header style, frozen header row. xlsxwriter spent ~3 us a cell (~50 ms a monthly workbook, eight a run).
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache

from flows.brief.content.sheets import Sheet
from flows.brief.render import xlsx_parts
from flows.brief.render.html import display_width

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


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
    taken: set[str] = set()
    sheets = sheets or (Sheet("data", ("说明",), (("无数据",),)),)
    parts = [(sheet_name(sheet.name, taken), _sheet_part(sheet)) for sheet in sheets]
    filters = {i: _filter_ref(sheet) for i, sheet in enumerate(sheets) if sheet.formats}
    return xlsx_parts.package(parts, created.replace(tzinfo=None), title="bipin", author="bipin", filters=filters)


def _filter_ref(sheet: Sheet) -> str:
    return xlsx_parts.filter_ref([list(sheet.columns), *sheet.rows])


@lru_cache(maxsize=64)  # a group's table recurs in the workbooks of every focus watching that group
def _sheet_part(sheet: Sheet) -> str:
    rows = [[str(neutralise(title)) for title in sheet.columns]]
    rows += [[neutralise(value) for value in row] for row in sheet.rows]
    widths = [min(30, 2 + max(display_width(str(row[i])) if i < len(row) and row[i] is not None else 8
                                for row in rows[:50]))
              for i in range(len(sheet.columns))]
    # a sheet that states its formats is a data table: filter buttons on its header
    return xlsx_parts.sheet_xml(rows, widths, sheet.formats, autofilter=bool(sheet.formats))
