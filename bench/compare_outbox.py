r"""Compare two outboxes email by email: the same files, and each email the same content.

    .venv/bin/python -m bench.compare_outbox OUTBOX_BEFORE OUTBOX_AFTER [--ignore-header NAME ...]
        [--ignore REGEX ...]

For a change that must not change what readers get (a faster briefing run): every .html preview byte
for byte, and every .eml's headers (but Date and Message-ID, which say when a run made it, and the
ignored ones), its text and HTML parts decoded, its inline chart PNG, and its XLSX attachment as a
reader's Excel shows it, read back with openpyxl: sheet names, frozen panes, filter ranges, title and
creation time, and per cell its value, number format and header style (bold, fill, border). Not the
zip's bytes: two writers (or versions) lay out the same workbook differently; an empty text cell and
no cell both read as blank, and a number is compared to Excel's 15 significant digits (14.540000000000001
written in full or as 14.54 is the same number in Excel). The multipart boundary (random) is left out of Content-Type.
--ignore blanks what a regular expression matches in the text, HTML and previews: two `bipin run`s on
fresh homes load the demo files at different minutes, which the footers print
(--ignore '\d{4}-\d\d-\d\d \d\d:\d\d更新'). Prints each difference; exits 1 when there is one.
"""

from __future__ import annotations

import argparse
import email
import io
import re
import sys
from email import policy
from pathlib import Path

import openpyxl

ALWAYS_IGNORED = ("Date", "Message-ID")


def blank(text: str, patterns: list[str]) -> str:
    for pattern in patterns:
        text = re.sub(pattern, "<ignored>", text)
    return text


def email_parts(path: Path, ignored: set[str], patterns: list[str]) -> dict[str, bytes | str]:
    """Headers and decoded parts of one .eml, each under a name a difference can be reported by."""
    msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    parts: dict[str, bytes | str] = {
        f"header {k}": re.sub(r';\s*boundary="[^"]*"', "", str(v))
        for k, v in msg.items() if k.lower() not in {i.lower() for i in ignored}}
    for n, part in enumerate(msg.walk()):
        if part.is_multipart():
            continue
        kind = part.get_content_type()
        name = f"part {n} {kind} {part.get_filename() or ''}".rstrip()
        payload = part.get_content()
        if kind.endswith("spreadsheetml.sheet"):
            parts.update({f"{name} :: {k}": v for k, v in workbook_view(payload).items()})
        else:
            parts[name] = blank(payload, patterns) if isinstance(payload, str) else payload
    return parts


def excel_number(value: object) -> object:
    """A float as Excel holds it (15 significant digits); anything else as it is."""
    return float(f"{value:.15g}") if isinstance(value, float) else value


def workbook_view(data: bytes) -> dict[str, object]:
    """What a reader's Excel shows of an XLSX: its properties, and per sheet its settings and cells."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    view: dict[str, object] = {"properties": (book.properties.title, book.properties.creator,
                                              book.properties.created), "sheets": book.sheetnames}
    for ws in book.worksheets:
        view[f"sheet {ws.title}"] = (ws.freeze_panes, ws.auto_filter.ref, [
            (c.coordinate, excel_number(c.value), c.number_format, c.font.b, c.fill.fgColor.rgb, c.border.left.style)
            for row in ws.iter_rows() for c in row if c.value not in (None, "")])
    return view


def compare(before: Path, after: Path, ignored: set[str], patterns: list[str] = ()) -> list[str]:
    """Every difference between the two outboxes, as one line each (none: the same emails)."""
    found = []
    names_before = {p.relative_to(before) for p in before.rglob("*") if p.is_file()}
    names_after = {p.relative_to(after) for p in after.rglob("*") if p.is_file()}
    found += [f"only in {before}: {n}" for n in sorted(names_before - names_after)]
    found += [f"only in {after}: {n}" for n in sorted(names_after - names_before)]
    for name in sorted(names_before & names_after):
        if name.suffix == ".eml":
            a, b = email_parts(before / name, ignored, patterns), email_parts(after / name, ignored, patterns)
            found += [f"{name}: {k} differs" for k in sorted(a.keys() | b.keys()) if a.get(k) != b.get(k)]
        elif name.suffix == ".html":
            read = lambda p: blank(p.read_text(encoding="utf-8"), patterns)  # noqa: E731
            if read(before / name) != read(after / name):
                found.append(f"{name}: differs")
        elif (before / name).read_bytes() != (after / name).read_bytes():
            found.append(f"{name}: differs")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--ignore-header", action="append", default=[])
    parser.add_argument("--ignore", action="append", default=[], help="a regular expression to blank")
    args = parser.parse_args()
    found = compare(args.before, args.after, {*ALWAYS_IGNORED, *args.ignore_header}, args.ignore)
    n = sum(1 for p in args.before.rglob("*.eml"))
    for line in found:
        print(line)
    print(f"{n} emails compared: " + ("the same" if not found else f"{len(found)} difference(s)"))
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
