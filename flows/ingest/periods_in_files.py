"""Find a file's period where its source says it is: the title above the table, the file name, or config.

Wide tables print one period for the whole file ("2026年1-10月各县（市、区）主要经济指标"); the file
name usually repeats it (..._202610.xlsx). Reading it "in context" means a title without a year
borrows the year from the file name.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta

from flows.core.periods import QUARTER_WORDS, Period, PeriodError, expected_months, parse_period
from flows.ingest.model import Message, error
from flows.ingest.sources import SourceOptions

_QUARTERS = "|".join(sorted((w for w in QUARTER_WORDS if not w.startswith("Q")), key=len, reverse=True))
_IN_TITLE = re.compile(
    rf"(?:(\d{{4}})年)?(?:(度)|(\d{{1,2}}[-~至到—–]\d{{1,2}}月)|(\d{{1,2}}月)(?!\d)|({_QUARTERS}))"
)

_YEAR_ONLY = re.compile(r"((?:19|20)\d{2})年(?:度)?")
_ANNUAL_CELL = re.compile(r"^((?:19|20)\d{2})(?:年|年度|年全年|全年)?$")


class PeriodConflict(PeriodError):
    """Two places the source reads a period from (title, file name, period column, fixed) disagree."""


def file_period(title: str, file_name: str, src: SourceOptions) -> Period:
    """The period of a one-period file; PeriodError saying where it looked, PeriodConflict naming every
    reading when they disagree (a title 2026年1-9月 in a file named ..._202610 must not load as either)."""
    year_hint = _filename_year(file_name, src)
    looked, readings = [], []
    for place in src.period_from:
        if place == "title":
            found = title_reading(title, year_hint)
            looked.append(f"title {title[:60]!r}" if title else "title (none above the table)")
            where = "title"
        elif place == "filename":
            found = file_name_reading(file_name, src)
            looked.append(f"file name {file_name!r}")
            where = "file name"
        elif place == "fixed" and src.period:
            found = (src.period, parse_period(src.period))
            looked.append("fixed period")
            where = "the source's fixed period"
        else:
            continue
        if found is not None:
            readings.append((where, *found))
    if not readings and src.annual == "1-12月":
        found = annual_reading(title)  # a title with only a year (统计公报): the year's 1-12月
        if found is not None:
            readings.append(("title", *found))
    if not readings:
        raise PeriodError(f"no period found in {' or '.join(looked) or 'the file'}; expected a label such as "
                          "2026年1-10月 in the title or YYYYMM in the file name")
    check_agree(readings)
    return readings[0][2]


def check_agree(readings: list[tuple[str, str, Period]]) -> None:
    """PeriodConflict when (where, as printed, period) readings name different months."""
    if len({(p.year, p.month) for _, _, p in readings}) > 1:
        said = ", ".join(f"{where} says {shown}" for where, shown, _ in readings)
        fix = " or the ".join(where for where, _, _ in reversed(readings))
        raise PeriodConflict(f"{said}: they disagree; fix the {fix}")


def period_in_text(text: str, default_year: int | None = None) -> Period | None:
    """The first period label inside free text (a title), or None."""
    found = title_reading(text, default_year)
    return found[1] if found else None


def title_reading(text: str, default_year: int | None = None) -> tuple[str, Period] | None:
    """(the label as printed, its period) of the first period label inside a title, or None."""
    norm = unicodedata.normalize("NFKC", text or "").replace(" ", "")
    for m in _IN_TITLE.finditer(norm):
        year = int(m.group(1)) if m.group(1) else default_year
        label = "全年" if m.group(2) else (m.group(3) or m.group(4) or m.group(5))  # 2020年度 = 全年
        if m.group(2) and not m.group(1):
            continue  # 度 without a year before it is no period (温度, 力度)
        if year is None:
            continue
        try:
            return m.group(0), parse_period(f"{year}年{label}")
        except PeriodError:
            continue
    return None


def annual_reading(text: str) -> tuple[str, Period] | None:
    """(the year as printed, its 1-12月 period) of a title that names a year and no months: 2020年,
    2020年度, 2020年国民经济和社会发展统计公报; None when it names no year."""
    norm = unicodedata.normalize("NFKC", text or "").replace(" ", "")
    m = _YEAR_ONLY.search(norm)
    return (m.group(0), Period(int(m.group(1)), 12, 1)) if m else None


def annual_label(text: str) -> Period | None:
    """A period cell that is an annual label (2020, 2020年, 2020年度, 2020全年) as the year's 1-12月, else None."""
    m = _ANNUAL_CELL.match(unicodedata.normalize("NFKC", text or "").replace(" ", ""))
    return Period(int(m.group(1)), 12, 1) if m else None


def period_cell(text: str, annual: bool) -> Period:
    """A period column's cell: a month or quarter label, or (`annual`) a year alone as its 1-12月."""
    try:
        return parse_period(text)
    except PeriodError:
        found = annual_label(text) if annual else None
        if found is None:
            raise
        return found


def period_in_file_name(file_name: str, src: SourceOptions) -> Period | None:
    found = file_name_reading(file_name, src)
    return found[1] if found else None


def file_name_reading(file_name: str, src: SourceOptions) -> tuple[str, Period] | None:
    """(the period as the name prints it, e.g. 2026-10 or 2025Q3, its period), or None."""
    m = re.search(src.period_pattern, file_name.rsplit(".", 1)[0])
    if not m:
        return None
    year, rest = m.group(1), m.group(2)
    shown = f"{year}{rest}" if rest.upper().startswith("Q") else f"{year}-{rest}"
    try:
        return shown, parse_period(shown)
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


def release_problems(periods: dict[date, tuple[int | None, str | None]], years: tuple[int, int], now: datetime,
                     sheet: str | None) -> list[Message]:
    """Errors for periods no release can have: not ended at load time (`now`), or outside the calendar
    years the marts rank (data outside them would load and never be ranked). `periods` maps each period
    of the file to the (row, column) it was first read from."""
    out = []
    outside = []
    for day in sorted(periods):
        row, column = periods[day]
        ends = date(day.year + day.month // 12, day.month % 12 + 1, 1)  # first day after the period
        if now < datetime(ends.year, ends.month, ends.day):
            out.append(error("period_in_future", f"period {day:%Y-%m} has not ended at load time "
                             f"{now:%Y-%m-%d %H:%M} (it ends {ends - timedelta(days=1)}); no release can carry it: "
                             "check the year and the months", sheet=sheet, row=row, column=column))
        elif not years[0] <= day.year <= years[1]:
            outside.append(day)
    if outside:
        row, column = periods[outside[0]]
        first, last = min(outside[0].year, years[0]), max(outside[-1].year, years[1])
        span = f"{outside[0]:%Y-%m}" + (f" to {outside[-1]:%Y-%m}" if len(outside) > 1 else "")
        out.append(error("period_outside_calendar", f"period {span} is outside calendar_years "
                         f"[{years[0]}, {years[1]}] (config/settings.yaml), so it would load and never be ranked; "
                         f"set calendar_years: [{first}, {last}] to load it, or fix the period",
                         sheet=sheet, row=row, column=column))
    return out
