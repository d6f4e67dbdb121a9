"""Put a WideTable (or long rows) into the file formats bureaus send: XLSX with merged headers, GBK CSV.

Output is byte-for-byte reproducible: fixed workbook timestamps, no dict-order surprises.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from pathlib import Path

import xlsxwriter

from flows.demo.tables import PLACE_HEADER, WideTable

SHEET_NAME = "主要指标"
_FIXED_TIME = datetime(2024, 1, 1)
_PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def write_xlsx(path: Path, table: WideTable) -> None:
    """Title row merged across the table; 地区 merged over both header rows; each indicator merged over its measures."""
    n_cols = 1 + sum(len(b.headers) for b in table.blocks)
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "in_memory": True})  # no temp files
    workbook.set_properties({"title": table.title, "author": "bipin demo-data", "created": _FIXED_TIME})
    sheet = workbook.add_worksheet(SHEET_NAME)
    title = workbook.add_format({"bold": True, "font_size": 14, "align": "center"})
    header = workbook.add_format({"bold": True, "align": "center", "valign": "vcenter", "border": 1, "text_wrap": True})
    cell = workbook.add_format({"border": 1})

    sheet.merge_range(0, 0, 0, n_cols - 1, table.title, title)
    sheet.merge_range(1, 0, 2, 0, PLACE_HEADER, header)
    col = 1
    for block in table.blocks:
        width = len(block.headers)
        if width > 1:
            sheet.merge_range(1, col, 1, col + width - 1, block.name, header)
        else:
            sheet.write_string(1, col, block.name, header)
        for offset, text in enumerate(block.headers):
            sheet.write_string(2, col + offset, text, header)
        for offset, column in enumerate(block.columns):
            for row, text in enumerate(column, start=3):
                _write_cell(sheet, row, col + offset, text, cell)
        col += width
    for row, label in enumerate(table.row_labels, start=3):
        sheet.write_string(row, 0, label, cell)
    # one blank row, then the note that ends the table
    sheet.write_string(3 + len(table.row_labels) + 1, 0, table.note)
    sheet.set_column(0, 0, 12)
    sheet.set_column(1, n_cols - 1, 11)
    workbook.close()


def _write_cell(sheet, row: int, col: int, text: str, fmt) -> None:
    if _PLAIN_NUMBER.match(text):
        sheet.write_number(row, col, float(text), fmt)
    elif text:
        sheet.write_string(row, col, text, fmt)  # full-width digits and missing markers stay text
    else:
        sheet.write_blank(row, col, None, fmt)


def wide_csv_rows(table: WideTable) -> list[list[str]]:
    """Title row, then header row A (indicator name in the first column of its span), row B, data, note."""
    n_cols = 1 + sum(len(b.headers) for b in table.blocks)
    row_a, row_b = [PLACE_HEADER], [""]
    data = [[label] for label in table.row_labels]
    for block in table.blocks:
        row_a += [block.name] + [""] * (len(block.headers) - 1)
        row_b += block.headers
        for i, row in enumerate(data):
            row += [column[i] for column in block.columns]
    pad = [""] * (n_cols - 1)
    return [[table.title, *pad], row_a, row_b, *data, [""] * n_cols, [table.note, *pad]]


def write_csv(path: Path, rows: list[list[str]], encoding: str) -> None:
    """CSV with Windows line ends, as exported from Excel; encoding 'gbk' or 'utf-8-sig'."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
