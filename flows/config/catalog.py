"""The reference catalog: places, peer groups, indicators, benchmarks and sources, read from config/*.yaml.

Everything bipin knows about a region comes from here, validated on load. A mistake is
reported as CatalogError naming the file, the key and what was expected.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from flows.config.names import NameProblem, describe_errors, did_you_mean
from flows.config.yamlfile import UNREADABLE, read_yaml

CATALOG_FILES = ("places", "groups", "indicators", "benchmarks", "sources")


class CatalogError(Exception):
    """Config that cannot be used; the message says where and what to fix."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Place(_Model):
    code: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str
    short_name: str
    division_code: str | None = None
    parent: str | None = None
    level: Literal["country", "province", "state", "city", "county"] = "county"
    aliases: tuple[str, ...] = ()

    @property
    def all_names(self) -> tuple[str, ...]:
        return (self.name, self.short_name, *self.aliases)


class Membership(_Model):
    place: str
    valid_from: date = date(1900, 1, 1)
    valid_to: date | None = None  # exclusive: the first day the place is no longer a member

    @model_validator(mode="after")
    def _ordered(self) -> Membership:
        if self.valid_to is not None and self.valid_to <= self.valid_from:
            raise ValueError(f"valid_to {self.valid_to} must be after valid_from {self.valid_from}")
        return self


class Scoring(_Model):
    method: Literal["rank_points", "zscore"] = "rank_points"
    weights: dict[str, float] = Field(default_factory=dict)  # indicator code -> weight; missing = 1.0
    default_weight: float = 1.0


class Group(_Model):
    code: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str
    label: str  # how a bulletin names the ranking scope: 全市, 山区26县, 全省
    first_tier_size: int = Field(default=3, ge=1)
    scoring: Scoring = Scoring()
    members: tuple[Membership, ...] = ()
    members_with_parent: str | None = None  # shorthand: every county-level place under this parent
    members_all_counties: bool = False      # shorthand: every county-level place in the catalog
    # share of the members valid on a period that must have an observation row (a value or the
    # publisher's missing marker) before the group's slice is published (docs/RULES.md, coverage)
    min_coverage: float = Field(default=1.0, gt=0, le=1)


class Indicator(_Model):
    code: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str
    unit: str
    kind: Literal["ytd", "stock", "rate", "monthly"] = "ytd"
    basis: Literal["growth", "level"] = "growth"
    direction: Literal["higher", "lower"] = "higher"
    frequency: Literal["monthly", "quarterly"] = "monthly"
    jan_feb_combined: bool = True
    is_key: bool = False
    aliases: tuple[str, ...] = ()
    # Plausibility limits (docs/RULES.md, "Ingest checks"): beyond them a value is flagged (kept, never ranked) or,
    # with implausible: reject, rejects its file. Growth in percent; levels in the indicator's unit.
    plausible_growth_pct: tuple[float, float] = (-100.0, 1000.0)
    plausible_min: float | None = None
    plausible_max: float | None = None
    plausible_history_factor: float | None = Field(default=100.0, gt=1)  # x the place's usual magnitude
    implausible: Literal["flag", "reject"] = "flag"

    @model_validator(mode="after")
    def _limits_ordered(self) -> Indicator:
        low, high = self.plausible_growth_pct
        if low >= high:
            raise ValueError(f"indicator {self.code}: plausible_growth_pct {[low, high]} must be [low, high]")
        if self.plausible_min is not None and self.plausible_max is not None and self.plausible_min >= self.plausible_max:
            raise ValueError(f"indicator {self.code}: plausible_min must be below plausible_max")
        return self

    @property
    def calendar(self) -> str:
        if self.frequency == "quarterly":
            return "quarterly"
        return "monthly_jf" if self.jan_feb_combined else "monthly"


class Benchmark(_Model):
    focus: str
    learn_from: str | None = None
    learn_from_group: str | None = None
    overtake: str | None = None
    overtake_group: str | None = None


class Source(_Model):
    """How one publisher's files are laid out. Readers interpret `options`."""

    model_config = ConfigDict(extra="allow", frozen=True, allow_inf_nan=False)
    code: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str = ""
    pattern: str | tuple[str, ...]  # glob(s) on the file name
    layout: Literal["wide", "long"]
    format: Literal["auto", "csv", "xlsx", "xls", "html", "pdf", "parquet"] = "auto"
    encoding: str | None = None  # None = detect
    values: Literal["ytd", "monthly"] = "ytd"
    unit_scale: dict[str, float] = Field(default_factory=dict)


