"""The operators' digest in Chinese: ingest's message codes as reasons, and names where the logs say codes.

raw.file_messages carries a short code per rule (unknown_place, not_numeric ...) and an English text
for the CLI. The digest says what the code means in Chinese and what to do; a code it does not know
(a rule added later) falls back to the message itself, so nothing is ever dropped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# a failing pull source's fault kind (pull.source_status.fault_kind) -> what to do, for the digest
PULL_FAULTS: dict[str, str] = {
    "login": "登录被拒，请核对 config/pull.yaml 的 user 和密码所在的环境变量",
    "certificate": "服务器证书不受信任，请在 config/pull.yaml 的 ca_file 配置其证书",
    "timeout": "服务器无响应（超时），下次运行会重试；持续出现请联系对方",
    "http": "网站返回错误，下次运行会重试；若网址已变请更新 config/pull.yaml 的 url",
    "garbage": "返回的内容不是预期的网页或文件，请核对 config/pull.yaml 的 url 和 link_pattern",
    "network": "无法连接服务器，请核对地址、端口和网络；下次运行会重试",
    "links": "部分表格链接多次下载失败，下次运行会重试",
    "incomplete": "传输中断，下次运行会重新下载",
}

# code -> (what happened, what to do); the second part may be empty
REASONS: dict[str, tuple[str, str]] = {
    "unknown_source": ("文件名不符合任何已配置的数据来源", "检查 config/sources.yaml 的 pattern"),
    "unreadable_file": ("文件无法打开或已损坏", "请数据提供方重新导出"),
    "bad_encoding": ("文字编码无法识别", "另存为 UTF-8 或 GBK 后重新放入收件箱"),
    "missing_sheet": ("找不到应有的工作表", "检查 config/sources.yaml 的 sheet"),
    "empty_file": ("文件或表格没有数据", ""),
    "missing_columns": ("缺少必需的列或找不到表头", "检查表头是否与 config/sources.yaml 一致"),
    "bad_period": ("无法确定数据所属期别", "检查标题或文件名中的年月"),
    "unknown_place": ("有地区名称不在地名表中", "在 config/places.yaml 中加为别名"),
    "unknown_indicator": ("有指标名称不在指标表中", "在 config/indicators.yaml 中加为别名"),
    "duplicate_observation": ("同一地区、指标、期别出现多次", ""),
    "not_numeric": ("有数值不是数字", "改正单元格后重新放入收件箱"),
    "bad_unit": ("单位与指标不符", "检查表头单位或 config/sources.yaml 的 units"),
    "load_failed": ("写入数据库失败", "查看 bipin 日志"),
    "growth_out_of_range": ("增速超出合理范围", "请核对原表"),
    "rank_disagrees": ("表中位次与按数值计算的位次不一致", ""),
    "ytd_decreased": ("本年累计值比上期减少", "请核对原表"),
    "place_missing": ("表中缺少应有的地区", ""),
    "indicator_missing": ("缺少上一期文件中有的指标", "检查表格是否少了一组列，或发布方停发了该指标"),
}

STATUS_WORDS = {"sent": "已发送", "skipped": "此前已发送", "dry_run": "试运行未发送", "blocked": "未发送",
                "failed_transient": "发送失败（临时，下次运行会重试）", "failed_permanent": "发送失败（永久）",
                "failed_render": "生成失败", "uncertain": "状态不明（未确认是否送达，不会自动重发）",
                "sending": "发送中断（未确认是否送达，不会自动重发）"}
TROUBLE = ("failed_transient", "failed_permanent", "failed_render", "uncertain", "sending", "blocked")


def reason(code: str, message: str) -> str:
    """地区名称不在地名表中（在 config/places.yaml 中加为别名）, or the message for a code not listed."""
    what, todo = REASONS.get(code, ("", ""))
    if not what:
        return message or code
    return f"{what}（{todo}）" if todo else what


def where(sheet: str | None, row: int | None, column: str | None) -> str:
    return "".join(x for x in (f"表{sheet}" if sheet else "", f"第{row}行" if row else "",
                               f"{column}列" if column else ""))


class Names:
    """Replaces place and indicator codes in free text with their Chinese names (wucheng -> 婺城)."""

    def __init__(self, names: Mapping[str, str]) -> None:
        self.names = dict(names)
        codes = sorted((c for c in self.names if c), key=len, reverse=True)
        # ASCII boundaries only: a code is a whole token even when Chinese touches it (地区wucheng)
        self._pattern = (re.compile(r"(?<![A-Za-z0-9_])(" + "|".join(map(re.escape, codes)) + r")(?![A-Za-z0-9_])")
                         if codes else None)

    def __call__(self, text: str) -> str:
        if not self._pattern or not text:
            return text
        return self._pattern.sub(lambda m: self.names[m.group(1)], text)
