"""Reporting periods: parse the labels bureaus print, name them, and lay out release calendars.

A period is identified by the first day of its last month (1-2月 2026 -> 2026-02-01).
Whether it is year-to-date ("1-10月") or a single month ("10月") depends on the indicator,
so the parser returns the end month and, when the label says so, the first month.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

CALENDARS = ("monthly_jf", "monthly", "quarterly")
QUARTER_NAMES = {3: "一季度", 6: "上半年", 9: "前三季度", 12: "全年"}
QUARTER_WORDS = {
    "一季度": 3, "第一季度": 3, "1季度": 3, "Q1": 3,
    "上半年": 6, "二季度": 6, "第二季度": 6, "1-2季度": 6, "Q2": 6,
    "前三季度": 9, "三季度": 9, "第三季度": 9, "1-3季度": 9, "Q3": 9,
    "全年": 12, "四季度": 12, "第四季度": 12, "Q4": 12,
}


class PeriodError(ValueError):
    """A period label that cannot be read."""


@dataclass(frozen=True, order=True)
class Period:
    year: int
    month: int          # last month covered
    first_month: int = 1  # 1 for year-to-date, == month for a single month

    @property
    def date(self) -> date:
        return date(self.year, self.month, 1)

    def label(self, calendar: str = "monthly_jf") -> str:
        """Display label as bureaus print it: 2026年1-10月, 2026年1-2月, 2026年10月, 2026年前三季度."""
        if calendar == "quarterly":
            return f"{self.year}年{QUARTER_NAMES.get(self.month, f'1-{self.month}月')}"
        if calendar == "monthly" or self.first_month == self.month:
            return f"{self.year}年{self.month}月"
        return f"{self.year}年1-{self.month}月"

    def short_label(self, calendar: str = "monthly_jf") -> str:
        """Label without the year, as a headline uses it: 1-10月."""
        return self.label(calendar).split("年", 1)[1]


def months_back(day: date, n: int) -> date:
    """The first day of the month `n` months before `day`'s (months_back(2026-10-15, 3) -> 2026-07-01)."""
    index = day.year * 12 + day.month - 1 - n
    return date(index // 12, index % 12 + 1, 1)


def normalise_text(text: str) -> str:
    """Full-width digits and signs to ASCII, spaces removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))


_RANGE = re.compile(r"^(?:(\d{4})年?)?(\d{1,2})[-~至到—–](\d{1,2})月(?:份)?$")
_MONTH = re.compile(r"^(?:(\d{4})年)?(\d{1,2})月(?:份)?$")
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})(?:[-/.]\d{1,2})?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})(?:年)?(?:[-_ ]?)(.+)$")


def parse_period(text: str, default_year: int | None = None) -> Period:
    """Read a bureau's period label. Raises PeriodError with the text when it cannot."""
    raw = normalise_text(text)
    if not raw:
        raise PeriodError("empty period label")
    m = _RANGE.match(raw)
    if m:
        year = int(m.group(1)) if m.group(1) else default_year
        first, last = int(m.group(2)), int(m.group(3))
        if year is None:
            raise PeriodError(f"period {text!r} has no year")
        return _checked(year, last, first, text)
    m = _MONTH.match(raw)
    if m:
        year = int(m.group(1)) if m.group(1) else default_year
        if year is None:
            raise PeriodError(f"period {text!r} has no year")
        month = int(m.group(2))
        return _checked(year, month, month, text)
    m = _ISO.match(raw) or _COMPACT.match(raw)
    if m:
        year, month = int(m.group(1)), int(m.group(2))
        return _checked(year, month, month, text)
    m = _QUARTER.match(raw)
    if m and m.group(2) in QUARTER_WORDS:
        return _checked(int(m.group(1)), QUARTER_WORDS[m.group(2)], 1, text)
    if raw.upper().startswith(tuple(str(y) for y in range(1900, 2100))) and raw[4:].upper() in QUARTER_WORDS:
        return _checked(int(raw[:4]), QUARTER_WORDS[raw[4:].upper()], 1, text)
    raise PeriodError(f"cannot read period {text!r}: expected e.g. 2026年1-10月, 2026-10, 2026年10月 or 2026年一季度")


def _checked(year: int, month: int, first: int, text: str) -> Period:
    if not (1 <= first <= month <= 12) or not (1900 <= year <= 2100):
        raise PeriodError(f"period {text!r} is out of range")
    return Period(year, month, first)


def expected_months(calendar: str) -> tuple[int, ...]:
    """The end months a calendar publishes each year."""
    if calendar == "monthly_jf":
        return tuple(range(2, 13))
    if calendar == "monthly":
        return tuple(range(1, 13))
    if calendar == "quarterly":
        return (3, 6, 9, 12)
    raise ValueError(f"unknown calendar {calendar!r}; expected one of {CALENDARS}")


def months_covered(calendar: str, month: int) -> int:
    """How many calendar months one expected period stands for (1-2月 stands for two)."""
    if calendar == "monthly_jf":
        return 2 if month == 2 else 1
    if calendar == "quarterly":
        return 3
    return 1


def calendar_rows(first_year: int, last_year: int) -> list[tuple[str, date, int, int, str]]:
    """(calendar, period, seq, n_months, label) for every expected period; seq is consecutive per calendar."""
    rows = []
    for cal in CALENDARS:
        seq = 0
        for year in range(first_year, last_year + 1):
            for month in expected_months(cal):
                first = 1 if cal != "monthly" else month
                rows.append((cal, date(year, month, 1), seq, months_covered(cal, month), Period(year, month, first).label(cal)))
                seq += 1
    return rows
