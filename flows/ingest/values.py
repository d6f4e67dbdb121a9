"""Clean one printed cell into a number: full-width forms, signs, percent, separators, missing markers, units.

Missing markers of Chinese statistical tables become None, never 0: a county that did not
report must not be ranked last with a zero.
"""

from __future__ import annotations

import math
import re
import unicodedata

# After NFKC (which turns full-width － into -, … into ...), these mean "not reported".
MISSING_MARKERS = frozenset({
    "", "-", "--", "---", "—", "——", "–", "...", "……", "/", "空", "无", "na", "n/a", "nan", "null", "none", "x",
})
_PRELIMINARY = frozenset({"true", "yes", "y", "1", "p", "preliminary", "prelim", "快报", "快报数", "初步", "初步数", "是"})
_FINAL = frozenset({"", "false", "no", "n", "0", "f", "final", "r", "revised", "正式", "终值", "否"})
_SPACES = re.compile(r"\s+")
_ONLY_DASHES = re.compile(r"^[-—–―.…/]+$")
_UNIT_IN_PARENS = re.compile(r"[(（]([^()（）]*)[)）]")
# Units statistics tables print, after an optional prefix (万, 亿, 千, 百万, 千万, 百); the catalog's own
# units count too (is_unit). Anything else in parentheses is a qualifier of the indicator.
BASE_UNITS = frozenset({
    "元", "美元", "欧元", "%", "‰", "百分点", "千瓦时", "瓦时", "千瓦", "吨", "吨标准煤", "公斤", "人", "人次",
    "户", "个", "家", "项", "件", "辆", "台", "套", "座", "间", "张", "平方米", "平方公里", "立方米", "亩", "公顷",
    "公里", "千米", "米", "标箱", "TEU", "倍", "$", "USD", "persons", "people", "dollars",
})
# unit prefixes and the base they scale: 亿元 = 1e8 元
_PREFIXES = (("百万", 1e6), ("千万", 1e7), ("万", 1e4), ("亿", 1e8), ("千", 1e3), ("百", 1e2))


class NotANumber(ValueError):
    """A cell that is neither a number nor a missing marker."""


def clean_text(value: object) -> str:
    """The cell as compact ASCII-normalised text (full-width digits and signs folded)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return "" if math.isnan(value) else repr(value).removesuffix(".0")
    if isinstance(value, int):
        return str(value)
    return _SPACES.sub("", unicodedata.normalize("NFKC", str(value)))


def raw_text(value: object) -> str | None:
    """The cell as printed, for provenance (numbers without a spurious .0)."""
    if value is None:
        return None
    if isinstance(value, float):
        return None if math.isnan(value) else repr(value).removesuffix(".0")
    return str(value)


def parse_number(value: object) -> float | None:
    """Number in the cell, None for a missing marker; NotANumber for anything else."""
    if type(value) is float:  # what spreadsheets store (~200,000 cells a demo inbox): skip the checks below
        if math.isfinite(value):
            return value
        if math.isnan(value):
            return None  # how pandas/Parquet write an empty cell
        raise NotANumber(f"{value!r} is not a finite number")
    if isinstance(value, bool):
        raise NotANumber(f"{value!r} is not a number")
    if isinstance(value, int | float):
        try:
            return parse_number(float(value))
        except OverflowError:
            raise NotANumber(f"{value!r} is not a finite number") from None
    if value is None:
        return None
    try:  # fast path: plain ASCII numbers, which most cells are
        number = float(value)
    except (TypeError, ValueError):
        number = None
    if number is not None and math.isfinite(number) and "_" not in value:
        return number
    text = clean_text(value)
    if text.lower() in MISSING_MARKERS or _ONLY_DASHES.match(text):
        return None
    text = text.replace(",", "").removesuffix("%")
    text = text.replace("−", "-")  # the minus sign U+2212 that NFKC keeps
    if text.startswith("+"):
        text = text[1:]
    try:
        if "_" in text:
            raise ValueError(text)
        number = float(text)
    except ValueError:
        raise NotANumber(f"{str(value)!r} is not a number or a missing marker (—, -, …, /, blank, 空)") from None
    if math.isnan(number) or math.isinf(number):
        raise NotANumber(f"{str(value)!r} is not a finite number")
    return number


def is_unit(text: str, known: frozenset[str] = frozenset()) -> bool:
    """Whether parenthesised text is a unit (亿元, 万千瓦时, %, or a catalog unit) rather than a qualifier
    such as 不含农户, 现价, 限额以上 or 含税."""
    text = unicodedata.normalize("NFKC", text).strip()
    return any(base in BASE_UNITS or base in known for _, base in _readings(text)) if text else False


def unit_in_header(header: str, known: frozenset[str] = frozenset()) -> str | None:
    """The unit printed in a header's parentheses, 固定资产投资（不含农户）（亿元） -> 亿元; None if there is
    none. Only a recognised unit counts (is_unit); a percent sign means the indicator's own unit."""
    text = unicodedata.normalize("NFKC", header or "")
    for found in _UNIT_IN_PARENS.findall(text):
        found = found.strip()
        if found != "%" and is_unit(found, known):
            return found
    return None


def strip_parenthesised(header: str) -> str:
    """Header text without its parenthesised parts: 固定资产投资（亿元） -> 固定资产投资."""
    return _UNIT_IN_PARENS.sub("", unicodedata.normalize("NFKC", header or "")).strip()


def strip_units(header: str, known: frozenset[str] = frozenset()) -> str:
    """Header text without its parenthesised units, qualifiers kept: 投资（不含农户）（亿元） -> 投资(不含农户)."""
    text = unicodedata.normalize("NFKC", header or "")
    return _UNIT_IN_PARENS.sub(lambda m: "" if is_unit(m.group(1), known) else m.group(0), text).strip()


def _readings(unit: str) -> list[tuple[float, str]]:
    """Ways to read a unit as scale x base: 万千瓦时 = 1 x 万千瓦时 or 1e4 x 千瓦时 (千瓦时 itself is a base)."""
    unit = unicodedata.normalize("NFKC", unit).strip()
    out = [(1.0, unit)]
    for prefix, scale in _PREFIXES:
        if unit.startswith(prefix) and len(unit) > len(prefix):
            out.append((scale, unit[len(prefix):]))
    return out


def unit_factor(from_unit: str | None, to_unit: str) -> float:
    """Multiplier taking a value printed in from_unit to to_unit (万元 -> 亿元 = 0.0001).

    Raises ValueError when the two units measure different things (亿元 vs 万千瓦时).
    """
    if not from_unit or unicodedata.normalize("NFKC", from_unit).strip() == unicodedata.normalize("NFKC", to_unit).strip():
        return 1.0
    shared = [(len(fb), fs / ts) for fs, fb in _readings(from_unit) for ts, tb in _readings(to_unit) if fb == tb]
    if not shared:
        raise ValueError(f"unit {from_unit!r} cannot be converted to the indicator's unit {to_unit!r}")
    return max(shared)[1]  # the longest common base: 千瓦时 rather than 瓦时


def preliminary_flag(value: object) -> bool | None:
    """A preliminary-flag cell as True (first estimate) / False (final), None when it is neither."""
    text = clean_text(value).lower()
    if text in _PRELIMINARY:
        return True
    if text in _FINAL:
        return False
    return None
