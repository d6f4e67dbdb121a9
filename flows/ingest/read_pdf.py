"""Read the tables of a PDF with a text layer (统计月报) into grids, page by page, with pdfplumber.

Each ruled table (cells drawn with borders, as statistics reports print them) becomes a grid whose
rows keep their page and row ("page 3", row 5; "page 3 table 2" when a page prints several tables);
the text between the previous table and this one is its title (for the period). A table that runs on
at the top of the next page (same columns, no header of its own, or the same header printed again) is
joined to it. Lines wrapped inside a cell join ("本年累" + "计"). Tables without ruling lines are not
guessed at: columns told from text positions alone split numbers ("900" as "9" | "00"), and a wrong
number is worse than a rejected file. A PDF without any text is a scan: refused, OCR is not supported.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from flows.ingest.layouts import HEADER_SEARCH_ROWS
from flows.ingest.periods_in_files import period_in_text
from flows.ingest.readers import ReadError
from flows.ingest.resolve import normalise_name
from flows.ingest.sources import PLACE_HEADERS
from flows.ingest.tables import PageGrid, join_wrapped

LINES = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
SCANNED = ("scanned image without a text layer; OCR is not supported; ask the bureau for the spreadsheet "
           "(or the web page) of this table")
_PLACES = {normalise_name(h) for h in PLACE_HEADERS}


@dataclass
class _Part:
    """One table as pdfplumber found it on one page."""

    page: int
    label: str
    title: str
    rows: list[list]
    first_on_page: bool
    last_on_page: bool


def read_pdf_tables(path: Path) -> list[PageGrid]:
    """Every table of the PDF as a grid, continued tables joined; ReadError for a scan or a broken file."""
    import pdfplumber

    # pdfminer logs a warning per glyph for fonts Chromium and office suites embed without a bounding box
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    parts: list[_Part] = []
    try:
        with pdfplumber.open(str(path)) as pdf:
            any_text = False
            for number, page in enumerate(pdf.pages, start=1):
                any_text = any_text or bool(page.chars)
                parts += _page_parts(page, number)
                page.flush_cache()  # a 20-page report would otherwise keep every page's objects
    except ReadError:
        raise
    except Exception as exc:  # pdfminer raises many types for damaged files
        raise ReadError("unreadable_file", f"not a readable PDF ({type(exc).__name__}: {exc}); "
                        "ask the bureau for the spreadsheet") from None
    if not any_text:
        raise ReadError("no_text_layer", SCANNED)
    return _join(parts)


def _page_parts(page, number: int) -> list[_Part]:
    if not page.chars:
        return []
    from pdfplumber.utils import extract_text

    tables = page.find_tables(LINES)
    tables = sorted(tables, key=lambda t: (t.bbox[1], t.bbox[0]))
    chars = page.chars
    parts, above = [], 0.0
    for i, table in enumerate(tables):
        top = table.bbox[1]
        # the text between the previous table (or the page top) and this one; cheaper than cropping the page
        title = extract_text([c for c in chars if c["top"] >= above and c["bottom"] <= top]) if top > above else ""
        above = table.bbox[3]
        rows = [[join_wrapped(c) if isinstance(c, str) else None for c in row] for row in table.extract()]
        label = f"page {number}" if len(tables) == 1 else f"page {number} table {i + 1}"
        parts.append(_Part(number, label, " ".join(title.split()), rows, i == 0, i == len(tables) - 1))
    return parts


def _header_row(rows: list[list]) -> int | None:
    return next((r for r, row in enumerate(rows[:HEADER_SEARCH_ROWS])
                 if any(normalise_name(v) in _PLACES for v in row)), None)


def _continues(previous: _Part, part: _Part, start: _Part) -> bool:
    """The part runs on from the previous page's last table (which began with `start`): first on its page, same
    width, and either no header of its own or the table's header printed again under a title that names no
    other period."""
    if part.page != previous.page + 1 or not previous.last_on_page or not part.first_on_page:
        return False
    if not part.rows or not previous.rows or len(part.rows[0]) != len(previous.rows[0]):
        return False
    if _header_row(part.rows) is None:
        return True
    head = _header_row(start.rows)
    repeated = head is not None and _same(part.rows[: head + 2], start.rows[: head + 2])
    own = period_in_text(part.title, None)
    return repeated and (own is None or own == period_in_text(start.title, None))


def _same(a: list[list], b: list[list]) -> bool:
    return [[normalise_name(v) for v in row] for row in a] == [[normalise_name(v) for v in row] for row in b]


def _join(parts: list[_Part]) -> list[PageGrid]:
    grids: list[PageGrid] = []
    last = start = None
    for part in parts:
        if last is not None and grids and _continues(last, part, start):
            grid = grids[-1]
            skip = 0
            head = _header_row(part.rows)
            if head is not None:
                skip = head + 2  # the header printed again on the new page
            for r, row in enumerate(part.rows[skip:], start=skip + 1):
                grid.rows.append(row)
                grid.where.append((part.label, r))
        else:
            titles = [[part.title]] if part.title else []
            where = [(part.label, None)] * len(titles) + [(part.label, r) for r in range(1, len(part.rows) + 1)]
            grids.append(PageGrid(rows=titles + part.rows, sheet=part.label, first_row=1 - len(titles), where=where))
            start = part
        last = part
    return grids
