"""A tiny world for the pull tests: the ingest tests' catalog, a bureau source for pulled files, table bytes.

Each table is the ingest tests' 金华 wide table (period from its title), as a bureau sends it: CSV in GBK,
XLSX, Excel 97-2003 .xls, or a web page that is itself the table.
"""

from __future__ import annotations

import csv
import html
import io
from email.message import EmailMessage
from pathlib import Path

import duckdb
import openpyxl
import xlwt
import yaml
from ingest_world import GOOD_ROWS, settings_for, wide_grid

from flows.config.pull import load_pull
from flows.warehouse.db import connect

SOURCES = """
sources:
  - {code: bureau, pattern: ["*.xlsx", "*.xls", "*.csv", "*.html", "*.pdf"], layout: wide, format: auto,
     period_from: [title, filename]}
"""
PASSWORD_ENV = "BIPIN_TEST_PULL_PASSWORD"


def world(tmp_path: Path, sources: list[dict], user_agent: str | None = None):
    """Settings for a home under tmp_path whose config/pull.yaml lists `sources`."""
    pull = {"sources": sources, **({"user_agent": user_agent} if user_agent else {})}
    return settings_for(tmp_path, **{"sources.yaml": SOURCES,
                                     "pull.yaml": yaml.safe_dump(pull, allow_unicode=True)})


def pull_once(settings, code: str | None = None, dry_run: bool = False, sleep=lambda s: None):
    """pull_source for each chosen source, as `bipin pull --no-prefect` runs it; the results."""
    from flows.pull.run import pull_source

    config = load_pull(settings.config_dir)
    con = connect(settings.db_path)
    try:
        return [pull_source(con, settings, config, s, dry_run=dry_run, sleep=sleep) for s in config.chosen(code)]
    finally:
        con.close()


def inbox(settings) -> set[str]:
    return {p.name for p in settings.inbox.iterdir()} if settings.inbox.exists() else set()


def ledger_rows(settings, sql: str = "select remote_id, file_name, provenance from pull.ledger order by pulled_at"):
    con = duckdb.connect(str(settings.db_path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def revised_rows(growth: str = "8.5") -> list[list[str]]:
    """GOOD_ROWS with 武义's 固定资产投资 growth changed (a bureau's correction)."""
    return [[*r[:2], growth, *r[3:]] if r[0] == "武义县" else r for r in GOOD_ROWS]


def csv_bytes(rows=None, encoding: str = "gbk") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(wide_grid(rows))
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows=None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in wide_grid(rows):
        sheet.append([_number(c) for c in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xls_bytes(rows=None) -> bytes:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("主要指标")
    for r, row in enumerate(wide_grid(rows)):
        for c, cell in enumerate(row):
            sheet.write(r, c, _number(cell))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def table_page(rows=None, encoding: str = "gbk") -> bytes:
    """A bureau's page that is itself the table (title in a heading), in GBK."""
    grid = wide_grid(rows)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in grid[1:] if row)
    page = (f'<html><head><meta charset="{encoding}"><title>统计数据</title></head><body>'
            f"<h2>{html.escape(grid[0][0])}</h2><table>{body}</table></body></html>")
    return page.encode(encoding)


def mail(subject: str, sender: str, attachments: dict[str, bytes], message_id: str,
         name_style: str = "rfc2231") -> bytes:
    """An email as a bureau's client sends it: attachment names in GBK, RFC 2231 or encoded-word."""
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"], msg["Message-ID"] = sender, "office@wuyi.gov.cn", subject, message_id
    msg["Date"] = "Thu, 19 Nov 2026 09:30:00 +0800"
    msg.set_content("各县（市、区）：附件为本月统计月报，请查收。")
    for name, data in attachments.items():
        if name_style == "rfc2231":
            msg.add_attachment(data, maintype="application", subtype="octet-stream", filename=("gbk", "", name))
        else:  # =?GBK?B?...?= as Foxmail and Outlook in China write it
            msg.add_attachment(data, maintype="application", subtype="octet-stream", filename="placeholder")
            part = msg.get_payload()[-1]
            import base64

            encoded = "=?GBK?B?" + base64.b64encode(name.encode("gbk")).decode() + "?="
            part.replace_header("Content-Disposition", f'attachment; filename="{encoded}"')
    return msg.as_bytes()


def _number(cell: str):
    try:
        return float(cell)
    except ValueError:
        return cell
