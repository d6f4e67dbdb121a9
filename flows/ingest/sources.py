"""Typed options of a config/sources.yaml entry, and which source a file belongs to.

`flows.config.catalog.Source` keeps the common keys and allows extra ones; this module gives those
extra keys their types and defaults, so a misspelt option is a clear config error, not a silent default.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from flows.config.catalog import Catalog, CatalogError, Source
from flows.config.inbox import name_matches
from flows.config.names import did_you_mean

TOTAL_NAMES = ("全市", "全省", "合计", "全市合计", "总计", "全县", "全区", "全省合计")
PLACE_HEADERS = ("地区", "县(市、区)", "县市区", "县(市,区)", "区域", "单位", "地区名称", "名称")


class LongColumns(BaseModel):
    """Header names of a long table's columns (place is required, the rest as the source has them)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    place: str
    indicator: str | None = None
    period: str | None = None
    value: str | None = None
    growth: str | None = None
    rank: str | None = None
    unit: str | None = None


class SourceOptions(BaseModel):
    """Everything a reader and a layout need to know about one source."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str
    name: str = ""
    pattern: str | tuple[str, ...]            # glob(s) on the file name
    layout: Literal["wide", "long"]
    format: Literal["auto", "csv", "xlsx", "xls", "html", "pdf", "parquet"] = "auto"
    encoding: str | None = None
    values: Literal["ytd", "monthly"] = "ytd"
    unit_scale: dict[str, float] = Field(default_factory=dict)  # indicator code -> multiplier applied first
    sheet: str | int | None = None            # xlsx: sheet name or 0-based index; None = first
    delimiter: str = ","
    period_from: tuple[Literal["title", "filename", "fixed", "column"], ...] = ("title", "filename")
    period: str | None = None                 # fixed period label when period_from has 'fixed'
    period_pattern: str = r"(\d{4})[-_]?(\d{2}|Q[1-4])(?!\d)"  # how a file name carries its period
    place_headers: tuple[str, ...] = PLACE_HEADERS
    total_names: tuple[str, ...] = TOTAL_NAMES
    total_place: str | None = None            # place code the total row stands for; None = infer from parents
    unit: str | None = None                   # unit of every value unless a header or `units` says otherwise
    units: dict[str, str] = Field(default_factory=dict)  # indicator code -> unit printed by this source
    columns: LongColumns | None = None        # long layout
    indicator: str | None = None              # long layout with one fixed indicator (code or name)
    value_columns: dict[str, str] = Field(default_factory=dict)  # long layout: column -> indicator code
    growth_limit_pct: float = 100.0
    # the group this publisher's 位次 rank within (a group code); None = the smallest group holding every
    # county the file ranks (flows/ingest/rank_groups.py)
    rank_group: str | None = None
    # an annual table (2020年度, 全年, a title with only a year, 统计公报; a period cell 2020 / 2020年) loads as
    # the year's 1-12月 period; "reject" rejects such a file as bad_period instead
    annual: Literal["1-12月", "reject"] = "1-12月"
    # where the publisher marks first estimates (docs/RULES.md, "Ingest checks"): a long table's column
    # (true/yes/1/p/快报/初步数 = preliminary; blank/false/no/0/final/正式 = final), and/or words that mark a
    # whole wide table preliminary when its title or its notes (rows after the table) contain one
    preliminary_column: str | None = None
    preliminary_words: tuple[str, ...] = ()


def source_options(catalog: Catalog) -> list[SourceOptions]:
    """Typed options of every source, in config order; CatalogError naming the source and key."""
    out = []
    indicator_codes = {i.code for i in catalog.indicators}
    for n, src in enumerate(catalog.sources):
        data = src.model_dump()
        try:
            opts = SourceOptions.model_validate(data)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            raise CatalogError(f"sources.yaml: sources[{n}] (code={src.code}): {problems}") from None
        if opts.layout == "long" and opts.columns is None:
            raise CatalogError(f"sources.yaml: sources[{n}] (code={src.code}): a long layout needs 'columns' "
                               "with at least 'place'")
        if opts.rank_group is not None and opts.rank_group not in {g.code for g in catalog.groups}:
            hint = did_you_mean(opts.rank_group, [g.code for g in catalog.groups], n=1)
            raise CatalogError(f"sources.yaml: sources[{n}] (code={src.code}): rank_group {opts.rank_group!r} is not a "
                               f"group code (groups.yaml has {', '.join(g.code for g in catalog.groups)}){hint}")
        for code in (*opts.value_columns.values(), *opts.units, *opts.unit_scale):
            if code not in indicator_codes:
                raise CatalogError(f"sources.yaml: sources[{n}] (code={src.code}): {code!r} is not an indicator code")
        out.append(opts)
    return out


def match_source(path: Path, sources: list[SourceOptions]) -> SourceOptions | None:
    """The first source whose pattern matches the file name (config order decides), ignoring case: a
    bureau's `金华_2026年1-10月.XLS` is the same file form as `.xls` (fnmatch is case-sensitive on Linux)."""
    for src in sources:
        if name_matches(path.name, (src.pattern,) if isinstance(src.pattern, str) else src.pattern):
            return src
    return None


def file_format(path: Path, src: SourceOptions) -> str:
    """csv / xlsx / parquet: declared by the source, else told by the extension."""
    if src.format != "auto":
        return src.format
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix in (".parquet", ".pq"):
        return "parquet"
    return "csv"


__all__ = ["Source", "SourceOptions", "LongColumns", "source_options", "match_source", "file_format"]
