"""The units answerable for each indicator (各单位、各条线), read from config/units.yaml.

Per place, each unit (经信局, 发改局, 商务局 ...) with the indicators it leads (牵头) and those it supports
(配合). An indicator has one lead unit and any number of supporting ones; a place that lists units must
give every ranked indicator a lead, so the weekly roll-call (晾晒比拼) leaves none unanswered. The file is
optional; when present `bipin catalog check` validates it and flows.warehouse.db.sync_units mirrors it
into ref.unit_indicators. Problems name the file, the entry and the key, and say what to do.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from flows.config.catalog import Catalog, CatalogError
from flows.config.names import NameProblem, did_you_mean, error_text, key_path, normalise_name, place_code
from flows.config.yamlfile import UNREADABLE, read_yaml

UNITS_FILE = "units.yaml"


class UnitsError(CatalogError):
    """units.yaml cannot be used; the message says where and what to fix."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class UnitEntry(_Model):
    name: str = Field(min_length=1)        # as briefings name it: 经信局
    full_name: str | None = None           # 武义县经济和信息化局
    leads: tuple[str, ...] = ()            # indicators it answers for (牵头)
    supports: tuple[str, ...] = ()         # indicators it helps with (配合)


class PlaceUnits(_Model):
    place: str
    units: tuple[UnitEntry, ...]


class UnitsFile(_Model):
    synthetic: bool = False  # invented (the demo's): said in the file, as targets.yaml does
    note: str | None = None
    places: tuple[PlaceUnits, ...] = ()


class Unit(_Model):
    """One resolved unit of a place: indicators as codes, in units.yaml's order."""

    place_code: str
    name: str
    full_name: str | None
    order: int
    leads: tuple[str, ...]
    supports: tuple[str, ...]
    is_synthetic: bool = False

    def role(self, indicator_code: str) -> str | None:
        return "lead" if indicator_code in self.leads else "support" if indicator_code in self.supports else None


def read_units(config_dir: str | Path, catalog: Catalog) -> tuple[list[Unit], list[str]]:
    """(valid units, problems) of units.yaml on its own (tests; the job reads Config.units)."""
    path = Path(config_dir) / UNITS_FILE
    content, problems = read_yaml(path) if path.exists() else (None, [])
    units, found = units_from(path, content, catalog)
    return units, problems + found


def units_from(path: Path, content: Any, catalog: Catalog) -> tuple[list[Unit], list[str]]:
    """(valid units, every problem) of units.yaml's content (None: no file): each names file, entry and key."""
    if content is None or content is UNREADABLE:
        return [], []  # read_yaml said why it is unreadable
    if not isinstance(content, dict) or "places" not in content:
        return [], [f"{path}: expected a mapping with a top-level key 'places:'"]
    try:
        parsed = UnitsFile.model_validate(content)
    except ValidationError as exc:
        return [], [f"{path}: {key_path(list(err['loc']), content)}: {error_text(err, UnitsFile)}" for err in exc.errors()]
    return _resolve(path, parsed, catalog)


def validate_units(config_dir: str | Path, catalog: Catalog) -> list[str]:
    """The problems of config/units.yaml (empty: valid or absent), for `bipin catalog check`."""
    return read_units(config_dir, catalog)[1]


def load_units(config_dir: str | Path, catalog: Catalog) -> tuple[Unit, ...]:
    """Every unit of config/units.yaml (none when absent); raise UnitsError listing all problems."""
    units, problems = read_units(config_dir, catalog)
    if problems:
        raise UnitsError("invalid units:\n  " + "\n  ".join(problems))
    return tuple(units)


def unit_rows(units: tuple[Unit, ...]) -> list[tuple]:
    """ref.unit_indicators rows: (place, unit, full name, order, indicator, role, synthetic)."""
    return [(u.place_code, u.name, u.full_name, u.order, code, role, u.is_synthetic)
            for u in units for role, codes in (("lead", u.leads), ("support", u.supports)) for code in codes]


