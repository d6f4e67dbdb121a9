"""Annual targets (年度目标任务) per year, place and indicator, read from config/targets.yaml.

A target is either growth in % (比上年增长) or a level in the indicator's unit (全年完成 N 亿元).
An indicator gives one number (the old form: the county's own target) or a pair: `assigned` (上级下达,
`by` whom) and `own` (自我加压), each with the day it was set (`set_on`) and its later `raises`; the rule
that a target may be raised, never lowered (只能加压不能打折) lives in flows/config/target_history.py.
The file is optional; when present it is validated against the catalog like the rest of config/
and mirrored into ref.targets and ref.target_revisions by flows.warehouse.db.sync_catalog. Problems
name the file, the entry and the key, and say what is expected.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, ValidationError, model_validator

from flows.config.catalog import Catalog, CatalogError
from flows.config.names import NameProblem, error_text, normalise_name, place_code
from flows.config.target_history import TargetRevision, history_problems, revisions_of
from flows.config.yamlfile import UNREADABLE, read_yaml

TARGETS_FILE = "targets.yaml"


class TargetsError(CatalogError):
    """targets.yaml cannot be used; the message says where and what to fix."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)  # .nan / .inf are no target


class TargetValue(_Model):
    growth: float | None = None  # % on last year
    level: float | None = None   # in `unit`, which must be the indicator's unit
    unit: str | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> TargetValue:
        if (self.growth is None) == (self.level is None):
            raise ValueError("give exactly one of growth (in %) or level (with its unit)")
        if self.level is not None and not self.unit:
            raise ValueError("a level target needs its unit (the indicator's unit, e.g. 亿元)")
        if self.growth is not None and self.growth <= -100:
            raise ValueError(f"growth {self.growth}% would mean nothing at all; a growth target is above -100 (%)")
        if self.growth is not None and self.unit not in (None, "%"):
            raise ValueError(f"a growth target is in %, not {self.unit!r}")
        return self


class TargetRaise(TargetValue):
    set_on: date              # the day the raise was decided
    note: str | None = None   # 年中加压, 县委常委会议定 ...


class TargetSide(TargetValue):
    """One of the pair: the number set at the start of the year, who set it, when, and its raises."""

    by: str | None = None     # who assigned it (金华市) or set it (县政府)
    set_on: date | None = None
    raises: tuple[TargetRaise, ...] = ()


class TargetPair(_Model):
    assigned: TargetSide | None = None  # 上级下达: the floor that must be met
    own: TargetSide | None = None       # 自我加压: what the county is judged on internally

    @model_validator(mode="after")
    def _some(self) -> TargetPair:
        if self.assigned is None and self.own is None:
            raise ValueError("give assigned (上级下达), own (自我加压) or both")
        return self


def _form(value: Any) -> str:
    """The pair form names assigned/own; anything else is the one-number form."""
    return "pair" if isinstance(value, dict) and {"assigned", "own"} & set(value) else "single"


PAIR_TAGS = ("pair", "single")  # pydantic puts the form in an error's location; _where leaves it out
IndicatorTarget = Annotated[Annotated[TargetPair, Tag("pair")] | Annotated[TargetSide, Tag("single")],
                            Discriminator(_form)]


class TargetEntry(_Model):
    year: int = Field(ge=2000, le=2100)
    place: str
    source: str | None = None      # where the target comes from, e.g. 2026年政府工作报告
    synthetic: bool | None = None  # None: the file's own `synthetic` flag
    indicators: dict[str, IndicatorTarget]


class TargetsFile(_Model):
    synthetic: bool = False  # invented numbers (the demo): briefings say so
    note: str | None = None
    targets: tuple[TargetEntry, ...] = ()


class Target(_Model):
    """One resolved target, as ref.targets holds it; its history as ref.target_revisions holds it."""

    year: int
    place_code: str
    indicator_code: str
    basis: str       # growth / level
    target: float    # the newest number the county is judged on: own, else assigned
    unit: str        # % for growth, the indicator's unit for level
    source_note: str | None
    is_synthetic: bool
    revisions: tuple[TargetRevision, ...] = ()  # empty: one own target, `target`, with no date

    def row(self) -> tuple:
        return (self.year, self.place_code, self.indicator_code, self.basis, self.target, self.unit,
                self.source_note, self.is_synthetic)

    def revision_rows(self) -> list[tuple]:
        """(year, place, indicator, kind, seq, target, set_on, set_by, note) per revision."""
        history = self.revisions or (TargetRevision(kind="own", seq=0, target=self.target),)
        return [(self.year, self.place_code, self.indicator_code, *r.row()) for r in history]


def read_targets(config_dir: str | Path, catalog: Catalog) -> tuple[list[Target], list[str]]:
    """(targets that are valid, problems) of targets.yaml on its own: every problem names file, entry and key."""
    path = Path(config_dir) / TARGETS_FILE
    if not path.exists():
        return [], []
    content, problems = read_yaml(path)
    targets, found = targets_from(path, content, catalog)
    return targets, problems + found


def targets_from(path: Path, content: Any, catalog: Catalog) -> tuple[list[Target], list[str]]:
    """(valid targets, problems) of targets.yaml's content (None: no file)."""
    if content is None or content is UNREADABLE:
        return [], []
    if not isinstance(content, dict) or "targets" not in content:
        return [], [f"{path}: expected a mapping with a top-level key 'targets:'"]
    try:
        parsed = TargetsFile.model_validate(content)
    except ValidationError as exc:
        return [], [f"{path}: {_where(err['loc'], content)}: {error_text(err, TargetsFile)}"
                    for err in exc.errors()]
    return _resolve(path, parsed, catalog)