class Catalog(_Model):
    places: tuple[Place, ...]
    groups: tuple[Group, ...]
    indicators: tuple[Indicator, ...]
    benchmarks: tuple[Benchmark, ...] = ()
    sources: tuple[Source, ...] = ()
    settings: dict[str, Any] = Field(default_factory=dict)

    @field_validator("places", "groups", "indicators", "sources")
    @classmethod
    def _unique_codes(cls, items):
        seen: set[str] = set()
        for item in items:
            if item.code in seen:
                raise ValueError(f"duplicate code {item.code!r}")
            seen.add(item.code)
        return items

    @model_validator(mode="after")
    def _references(self) -> Catalog:
        places = {p.code for p in self.places}
        problems = []
        for p in self.places:
            if p.parent and p.parent not in places:
                problems.append(f"places.yaml: place {p.code}: parent {p.parent!r} is not a place code"
                                + did_you_mean(p.parent, places))
        for g in self.groups:
            for m in g.members:
                if m.place not in places:
                    problems.append(f"groups.yaml: group {g.code}: member {m.place!r} is not a place code"
                                    + did_you_mean(m.place, places))
            if g.members_with_parent and g.members_with_parent not in places:
                problems.append(f"groups.yaml: group {g.code}: members_with_parent {g.members_with_parent!r} is not a place code")
        codes = {i.code for i in self.indicators}
        for g in self.groups:
            for ind in g.scoring.weights:
                if ind not in codes:
                    problems.append(f"groups.yaml: group {g.code}: scoring weight for unknown indicator {ind!r}")
        # benchmarks.yaml takes names or codes (flows/config/names.py); stored as codes from here on
        benchmarks, found = _benchmark_codes(self)
        self.__dict__["benchmarks"] = benchmarks
        problems += found
        names: dict[str, str] = {}
        for p in self.places:
            for n in p.all_names:
                if n in names and names[n] != p.code and p.level == "county":
                    problems.append(f"places.yaml: name {n!r} is used by both {names[n]} and {p.code}; make aliases unique")
                names.setdefault(n, p.code)
        if problems:
            raise ValueError("\n  ".join(problems))
        return self

    @property
    def calendar_years(self) -> tuple[int, int]:
        """First and last year of the release calendar (settings.yaml calendar_years; default 2000 to next year)."""
        years = self.settings.get("calendar_years", [2000, date.today().year + 1])
        return int(years[0]), int(years[1])

    # -- lookups -------------------------------------------------------------
    def place(self, code: str) -> Place:
        return self._by_code("places")[code]

    def group(self, code: str) -> Group:
        return self._by_code("groups")[code]

    def indicator(self, code: str) -> Indicator:
        return self._by_code("indicators")[code]

    def _by_code(self, attr: str) -> dict:
        return {item.code: item for item in getattr(self, attr)}

    def memberships(self, group: Group) -> list[Membership]:
        """Explicit members plus those the shorthands name."""
        out = list(group.members)
        if group.members_with_parent:
            out += [Membership(place=p.code) for p in self.places
                    if p.parent == group.members_with_parent and p.level == "county"]
        if group.members_all_counties:
            out += [Membership(place=p.code) for p in self.places if p.level == "county"]
        return out

    def alias_map(self) -> dict[str, str]:
        """Every printed name (official, short, alias) -> place code."""
        out: dict[str, str] = {}
        for p in self.places:
            for n in p.all_names:
                out.setdefault(n, p.code)
        return out


def _benchmark_codes(catalog: Catalog) -> tuple[tuple[Benchmark, ...], list[str]]:
    from flows.config.names import group_code, place_code

    out, problems = [], []
    for b in catalog.benchmarks:
        values = b.model_dump()
        for field_name in ("focus", "learn_from", "overtake", "learn_from_group", "overtake_group"):
            if values[field_name]:
                try:
                    values[field_name] = (group_code(catalog, values[field_name], values["focus"])
                                          if field_name.endswith("_group") else place_code(catalog, values[field_name]))
                except NameProblem as exc:
                    problems.append(f"benchmarks.yaml: benchmark {b.focus}: {field_name}: {exc}")
        out.append(Benchmark(**values))
    return tuple(out), problems


def load_catalog(config_dir: str | Path) -> Catalog:
    """The catalog files of one folder on their own (tests, benchmarks); the job reads flows.config.model.Config."""
    config_dir = Path(config_dir)
    if not config_dir.is_dir():
        raise CatalogError(f"config folder {config_dir} does not exist (set --config or BIPIN_CONFIG_DIR)")
    contents, problems = {}, []
    for name in (*CATALOG_FILES, "settings"):
        path = config_dir / f"{name}.yaml"
        if path.exists():
            contents[path], found = read_yaml(path)
            problems += found
    catalog, found = catalog_from(config_dir, contents)
    if problems or found:
        raise CatalogError("invalid catalog:\n  " + "\n  ".join(problems + found))
    return catalog


def catalog_from(config_dir: Path, contents: dict[Path, Any]) -> tuple[Catalog | None, list[str]]:
    """(the catalog or None, every problem) from the read contents of places.yaml ... settings.yaml."""
    data: dict[str, Any] = {}
    origin: dict[str, Path] = {}
    problems: list[str] = []
    for name in (*CATALOG_FILES, "settings"):
        path = Path(config_dir) / f"{name}.yaml"
        if path not in contents:
            if name in ("places", "groups", "indicators"):
                problems.append(f"{path}: missing; the catalog needs places.yaml, groups.yaml and indicators.yaml")
            continue
        content = contents[path]
        if content is UNREADABLE:
            continue  # read_yaml said why
        content = content or {}
        if not isinstance(content, dict) or (name != "settings" and name not in content):
            problems.append(f"{path}: expected a mapping with a top-level key '{name}:'")
            continue
        data[name] = content if name == "settings" else content[name]
        origin[name] = path
    if problems or not {"places", "groups", "indicators"} <= set(data):
        return None, problems
    try:
        return Catalog.model_validate(data), []
    except ValidationError as exc:
        return None, describe_errors(exc, origin, data)
