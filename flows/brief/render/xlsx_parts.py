"""A minimal SpreadsheetML (XLSX) writer for the briefing attachments: the parts and the zip around them.

Only what the attachment needs: text (inline strings), numbers, booleans and blanks; the first row in
the header style (bold, light red fill, thin border) and frozen; column widths; title, author and
creation time. Same input, same bytes (fixed zip timestamps). Text is XML-escaped; control characters
XML cannot carry are written as Excel's _xHHHH_ escapes, as Excel itself does.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from datetime import datetime
from functools import lru_cache
from xml.sax.saxutils import escape

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# number format -> cell style index (cellXfs below): 0 General, 1 the header, then one per format
NUMBER_STYLES = {"0": 4, "0.0": 2, "#,##0.00": 3, "+0;-0;0": 5}
_CUSTOM_FORMATS = {"0.0": 164, "#,##0.00": 165, "+0;-0;0": 166}

STYLES = (
    f'{_HEAD}<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="3">'
    + "".join(f'<numFmt numFmtId="{i}" formatCode="{escape(code)}"/>' for code, i in _CUSTOM_FORMATS.items())
    + '</numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFF4E4E4"/><bgColor indexed="64"/></patternFill></fill></fills>'
    '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
    '<border><left style="thin"><color auto="1"/></left><right style="thin"><color auto="1"/></right>'
    '<top style="thin"><color auto="1"/></top><bottom style="thin"><color auto="1"/></bottom><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)


@lru_cache(maxsize=4096)  # place and indicator names repeat on every row
def _text(value: str) -> str:
    return escape(_CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", value))


def column_letter(n: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    out = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(65 + rest) + out
    return out


def _cell(ref: str, value: object, style: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"cell {ref}: {value} cannot be written to a spreadsheet")
        return f'<c r="{ref}"{style}><v>{value!r}</v></c>'
    return f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">{_text(str(value))}</t></is></c>'


def sheet_xml(rows: list[list[object]], widths: list[float], formats: tuple[str, ...] = (),
              autofilter: bool = False) -> str:
    """One worksheet: rows[0] is the header (styled, frozen); `formats` numbers a column's cells (see
    NUMBER_STYLES); `autofilter` puts filter buttons on the header over every row."""
    n_cols = max((len(r) for r in rows), default=0)
    letters = [column_letter(i) for i in range(n_cols)]
    styles = [f' s="{NUMBER_STYLES[f]}"' if f in NUMBER_STYLES else "" for f in formats]
    styles += [""] * (n_cols - len(styles))
    body = []
    for n, row in enumerate(rows, start=1):
        cells = "".join(_cell(f"{letters[i]}{n}", v, ' s="1"' if n == 1 else styles[i]) for i, v in enumerate(row))
        body.append(f'<row r="{n}">{cells}</row>')
    cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths, start=1))
    ref = filter_ref(rows) if autofilter else None
    return (f'{_HEAD}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
            '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
            'state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
            '<sheetFormatPr defaultRowHeight="15"/>'
            + (f"<cols>{cols}</cols>" if cols else "")
            + f'<sheetData>{"".join(body)}</sheetData>'
            + (f'<autoFilter ref="{ref}"/>' if ref else "") + "</worksheet>")


def filter_ref(rows: list[list[object]]) -> str | None:
    """A1:J57: the header and every row below it (None for a sheet without columns)."""
    n_cols = max((len(r) for r in rows), default=0)
    return f"A1:{column_letter(n_cols - 1)}{len(rows)}" if n_cols else None


def _quoted(sheet_name: str) -> str:
    return "'" + sheet_name.replace("'", "''") + "'"


def _absolute(ref: str) -> str:
    """A1:J57 -> $A$1:$J$57."""
    return ":".join(re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", part) for part in ref.split(":"))


def package(sheets: list[tuple[str, str]], created: datetime, title: str, author: str,
            filters: dict[int, str] | None = None) -> bytes:
    """The zip: content types, relationships, workbook, styles, properties, one part per (name, xml) sheet.

    `filters`: sheet index -> its autoFilter range, declared as Excel's hidden _FilterDatabase name too."""
    n = len(sheets)
    names = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
        f"{_text(_quoted(sheets[i][0]))}!{_absolute(ref)}</definedName>" for i, ref in sorted((filters or {}).items()))
    stamp = f"{created:%Y-%m-%dT%H:%M:%SZ}"
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for i in range(1, n + 1))
    parts = {
        "[Content_Types].xml": (
            f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f"{overrides}"
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/docProps/core.xml" ContentType="application/'
            'vnd.openxmlformats-package.core-properties+xml"/>'
            '<Override PartName="/docProps/app.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>'),
        "_rels/.rels": (
            f'{_HEAD}<Relationships xmlns="{_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_DOC_TYPE}/officeDocument" Target="xl/workbook.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
            'core-properties" Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{_DOC_TYPE}/extended-properties" Target="docProps/app.xml"/>'
            "</Relationships>"),
        "docProps/core.xml": (
            f'{_HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
            'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{_text(title)}</dc:title><dc:creator>{_text(author)}</dc:creator>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>'),
        "docProps/app.xml": (
            f'{_HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            "<Application>bipin</Application></Properties>"),
        "xl/workbook.xml": (
            f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView/></bookViews><sheets>'
            + "".join(f'<sheet name="{_text(name)}" sheetId="{i}" r:id="rId{i}"/>'
                      for i, (name, _) in enumerate(sheets, start=1))
            + "</sheets>" + (f"<definedNames>{names}</definedNames>" if names else "") + "</workbook>"),
        "xl/_rels/workbook.xml.rels": (
            f'{_HEAD}<Relationships xmlns="{_PKG_REL}">'
            + "".join(f'<Relationship Id="rId{i}" Type="{_DOC_TYPE}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                      for i in range(1, n + 1))
            + f'<Relationship Id="rId{n + 1}" Type="{_DOC_TYPE}/styles" Target="styles.xml"/></Relationships>'),
        "xl/styles.xml": STYLES,
        **{f"xl/worksheets/sheet{i}.xml": xml for i, (_, xml) in enumerate(sheets, start=1)},
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, text.encode("utf-8"))
    return buf.getvalue()
