"""Read a file into a grid of cells (rows of str / number / None), whatever its format.

Layouts work on grids, so CSV, XLSX and Parquet share one path from here on. A file that is
not what its name says (a broken workbook, text in no known encoding) raises ReadError.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

from flows.ingest.grid import Grid, ReadError, wanted_sheets
from flows.ingest.read_xlsx import read_xlsx_grids
from flows.ingest.sources import SourceOptions, file_format

DETECT_ORDER = ("utf-8", "gb18030")
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def read_grid(path: Path, src: SourceOptions, fmt: str | None = None) -> Grid:
    """The file's table as a grid; ReadError when the bytes do not fit the format (formats.py tells it)."""
    fmt = fmt or file_format(path, src)
    if fmt in ("xlsx", "xls"):
        return read_sheets(path, src.sheet or 0, fmt)[0][0]
    if fmt == "parquet":
        return _read_parquet(path)
    return _read_csv(path, src.encoding, src.delimiter)


def read_sheets(path: Path, sheet: str | int | None, fmt: str) -> tuple[list[Grid], list]:
    """(grids, notes) of a workbook's named sheet, or of every sheet when none is named (hidden ones marked)."""
    if fmt == "xlsx" and _starts_with(path, b"PK\x03\x04"):
        return read_xlsx_grids(path, sheet)
    return _read_xls(path, sheet, fmt), []


def _starts_with(path: Path, signature: bytes) -> bool:
    with path.open("rb") as fh:
        return fh.read(len(signature)) == signature


def decode_text(data: bytes, declared: str | None) -> tuple[str, str]:
    """(text, encoding): a byte-order mark's encoding, else the declared one, else UTF-8, else GB18030 (GBK).

    A BOM wins over the declaration: it is unambiguous, and Excel's "CSV UTF-8" re-save adds one to a
    file whose source still declares gb18030."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as exc:
                raise ReadError("bad_encoding", f"the file starts with a {enc} byte-order mark but does not "
                                f"decode as {enc} ({exc}); re-save it") from None
    if declared:
        try:
            return data.decode(declared), declared
        except (UnicodeDecodeError, LookupError) as exc:
            raise ReadError("bad_encoding", f"the source declares encoding {declared!r} but the file does "
                            f"not decode with it ({exc}); fix 'encoding' in sources.yaml or re-save the file") from None
    for enc in DETECT_ORDER:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break  # NUL bytes: binary, not text in any encoding we accept
        return text, enc
    raise ReadError("bad_encoding", "the file is not text in UTF-8, UTF-8 with BOM or GB18030/GBK; "
                    "re-save it as CSV in one of these or declare its encoding in sources.yaml")


def _read_csv(path: Path, encoding: str | None, delimiter: str) -> Grid:
    text, used = decode_text(path.read_bytes(), encoding)
    try:
        rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as exc:
        raise ReadError("unreadable_file", f"not a valid CSV file: {exc}") from None
    return Grid(rows=rows, encoding=used)


def _read_xls(path: Path, sheet: str | int | None, fmt: str = "xls") -> list[Grid]:
    """Excel 97-2003 .xls (and a file that is no zip): calamine, merged cells holding their text in the first cell.
    An .xls sheet is at most 65,536 x 256 cells, so calamine's whole-rectangle read stays bounded."""
    from python_calamine import CalamineWorkbook

    kind = "XLSX" if fmt == "xlsx" else "Excel 97-2003 (.xls)"
    try:
        if path.suffix.lower() in ((".xlsx", ".xlsm") if fmt == "xlsx" else (".xls",)):
            book = CalamineWorkbook.from_path(str(path))
        else:  # calamine picks its reader by the extension on a path, by the content on bytes
            book = CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes()))
    except Exception as exc:  # calamine raises its own error types for zip/xml/OLE2 problems
        raise ReadError("unreadable_file", f"not a readable {kind} workbook ({type(exc).__name__}: {exc}); "
                        f"open it in Excel and save it again as .{fmt}") from None
    wanted = wanted_sheets(book.sheet_names, sheet)
    hidden = {m.name for m in book.sheets_metadata if str(m.visible).rsplit(".", 1)[-1] != "Visible"}
    grids = []
    for name in wanted:
        ws = book.get_sheet_by_name(name)
        rows = [[_xlsx_cell(c) for c in row] for row in ws.to_python(skip_empty_area=True)]
        start = ws.start or (0, 0)
        grids.append(Grid(rows=rows, sheet=name, first_row=start[0] + 1, first_col=start[1] + 1,
                          hidden=name in hidden))
    return grids


def _xlsx_cell(value):
    if value == "":
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value)
    return value


def _read_parquet(path: Path) -> Grid:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except Exception as exc:
        raise ReadError("unreadable_file", f"not a readable Parquet file ({type(exc).__name__}: {exc})") from None
    columns = [table.column(i).to_pylist() for i in range(table.num_columns)]
    body = [list(r) for r in zip(*columns, strict=True)] if columns else []
    for row in body:
        for i, v in enumerate(row):
            if isinstance(v, datetime):
                row[i] = v.date().isoformat()
            elif isinstance(v, date):
                row[i] = v.isoformat()
    return Grid(rows=[list(table.column_names), *body])


__all__ = ["Grid", "ReadError", "read_grid", "read_sheets", "decode_text"]
