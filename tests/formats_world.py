"""Write one wide table in every form a bureau sends it: .xls (xlwt), a web page, a PDF printed by Chromium.

The XLSX twin comes from the demo's own writer (flows.demo.writers.write_xlsx), so each form can be
compared value for value with what the XLSX path loads.
"""

from __future__ import annotations

import html
import re
import subprocess
import tempfile
from pathlib import Path

import xlwt

from flows.demo.tables import PLACE_HEADER, WideTable

CHROMIUM = "/usr/bin/chromium"
_PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def write_xls(path: Path, table: WideTable, sheet_name: str = "主要指标") -> Path:
    """Excel 97-2003: title merged across, 地区 merged over both header rows, each indicator merged over its measures."""
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet(sheet_name)
    n_cols = 1 + sum(len(b.headers) for b in table.blocks)
    sheet.write_merge(0, 0, 0, n_cols - 1, table.title)
    sheet.write_merge(1, 2, 0, 0, PLACE_HEADER)
    col = 1
    for block in table.blocks:
        width = len(block.headers)
        sheet.write_merge(1, 1, col, col + width - 1, block.name)
        for offset, text in enumerate(block.headers):
            sheet.write(2, col + offset, text)
        for offset, column in enumerate(block.columns):
            for row, text in enumerate(column, start=3):
                if _PLAIN_NUMBER.match(text):
                    sheet.write(row, col + offset, float(text))
                elif text:
                    sheet.write(row, col + offset, text)
        col += width
    for row, label in enumerate(table.row_labels, start=3):
        sheet.write(row, 0, label)
    sheet.write(3 + len(table.row_labels) + 1, 0, table.note)
    book.save(str(path))
    return path


def table_html(table: WideTable, page_title: str = "统计数据", nav: bool = True, title_above: bool = True,
               repeat_header: bool = False) -> str:
    """A bureau's page: a navigation table first, the title in a heading above the table, 地区 rowspan=2,
    indicator names colspan over their measures, narrow measure columns so 本年累计 wraps in print.
    `repeat_header`: the header rows in <thead>, which a browser prints again on every page."""
    head = [f'<th rowspan="2">{PLACE_HEADER}</th>']
    head += [f'<th colspan="{len(b.headers)}">{html.escape(b.name)}</th>' for b in table.blocks]
    measures = [f'<th class="m">{html.escape(h)}</th>' for b in table.blocks for h in b.headers]
    body = []
    for i, label in enumerate(table.row_labels):
        cells = [f"<td>{html.escape(label)}</td>"]
        cells += [f"<td>{html.escape(column[i]) or '&nbsp;'}</td>" for b in table.blocks for column in b.columns]
        body.append("<tr>" + "".join(cells) + "</tr>")
    nav_table = ('<table class="nav"><tr><td><a href="#">首页</a></td><td><a href="#">统计数据</a></td>'
                 '<td><a href="#">政务公开</a></td></tr></table>') if nav else ""
    title = f"<h3>{html.escape(table.title)}</h3>" if title_above else ""
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{html.escape(page_title)}</title>
<style>
body {{ font-family: "WenQuanYi Micro Hei", sans-serif; font-size: 11px; }}
table.data {{ border-collapse: collapse; }}
table.data td, table.data th {{ border: 1px solid #000; padding: 2px 3px; }}
th.m {{ width: 3.2em; }}
</style></head>
<body>
{nav_table}
<p>发布时间：2026-11-20 来源：统计局</p>
{title}
<table class="data">
{"<thead>" if repeat_header else ""}<tr>{''.join(head)}</tr>
<tr>{''.join(measures)}</tr>{"</thead>" if repeat_header else ""}
{chr(10).join(body)}
</table>
<p>{html.escape(table.note)}</p>
</body></html>
"""


def print_pdf(html_text: str, pdf_path: Path) -> Path:
    """Print the page to PDF with headless Chromium, as an office does with "Save as PDF" (no header/footer)."""
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "page.html"
        page.write_text(html_text, encoding="utf-8")
        subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        f"--user-data-dir={tmp}/profile", "--no-pdf-header-footer",
                        f"--print-to-pdf={pdf_path}", page.as_uri()],
                       check=True, capture_output=True, timeout=120)
    return pdf_path


def sub_table(table: WideTable, n_blocks: int, n_rows: int | None = None) -> WideTable:
    """The first blocks (and rows) of a table: a page holds only so many columns."""
    blocks = [type(b)(b.name, b.headers, [c[:n_rows] for c in b.columns]) for b in table.blocks[:n_blocks]]
    return WideTable(table.title, table.row_labels[:n_rows], blocks, table.note)
