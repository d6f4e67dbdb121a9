"""Find a file's period where its source says it is: the title above the table, the file name, or config.

Wide tables print one period for the whole file ("2026年1-10月各县（市、区）主要经济指标"); the file
name usually repeats it (..._202610.xlsx). Reading it "in context" means a title without a year
borrows the year from the file name.
"""

from __future__ import annotations

import re
import unicodedata

from flows.ingest.sources import SourceOptions
from flows.periods import QUARTER_WORDS, Period, PeriodError, expected_months, parse_period

_QUARTERS = "|".join(sorted((w for w in QUARTER_WORDS if not w.startswith("Q")), key=len, reverse=True))
_IN_TITLE = re.compile(
    rf"(?:(\d{{4}})年)?(?:(\d{{1,2}}[-~至到—–]\d{{1,2}}月)|(\d{{1,2}}月)(?!\d)|({_QUARTERS}))"
)


def file_period(title: str, file_name: str, src: SourceOptions) -> Period:
    """The period of a one-period file; PeriodError saying where it looked."""
    year_hint = _filename_year(file_name, src)
    looked = []
    for place in src.period_from:
        if place == "title":
            found = period_in_text(title, year_hint)
            looked.append(f"title {title[:60]!r}" if title else "title (none above the table)")
        elif place == "filename":
            found = period_in_file_name(file_name, src)
            looked.append(f"file name {file_name!r}")
        elif place == "fixed" and src.period:
            found = parse_period(src.period)
            looked.append("fixed period")
        else:
            continue
        if found is not None:
            return found
    raise PeriodError(f"no period found in {' or '.join(looked) or 'the file'}; expected a label such as "
                      "2026年1-10月 in the title or YYYYMM in the file name")


def period_in_text(text: str, default_year: int | None = None) -> Period | None:
    """The first period label inside free text (a title), or None."""
    norm = unicodedata.normalize("NFKC", text or "").replace(" ", "")
    for m in _IN_TITLE.finditer(norm):
        year = int(m.group(1)) if m.group(1) else default_year
        label = m.group(2) or m.group(3) or m.group(4)
        if year is None:
            continue
        try:
            return parse_period(f"{year}年{label}")
        except PeriodError:
            continue
    return None


def period_in_file_name(file_name: str, src: SourceOptions) -> Period | None:
    m = re.search(src.period_pattern, file_name.rsplit(".", 1)[0])
    if not m:
        return None
    year, rest = m.group(1), m.group(2)
    try:
        return parse_period(f"{year}{rest}" if rest.upper().startswith("Q") else f"{year}-{rest}")
    except PeriodError:
        return None


def _filename_year(file_name: str, src: SourceOptions) -> int | None:
    found = period_in_file_name(file_name, src)
    return found.year if found else None


def calendar_problem(period: Period, calendar: str) -> str | None:
    """Why a period is not one the indicator's calendar publishes, or None when it is."""
    months = expected_months(calendar)
    if period.month in months:
        return None
    if calendar == "monthly_jf" and period.month == 1:
        return "January is published together with February as 1-2月 for this indicator"
    return f"month {period.month} is not a {calendar} release (expected months {', '.join(map(str, months))})"
