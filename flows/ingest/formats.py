"""Tell a file's format from its first bytes, not its name, and read it into the grids its tables make.

Bureaus send one table in many forms: XLSX (a zip), Excel 97-2003 .xls (an OLE2 compound file), a
web page (saved as .html, or exported by a web system as a ".xls" that is really HTML), a PDF
(统计月报), or delimited text. The content decides how a file is read; a name (or a declared
`format`) that says otherwise is kept as a warning, never a rejection.
"""

from __future__ import annotations

import re
from pathlib import Path

from flows.ingest.model import Message, warning
from flows.ingest.readers import Grid, ReadError, read_grid, read_sheets
from flows.ingest.sources import SourceOptions

SNIFF_BYTES = 8192
BY_SUFFIX = {".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls", ".htm": "html", ".html": "html", ".pdf": "pdf",
             ".parquet": "parquet", ".pq": "parquet", ".csv": "csv", ".txt": "csv", ".tsv": "csv"}
DESCRIBED = {"xlsx": "an XLSX workbook", "xls": "an Excel 97-2003 (.xls) workbook", "html": "a web page (HTML)",
             "pdf": "a PDF document", "parquet": "a Parquet file", "csv": "delimited text"}
# formats whose files always carry their signature: a file without it is broken, not another format
_SIGNED = frozenset({"xlsx", "xls", "pdf", "parquet"})
_HTML_TAG = re.compile(rb"<(html|table|!doctype\s+html|body)[\s>]", re.IGNORECASE)
_XML_SPREADSHEET = b"urn:schemas-microsoft-com:office:spreadsheet"


def sniff(head: bytes) -> str | None:
    """The format the bytes are in, or None for text that is no markup (delimited text, or junk)."""
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls"
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"PAR1"):
        return "parquet"
    if b"%PDF-" in head[:1024]:
        return "pdf"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text[:13].lower().startswith(b"mime-version:"):
        return "mhtml"
    if text.startswith(b"<"):
        if _XML_SPREADSHEET in head and b"<Workbook" in head:
            return "xml_spreadsheet"
        if _HTML_TAG.search(head):
            return "html"
    return None


def detect_format(path: Path, src: SourceOptions) -> tuple[str, list[Message]]:
    """(format to read the file as, notes): the content decides; a name or declaration that disagrees is a note."""
    with path.open("rb") as fh:
        head = fh.read(SNIFF_BYTES)
    named = BY_SUFFIX.get(path.suffix.lower())
    declared = src.format if src.format != "auto" else None
    expected = declared or named
    found = sniff(head)
    if found == "mhtml":
        raise ReadError("unreadable_file", "a single-file web page (MHTML) is not read; save the page as "
                        "\"Web page, HTML only\" (.html) or ask the bureau for the spreadsheet")
    if found == "xml_spreadsheet":
        raise ReadError("unreadable_file", "an Excel 2003 XML spreadsheet is not read; open it in Excel and save "
                        "it as .xlsx (or Excel 97-2003 .xls)")
    if found is None:
        # plain text: a "workbook" without its signature is a broken workbook, and its reader says so
        return (expected if expected in _SIGNED or expected == "html" else "csv"), []
    said = []
    if named and named != found:
        said.append(f"named {path.suffix}")
    if declared and declared != found:
        said.append(f"declared format {declared} in sources.yaml")
    notes = [warning("format_mismatch", f"the file is {' and '.join(said)} but holds {DESCRIBED[found]}; "
                     f"read as {found} (rename it to end in {_suffix_of(found)} to silence this)")] if said else []
    return found, notes


def _suffix_of(fmt: str) -> str:
    return next(s for s, f in BY_SUFFIX.items() if f == fmt)


def read_tables(path: Path, src: SourceOptions) -> tuple[list[Grid], list[Message], str | None]:
    """(grids, notes, medium): the one grid of a sheet or text file (medium None), or every table of a web
    page / PDF (medium "web page" / "PDF"), which the layout step sorts into tables with indicator headers
    and the rest."""
    fmt, notes = detect_format(path, src)
    if fmt == "html":
        from flows.ingest.read_html import read_html_tables

        return read_html_tables(path, src.encoding), notes, "web page"
    if fmt == "pdf":
        from flows.ingest.read_pdf import read_pdf_tables

        return read_pdf_tables(path), notes, "PDF"
    if fmt in ("xlsx", "xls"):
        grids, said = read_sheets(path, src.sheet, fmt)
        return grids, notes + said, None
    return [read_grid(path, src, fmt)], notes, None
