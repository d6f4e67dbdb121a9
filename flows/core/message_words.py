"""Ingest's message codes in Chinese, for what operators read: errors.txt, the CLI, the digest.

raw.file_messages carries a short code per rule (unknown_place, not_numeric ...) and an English text
for logs; the English text quotes the offending cell or name with Python's repr ('待核', '武义新城').
Here each code says in Chinese what happened and what to do, and `zh_line` quotes the same value,
so an operator sees the bad cell without reading English. A code not listed (a rule added later)
falls back to the English message, so nothing is ever dropped.
"""

from __future__ import annotations

import re

# code -> (what happened, what to do); the second part may be empty
REASONS: dict[str, tuple[str, str]] = {
    "unknown_source": ("文件名不符合任何已配置的数据来源", "检查 config/sources.yaml 的 pattern"),
    "unreadable_file": ("文件无法打开或已损坏", "请数据提供方重新导出"),
    "bad_encoding": ("文字编码无法识别", "另存为 UTF-8 或 GBK 后重新放入收件箱"),
    "missing_sheet": ("找不到应有的工作表", "检查 config/sources.yaml 的 sheet"),
    "empty_file": ("文件或表格没有数据", ""),
    "missing_columns": ("缺少必需的列或找不到表头", "检查表头是否与 config/sources.yaml 一致"),
    "bad_period": ("无法确定数据所属期别", "检查标题或文件名中的年月"),
    "period_disagrees": ("标题与文件名中的期别不一致", "核对后改正标题或文件名"),
    "period_in_future": ("期别晚于当前日期", "核对标题或文件名中的年月"),
    "period_outside_calendar": ("期别不在 settings.yaml 的 calendar_years 范围内", "核对年月，或扩大 calendar_years"),
    "unknown_place": ("有地区名称不在地名表中", "在 config/places.yaml 中加为别名"),
    "unknown_indicator": ("有指标名称不在指标表中", "在 config/indicators.yaml 中加为别名"),
    "duplicate_observation": ("同一地区、指标、期别出现多次", ""),
    "not_numeric": ("有数值不是数字", "改正单元格后重新放入收件箱"),
    "bad_unit": ("单位与指标不符", "检查表头单位或 config/sources.yaml 的 units"),
    "bad_flag": ("初步数标记无法识别", "检查 config/sources.yaml 的 preliminary_words"),
    "implausible_value": ("数值与往期相比不合常理", "请核对原表"),
    "format_mismatch": ("文件扩展名与实际格式不符", ""),
    "load_failed": ("写入数据库失败", "查看 bipin 日志"),
    "growth_out_of_range": ("增速超出合理范围", "请核对原表"),
    "rank_disagrees": ("表中位次与按数值计算的位次不一致", ""),
    "ytd_decreased": ("本年累计值比上期减少", "请核对原表"),
    "place_missing": ("表中缺少应有的地区", ""),
    "indicator_missing": ("缺少上一期文件中有的指标", "检查表格是否少了一组列，或发布方停发了该指标"),
}
SEVERITY_WORDS = {"error": "错误", "warning": "提示"}
_QUOTED = re.compile(r"""'([^']{1,60})'|"([^"]{1,60})\"""")


def reason(code: str, message: str) -> str:
    """地区名称不在地名表中（在 config/places.yaml 中加为别名）, or the message for a code not listed."""
    what, todo = REASONS.get(code, ("", ""))
    if not what:
        return message or code
    return f"{what}（{todo}）" if todo else what


def where(sheet: str | None, row: int | None, column: str | None) -> str:
    return "".join(x for x in (f"表{sheet}" if sheet else "", f"第{row}行" if row else "",
                               f"{column}列" if column else ""))


def quoted(message: str) -> str | None:
    """The cell text or name the English message quotes ('待核' -> 待核), if any."""
    found = _QUOTED.search(message or "")
    return (found.group(1) or found.group(2)) if found else None


def zh_line(severity: str, code: str, message: str, sheet=None, row=None, column=None) -> str:
    """【错误】第4行B (规上工业增加值 累计)列：有数值不是数字：'待核'（改正单元格后重新放入收件箱）"""
    what, todo = REASONS.get(code, ("", ""))
    if not what:
        return f"【{SEVERITY_WORDS.get(severity, severity)}】{where(sheet, row, column) or '文件'}：{message}"
    value = quoted(message)
    return (f"【{SEVERITY_WORDS.get(severity, severity)}】{where(sheet, row, column) or '文件'}：{what}"
            + (f"：'{value}'" if value is not None else "") + (f"（{todo}）" if todo else ""))
