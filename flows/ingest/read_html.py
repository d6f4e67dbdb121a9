"""Read every table of a web page into grids, rowspan/colspan expanded the way a spreadsheet merges cells.

A bureau's web page (or a ".xls" its web system exported, which is HTML) holds the table among
navigation and notes. Each <table> becomes a grid named "table N" (N counts the page's tables in
document order) whose rows are numbered from the table's first row; above them sit the lines that
serve as its title for the period: the table's <caption>, the text just above the table (nearest
first), and the page's <title>.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from flows.ingest.readers import ReadError, decode_text
from flows.ingest.tables import PageGrid, join_wrapped

_BLOCKS = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "br", "hr", "center", "section", "header",
                     "footer", "nav", "article", "ul", "ol", "dl", "dt", "dd", "form"})
_SKIP = frozenset({"script", "style", "head"})
_CHARSET = re.compile(rb"charset\s*=\s*[\"']?([A-Za-z0-9_-]+)", re.IGNORECASE)
_GB = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936"}
MAX_SPAN = 200  # a span wider than any bureau table is a broken page, not a 10,000-column table
TEXT_ABOVE = 3  # text blocks above a table that may carry its title, nearest first


class _Table:
    def __init__(self, number: int, above: list[str]):
        self.number, self.above = number, above
        self.caption: list[str] = []
        self.rows: list[list[tuple[str, int, int]]] = []  # (text, rowspan, colspan) per cell
        self.cell: list[str] | None = None
        self.span = (1, 1)
        self.exact = False       # the cell's text is Excel's full-precision x:num, not what it shows
        self.in_caption = False

    def texts_above(self) -> list[str]:
        """For a table nested in this one (old sites lay pages out in tables): the cells before it, nearest first."""
        cells = [t for row in self.rows for t, _, _ in row if t]
        if self.cell:
            cells.append(join_wrapped("".join(self.cell)) or "")
        return [t for t in reversed(cells) if t][:TEXT_ABOVE]


class _PageParser(HTMLParser):
    """Collects tables (cells with their spans), the text between them, and the page title."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[_Table] = []
        self.stack: list[_Table] = []
        self.chunks: list[str] = []   # text outside tables since the last table ended, in order
        self.text: list[str] = []     # the chunk being collected
        self.title: list[str] = []
        self.skip = 0
        self.in_title = False

    def _flush(self) -> None:
        chunk = " ".join("".join(self.text).split())
        if chunk:
            self.chunks.append(chunk)
        self.text = []

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP and tag != "head":
            self.skip += 1
            return
        if tag == "title":
            self.in_title = True
            return
        table = self.stack[-1] if self.stack else None
        if tag == "table":
            self._flush()
            above = table.texts_above() if table is not None else list(reversed(self.chunks[-TEXT_ABOVE:]))
            self.stack.append(_Table(len(self.tables) + 1, above))
            self.tables.append(self.stack[-1])
            self.chunks = []
        elif table is None:
            if tag in _BLOCKS:
                self._flush()
        elif tag == "caption":
            table.in_caption = True
        elif tag == "tr":
            self._end_cell(table)  # sloppy pages leave <td> and <tr> unclosed
            table.rows.append([])
        elif tag in ("td", "th"):
            self._end_cell(table)
            found = dict(attrs)
            table.cell = [found["x:num"]] if found.get("x:num") else []  # Excel's export keeps the full number here
            table.span = (_span(found.get("rowspan")), _span(found.get("colspan")))
            table.exact = bool(found.get("x:num"))
        elif tag == "br" and table.cell is not None:
            table.cell.append("\n")

    def handle_endtag(self, tag):
        if tag in _SKIP and tag != "head":
            self.skip = max(0, self.skip - 1)
            return
        if tag == "title":
            self.in_title = False
            return
        table = self.stack[-1] if self.stack else None
        if tag == "table" and table is not None:
            self._end_cell(table)
            self.stack.pop()
            self.chunks = []
        elif table is None:
            if tag in _BLOCKS:
                self._flush()
        elif tag == "caption":
            table.in_caption = False
        elif tag in ("td", "th", "tr"):
            self._end_cell(table)

    def _end_cell(self, table: _Table) -> None:
        if table.cell is None:
            return
        text = table.cell[0] if table.exact else "".join(table.cell)
        if not table.rows:
            table.rows.append([])
        table.rows[-1].append((join_wrapped(text), *table.span))
        table.cell = None

    def handle_data(self, data):
        if self.skip:
            return
        if self.in_title:
            self.title.append(data)
            return
        table = self.stack[-1] if self.stack else None
        if table is None:
            self.text.append(data)
        elif table.in_caption:
            table.caption.append(data)
        elif table.cell is not None and not table.exact:
            table.cell.append(data)


def _span(value: str | None) -> int:
    try:
        return max(1, min(MAX_SPAN, int(str(value).strip())))
    except (TypeError, ValueError):
        return 1


def expand(rows: list[list[tuple[str, int, int]]]) -> list[list]:
    """Cells placed where a browser shows them; a spanned area keeps its text in its first cell, like a merge."""
    grid: list[list] = []
    taken: set[tuple[int, int]] = set()
    for r, cells in enumerate(rows):
        while len(grid) <= r:
            grid.append([])
        c = 0
        for text, rowspan, colspan in cells:
            while (r, c) in taken:
                c += 1
            for dr in range(rowspan):
                for dc in range(colspan):
                    taken.add((r + dr, c + dc))
            row = grid[r]
            row.extend([None] * (c + 1 - len(row)))
            row[c] = text
            c += colspan
    width = max((c for _, c in taken), default=-1) + 1
    return [row + [None] * (width - len(row)) for row in grid]


def decode_page(data: bytes, declared: str | None) -> str:
    """The page as text: the source's encoding, else the page's own <meta charset>, else UTF-8 / GB18030."""
    if not declared:
        found = _CHARSET.search(data[:4096])
        charset = found.group(1).decode("ascii").lower() if found else None
        if charset:
            try:
                return data.decode("gb18030" if charset in _GB else charset)
            except (UnicodeDecodeError, LookupError):
                pass  # a page that lies about its charset: detect it instead
    return decode_text(data, declared)[0]


def read_html_tables(path: Path, encoding: str | None = None) -> list[PageGrid]:
    """Every table of the page as a grid, with its title lines above it (row numbers start at the table)."""
    parser = _PageParser()
    try:
        parser.feed(decode_page(path.read_bytes(), encoding))
        parser.close()
    except ReadError:
        raise
    except Exception as exc:  # html.parser is lenient; anything it still refuses is a broken page
        raise ReadError("unreadable_file", f"not a readable web page ({type(exc).__name__}: {exc})") from None
    page_title = " ".join("".join(parser.title).split())
    grids = []
    for table in parser.tables:
        caption = " ".join("".join(table.caption).split())
        titles = [[t] for t in (caption, *table.above, page_title) if t]
        rows = expand(table.rows)
        grids.append(PageGrid(rows=titles + rows, sheet=f"table {table.number}", first_row=1 - len(titles),
                              medium="web page"))
    return grids