def find_unit(units: tuple[Unit, ...], name: str, place: str | None = None) -> Unit:
    """The unit called `name` (or its full name), of `place` when given; UnitsError says what exists."""
    key = normalise_name(name)
    found = [u for u in units if key in (normalise_name(u.name), normalise_name(u.full_name))
             and (place is None or u.place_code == place)]
    if len(found) == 1:
        return found[0]
    if found:
        raise UnitsError(f"unit {name!r} exists in {', '.join(u.place_code for u in found)}; name the place too")
    known = [u.name for u in units if place is None or u.place_code == place]
    raise UnitsError(f"unit {name!r} is not in {UNITS_FILE}" + (f" for {place}" if place else "")
                     + did_you_mean(name, known) + "; add it under places: units: in config/units.yaml")


def _resolve(path: Path, parsed: UnitsFile, catalog: Catalog) -> tuple[list[Unit], list[str]]:
    # names in the one normal form (flows/config/names.py), as targets.yaml reads them: never by a shortening
    indicators = {normalise_name(n).lower(): i.code for i in catalog.indicators for n in (i.code, i.name, *i.aliases)}
    out: list[Unit] = []
    problems: list[str] = []
    for n, entry in enumerate(parsed.places):
        where = f"{path}: places[{n}] (place={entry.place})"
        try:
            place = place_code(catalog, entry.place)
        except NameProblem as exc:
            problems.append(f"{where}.place: {exc} (use its code or a name)")
            continue
        lead_of: dict[str, str] = {}
        names: set[str] = set()
        for k, unit in enumerate(entry.units):
            at = f"{where}.units[{k}] (name={unit.name})"
            if unit.name in names:
                problems.append(f"{at}.name: {unit.name} is listed twice for {place}; keep one entry")
                continue
            names.add(unit.name)
            codes = {}
            for role in ("leads", "supports"):
                codes[role] = []
                for key in getattr(unit, role):
                    code = indicators.get(normalise_name(key).lower())
                    if code is None:
                        problems.append(f"{at}.{role}: {key!r} is not an indicator in indicators.yaml (use its code "
                                        f"or name)" + did_you_mean(normalise_name(key).lower(), indicators))
                    elif code in codes[role]:
                        problems.append(f"{at}.{role}: {key} is listed twice; keep one")
                    else:
                        codes[role].append(code)
            for code in set(codes["leads"]) & set(codes["supports"]):
                problems.append(f"{at}.supports: {code} is also in leads; a unit leads or supports an indicator")
            for code in codes["leads"]:
                if code in lead_of:
                    problems.append(f"{at}.leads: {code} ({catalog.indicator(code).name}) already has the lead unit "
                                    f"{lead_of[code]}; keep one lead (the other may list it under supports)")
                lead_of.setdefault(code, unit.name)
            out.append(Unit(place_code=place, name=unit.name, full_name=unit.full_name, order=k,
                            leads=tuple(codes["leads"]), supports=tuple(codes["supports"]),
                            is_synthetic=parsed.synthetic))
        orphans = [i for i in catalog.indicators if i.code not in lead_of]
        if orphans:
            shown = ", ".join(f"{i.code} ({i.name})" for i in orphans)
            problems.append(f"{where}.units: no lead unit for {len(orphans)} ranked indicator(s): {shown}; "
                            f"add each to one unit's leads")
    return out, problems


def unit_holders(people: list, units: tuple[Unit, ...]) -> tuple[list, list[str]]:
    """Recipients and robots that name a unit, with the unit written as units.yaml names it (any width,
    inner spaces: normalise_name), and the problems: a unit that is not one of its place's."""
    out, problems = [], []
    for r in people:
        if r.unit is None:
            out.append(r)
            continue
        mine = {normalise_name(u.name): u.name for u in units if u.place_code == r.place}
        name = mine.get(normalise_name(r.unit))
        if name is None:
            problems.append(f"{r.origin} (email={r.email}): unit {r.unit!r} is not a unit of {r.place} in "
                            f"{UNITS_FILE}" + did_you_mean(r.unit, list(mine.values()))
                            + "; add it there or correct the name")
        out.append(r.model_copy(update={"unit": name or r.unit}))
    return out, problems
