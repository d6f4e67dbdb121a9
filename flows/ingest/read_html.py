"""Read every table of a web page into grids, rowspan/colspan expanded the way a spreadsheet merges cells.

A bureau's web page (or a ".xls" its web system exported, which is HTML) holds the table among
navigation and notes. Each <table> becomes a grid named "table N" (N counts the page's tables in
document order) whose rows are numbered from the table's first row; above them sit the lines that
serve as its title for the period: the table's <caption>, the text just above the table (nearest
first), and the page's <title>.
"""

from __future__ import annotations

import re
from pathlib import Path

from flows.ingest.readers import ReadError, decode_text
from flows.ingest.tables import PageGrid, join_wrapped

_BLOCKS = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "br", "hr", "center", "section", "header",
                     "footer", "nav", "article", "ul", "ol", "dl", "dt", "dd", "form", "tr", "td", "th"})
_SKIP = frozenset({"script", "style", "head", "noscript", "template"})
_CHARSET = re.compile(rb"charset\s*=\s*[\"']?([A-Za-z0-9_-]+)", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")
_GB = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936"}
MAX_SPAN = 200  # a span wider than any bureau table is a broken page, not a 10,000-column table
TEXT_ABOVE = 3  # text blocks above a table that may carry its title, nearest first


class _Table:
    def __init__(self, number: int, above: list[str], caption: str):
        self.number, self.above, self.caption = number, above, caption
        self.rows: list[list[tuple[str | None, int, int]]] = []  # (text, rowspan, colspan) per cell


class _Page:
    """Walks the parsed page in document order: tables (cells with their spans) and the text between them."""

    def __init__(self):
        self.tables: list[_Table] = []
        self.chunks: list[str] = []   # text blocks outside tables since the last table ended
        self.text: list[str] = []     # the block being collected

    def flush(self) -> None:
        chunk = " ".join("".join(self.text).split())
        if chunk:
            self.chunks.append(chunk)
        self.text = []

    def walk(self, el) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""  # comments and processing instructions have no str tag
        if tag == "table":
            self.flush()
            self.read_table(el, list(reversed(self.chunks[-TEXT_ABOVE:])))
            self.chunks = []
        elif tag not in _SKIP and tag:
            block = tag in _BLOCKS
            if block:
                self.flush()
            if el.text:
                self.text.append(el.text)
            for child in el:
                self.walk(child)
            if block:
                self.flush()
        if el.tail:
            self.text.append(el.tail)

    def read_table(self, el, above: list[str]) -> None:
        caption = el.find("caption")
        table = _Table(len(self.tables) + 1, above, " ".join("".join(caption.itertext()).split()) if caption is not None else "")
        self.tables.append(table)
        seen: list[str] = []  # cell texts so far: the title lines of a table nested in this one (old page layouts)
        for tr in _rows(el):
            cells = []
            for cell in tr:
                if cell.tag not in ("td", "th"):
                    continue
                parts: list[str] = []
                self._cell_parts(cell, parts, seen)
                exact = cell.get("x:num")  # Excel's web export keeps the full-precision number here
                text = exact.strip() if exact and exact.strip() else join_wrapped("".join(parts))
                if text:
                    seen.append(text)
                cells.append((text, _span(cell.get("rowspan")), _span(cell.get("colspan"))))
            table.rows.append(cells)

    def _cell_parts(self, el, parts: list[str], seen: list[str]) -> None:
        if el.text:
            parts.append(el.text)
        for child in el:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag == "table":
                now = join_wrapped("".join(parts))
                self.read_table(child, ([now] if now else []) + list(reversed(seen[-TEXT_ABOVE:])))
            elif tag == "br" or tag in _BLOCKS:
                parts.append("\n")
                self._cell_parts(child, parts, seen)
                parts.append("\n")
            elif tag and tag not in _SKIP:
                self._cell_parts(child, parts, seen)
            if child.tail:
                parts.append(child.tail)


def _rows(table):
    """The table's own rows (directly or in thead/tbody/tfoot), not those of tables nested in its cells."""
    for child in table:
        if child.tag == "tr":
            yield child
        elif child.tag in ("thead", "tbody", "tfoot"):
            yield from (tr for tr in child if tr.tag == "tr")


def _span(value: str | None) -> int:
    if value is None:
        return 1
    try:
        return max(1, min(MAX_SPAN, int(str(value).strip())))
    except (TypeError, ValueError):
        return 1


def expand(rows: list[list[tuple[str | None, int, int]]]) -> list[list]:
    """Cells placed where a browser shows them; a spanned area keeps its text in its first cell, like a merge."""
    grid: list[list] = []
    covered: set[tuple[int, int]] = set()  # cells a span from an earlier cell covers (spans are rare)
    for r, cells in enumerate(rows):
        row: list = []
        c = 0
        for text, rowspan, colspan in cells:
            while (r, c) in covered:
                c += 1
            row.extend([None] * (c - len(row)))
            row.append(text)
            if colspan > 1 or rowspan > 1:
                covered.update((r + dr, c + dc) for dr in range(rowspan) for dc in range(colspan) if dr or dc)
                row.extend([None] * (colspan - 1))
            c += colspan
        grid.append(row)
    for r, c in covered:  # spans reaching past a row's last cell, or below the last row
        if r < len(grid):
            grid[r].extend([None] * (c + 1 - len(grid[r])))
    width = max((len(row) for row in grid), default=0)
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
    from lxml import etree

    text = _XML_DECLARATION.sub("", decode_page(path.read_bytes(), encoding), count=1)
    if not text.strip():
        return []
    try:
        root = etree.fromstring(text, etree.HTMLParser())  # plain elements: lxml.html's classes are slower
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:  # libxml2 is lenient; what it still refuses is no page
        raise ReadError("unreadable_file", f"not a readable web page ({type(exc).__name__}: {exc})") from None
    page = _Page()
    page.walk(root.find("body") if root.find("body") is not None else root)
    title = root.find(".//title")
    page_title = " ".join("".join(title.itertext()).split()) if title is not None else ""
    grids = []
    for table in page.tables:
        titles = [[t] for t in (table.caption, *table.above, page_title) if t]
        grids.append(PageGrid(rows=titles + expand(table.rows), sheet=f"table {table.number}",
                              first_row=1 - len(titles)))
    return grids
