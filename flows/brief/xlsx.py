"""The attachment: the tables behind a briefing as an XLSX workbook, one sheet per group.

Text that a spreadsheet could run as a formula (starting with = + - @, or a tab/CR) is neutralised
with a leading apostrophe, so a place alias cannot become a formula in a leader's Excel.
"""

from __future__ import annotations

import io
import re
from datetime import datetime
from functools import lru_cache

import xlsxwriter

from flows.brief.collect import Sheet

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
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    wb.set_properties({"created": created.replace(tzinfo=None), "title": "bipin", "author": "bipin"})
    head = wb.add_format({"bold": True, "bg_color": "#F4E4E4", "border": 1})
    taken: set[str] = set()
    for sheet in sheets or (Sheet("data", ("说明",), (("无数据",),)),):
        ws = wb.add_worksheet(sheet_name(sheet.name, taken))
        for col, title in enumerate(sheet.columns):
            ws.write_string(0, col, str(neutralise(title)), head)
            ws.set_column(col, col, 14 if col else 22)
        for row_no, row in enumerate(sheet.rows, start=1):
            for col, value in enumerate(row):
                value = neutralise(value)
                if value is None:
                    ws.write_blank(row_no, col, None)
                elif isinstance(value, bool):
                    ws.write_boolean(row_no, col, value)
                elif isinstance(value, int | float):
                    ws.write_number(row_no, col, value)
                else:
                    ws.write_string(row_no, col, str(value))
        ws.freeze_panes(1, 0)
    wb.close()
    return buf.getvalue()