def validate_targets(config_dir: str | Path, catalog: Catalog) -> list[str]:
    """The problems of config/targets.yaml (empty: valid or absent), for `bipin catalog check`."""
    return read_targets(config_dir, catalog)[1]


def load_targets(config_dir: str | Path, catalog: Catalog) -> tuple[Target, ...]:
    """Every target of config/targets.yaml (none when absent); raise TargetsError listing all problems."""
    targets, problems = read_targets(config_dir, catalog)
    if problems:
        raise TargetsError("invalid targets:\n  " + "\n  ".join(problems))
    return tuple(targets)


def _resolve(path: Path, parsed: TargetsFile, catalog: Catalog) -> tuple[list[Target], list[str]]:
    """Names to codes and the catalog checks: place, indicator, basis against the indicator, unit."""
    out: list[Target] = []
    problems: list[str] = []
    seen: dict[tuple[int, str, str], str] = {}
    for n, entry in enumerate(parsed.targets):
        where = f"{path}: targets[{n}] (year={entry.year}, place={entry.place})"
        try:
            place = place_code(catalog, entry.place)
        except NameProblem as exc:
            problems.append(f"{where}.place: {exc} (use its code or a name)")
            continue
        for key, value in entry.indicators.items():
            indicator = _indicator(catalog, key)
            if indicator is None:
                problems.append(f"{where}.indicators.{key}: not an indicator in indicators.yaml (use its code or name)")
                continue
            sides = {"own": value} if isinstance(value, TargetSide) else {
                kind: side for kind, side in (("assigned", value.assigned), ("own", value.own)) if side}
            single = isinstance(value, TargetSide)  # the one-number form: no assigned/own key in the file
            found = [f"{where}.indicators.{key}{'' if single else '.' + kind}{p}"
                     for kind, side in sides.items() for p in _side_problems(indicator, side)]
            if not found:
                found = [f"{where}.indicators.{key}.{p.removeprefix('own.') if single else p}"
                         for p in history_problems(indicator, sides)]
            if found:
                problems += found
                continue
            revisions = revisions_of(sides)
            value = sides.get("own") or sides["assigned"]
            slot = (entry.year, place, indicator.code)
            if slot in seen:
                problems.append(f"{where}.indicators.{key}: {indicator.code} already has a {entry.year} target "
                                f"for {place} ({seen[slot]}); keep one")
                continue
            seen[slot] = f"targets[{n}]"
            basis = "growth" if value.growth is not None else "level"
            out.append(Target(
                year=entry.year, place_code=place, indicator_code=indicator.code, basis=basis,
                target=max((r for r in revisions if r.kind == value_kind(sides)), key=lambda r: r.seq).target,
                unit="%" if basis == "growth" else indicator.unit, source_note=entry.source,
                is_synthetic=parsed.synthetic if entry.synthetic is None else entry.synthetic,
                revisions=revisions,
            ))
    return out, problems


def value_kind(sides: dict[str, TargetSide]) -> str:
    """The target the county is judged on: its own when set, else the assigned one."""
    return "own" if "own" in sides else "assigned"


def _side_problems(indicator, side: TargetSide) -> list[str]:
    """The basis and unit rules for the number set and each raise (a raise keeps the basis); each problem
    starts with where under the side (": ..." itself, ".raises[0]: ..." a raise)."""
    out = [f": {p}" for p in (_basis_problem(indicator, side),) if p]
    basis = "growth" if side.growth is not None else "level"
    for n, step in enumerate(side.raises):
        if ("growth" if step.growth is not None else "level") != basis:
            out.append(f".raises[{n}]: a raise keeps the target's basis ({basis}); give {basis}")
        elif problem := _basis_problem(indicator, step):
            out.append(f".raises[{n}]: {problem}")
    return out


def _indicator(catalog: Catalog, key: str):
    """The indicator a target names by code, name or alias, in any width (never by a shortening)."""
    names = {normalise_name(n).lower(): i for i in catalog.indicators for n in (i.code, i.name, *i.aliases)}
    return names.get(normalise_name(key).lower())


def _basis_problem(indicator, value: TargetValue) -> str | None:
    """A growth target needs an indicator published with growth; a level target the indicator's unit."""
    if value.growth is not None and indicator.kind == "rate":
        return (f"{indicator.code} ({indicator.name}) is a rate published without growth: "
                f"give a level target in {indicator.unit}")
    if value.level is not None and value.unit != indicator.unit:
        return (f"level target unit {value.unit!r} is not the indicator's unit {indicator.unit!r}; "
                f"give the level in {indicator.unit}")
    low, high = indicator.plausible_min, indicator.plausible_max
    if value.level is not None and ((low is not None and value.level < low) or (high is not None and value.level > high)):
        return (f"level {value.level} {indicator.unit} is outside what {indicator.code} can be "
                f"({low if low is not None else '-inf'} to {high if high is not None else 'inf'})")
    return None


def _where(loc: tuple, content: dict[str, Any]) -> str:
    """targets[2].indicators.gdp (year=2026, place=wuyi) so the operator can find the entry."""
    parts: list[str] = []
    node: Any = content
    for item in loc:
        if item in PAIR_TAGS and not (isinstance(node, dict) and item in node):
            continue
        if isinstance(item, int) and parts:
            parts[-1] += f"[{item}]"
            node = node[item] if isinstance(node, list) and item < len(node) else None
            if isinstance(node, dict) and "year" in node and "place" in node:
                parts[-1] += f" (year={node['year']}, place={node['place']})"
        else:
            parts.append(str(item))
            node = node.get(item) if isinstance(node, dict) else None
    return ".".join(parts) or "(top level)"
