"""Names operators write, resolved to catalog codes the same way everywhere, with "did you mean".

A peer group may be written as its code, its name or its label. A label (全市, 山区26县) names a
scope, not one group: 全市 is a different group for every city. So a label is resolved against a
place: the group with that label the place belongs to (全市 for 武义 = the Jinhua group). A label
that still fits more than one group, or none, is an error that lists the candidates.
Every name is compared in one normal form (normalise_name): NFKC, so full-width letters, digits,
parentheses and spaces read as their ASCII forms, and no whitespace at all, so 武义　县, 武义 县 and
武义县 are one name. Used by ingest (flows/ingest/resolve.py), targets.yaml, the recipients' lists,
benchmarks.yaml, the CLI's --place and --group, and `bipin catalog check`.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import AfterValidator

if TYPE_CHECKING:  # the catalog imports this module to resolve benchmark names
    from pydantic import ValidationError

    from flows.config.catalog import Catalog


DEFAULT_TIMEZONE = "Asia/Shanghai"  # the zone of every stored time when settings.yaml names none


class NameProblem(ValueError):
    """A name that matches nothing, or more than one thing; the message says which and what to write."""


def did_you_mean(text: object, choices: Iterable[str], n: int = 3) -> str:
    """'; did you mean 'weekly'?' for the closest choices, or '' when none is close."""
    close = difflib.get_close_matches(str(text), [str(c) for c in choices], n=n, cutoff=0.6)
    return f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""


def normalise_name(text: object) -> str:
    """The one form names are compared in: NFKC (full-width ＡＢ（）　 -> AB() and a space), no whitespace."""
    return "".join(unicodedata.normalize("NFKC", str(text or "")).split())


def place_names(catalog: Catalog) -> dict[str, str]:
    """Every way to write a place (code, official and short name, aliases) in normal form -> place code."""
    out = {normalise_name(name): code for name, code in catalog.alias_map().items()}
    out.update({normalise_name(p.code): p.code for p in catalog.places})
    return out


def place_code(catalog: Catalog, text: str) -> str:
    """Code of a place written as its code or any printed name (official, short, alias), in any width."""
    names = place_names(catalog)
    key = normalise_name(text)
    if key in names:
        return names[key]
    raise NameProblem(f"place {text!r} is not a known place code or name in places.yaml"
                      + did_you_mean(key, [*catalog.alias_map(), *(p.code for p in catalog.places)]))


def is_member(catalog: Catalog, group_code: str, place: str, on: date | None = None) -> bool:
    """Whether the place belongs to the group on that day (default today)."""
    day = on or date.today()
    return any(m.place == place and m.valid_from <= day and (m.valid_to is None or day < m.valid_to)
               for m in catalog.memberships(catalog.group(group_code)))


def group_code(catalog: Catalog, text: str, place: str | None = None) -> str:
    """Code of a group written as its code, name or label; a label is resolved against `place`."""
    key = normalise_name(text)
    for g in catalog.groups:
        if key in (g.code, normalise_name(g.name)):
            return g.code
    labelled = [g.code for g in catalog.groups if normalise_name(g.label) == key]
    if len(labelled) == 1:
        return labelled[0]
    if labelled and place:
        mine = [code for code in labelled if is_member(catalog, code, place)]
        if len(mine) == 1:
            return mine[0]
        raise NameProblem(
            f"group label {key!r} " + (f"fits {len(mine)} groups {place} belongs to ({', '.join(mine)})" if mine
                                       else f"names no group {place} belongs to")
            + f"; write the group code (groups labelled {key}: {', '.join(labelled)})")
    if labelled:
        raise NameProblem(f"group label {key!r} is ambiguous: {len(labelled)} groups carry it "
                          f"({', '.join(labelled)}); give a place, or write the group code")
    choices = [c for g in catalog.groups for c in (g.code, g.name, g.label)]
    raise NameProblem(f"group {text!r} is not a known group code, name or label in groups.yaml"
                      + did_you_mean(key, dict.fromkeys(choices)))


def timezone_problem(zone: str) -> str | None:
    """Why `zone` is no IANA time zone, with the closest names; None when it is one."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

    try:
        ZoneInfo(str(zone))
        return None
    except (ZoneInfoNotFoundError, ValueError):
        return (f"unknown time zone {zone!r} (expected an IANA name such as Asia/Shanghai)"
                + did_you_mean(zone, sorted(available_timezones())))


def _zone_name(zone: str) -> str:
    problem = timezone_problem(zone)
    if problem:
        raise ValueError(problem)
    return zone


# a pydantic field type: an IANA time zone name, refused with the closest names (settings.yaml, schedules)
TimeZoneName = Annotated[str, AfterValidator(_zone_name)]


def validation_hint(error: dict, fields: Iterable[str] = ()) -> str:
    """'did you mean' for a pydantic error on a fixed set of words: a Literal value, or an unknown key
    among the model's `fields`."""
    if error.get("type") == "extra_forbidden" and error.get("loc"):
        return did_you_mean(error["loc"][-1], fields)
    if error.get("type") != "literal_error":
        return ""
    expected = str((error.get("ctx") or {}).get("expected", ""))
    words = [w.strip(" '\"") for w in expected.replace(" or ", ",").split(",") if w.strip(" '\"")]
    return did_you_mean(error.get("input"), words)


def indicator_code(catalog: Catalog, text: str) -> str:
    """Code of an indicator written as its code, name or alias, or unambiguously shortened: a prefix
    (固定, fixed), the initials of its code (fai = fixed_asset_investment), or part of its name."""
    key = normalise_name(text)
    names: dict[str, str] = {}
    for i in catalog.indicators:
        for n in (i.code, i.name, *i.aliases):
            names.setdefault(normalise_name(n).lower(), i.code)
    if key.lower() in names:
        return names[key.lower()]
    tiers = (
        lambda n, code: n.startswith(key.lower()),
        lambda n, code: "".join(part[:1] for part in code.split("_")) == key.lower(),
        lambda n, code: key.lower() in n,
    )
    for fits in tiers:
        found = sorted({code for n, code in names.items() if fits(n, code)})
        if len(found) == 1:
            return found[0]
        if found:
            shown = ", ".join(f"{c} ({catalog.indicator(c).name})" for c in found)  # every one it counts
            raise NameProblem(f"indicator {text!r} fits {len(found)} indicators: {shown}; write more of it / "
                              f"“{text}”对应{len(found)}个指标，请写出更完整的指标名")
    raise NameProblem(f"indicator {text!r} is not a known indicator code, name or alias in indicators.yaml"
                      + did_you_mean(key.lower(), names))


def error_text(err: dict, model=None) -> str:
    """The one wording of a pydantic complaint in any config file: the message without pydantic's "Value error, "
    and a "did you mean" (a Literal's values, or the fields of the model where an unknown key was found)."""
    fields = _fields_at(model, list(err["loc"])[:-1]) if model is not None and err.get("type") == "extra_forbidden" else ()
    return err["msg"].removeprefix("Value error, ") + validation_hint(err, fields)


def model_problems(exc: ValidationError, path: Path, model, prefix: tuple = ()) -> list[str]:
    """One line per problem of a one-file config model: file, key path, message, "did you mean"."""
    lines = []
    for err in exc.errors():
        where = ".".join(str(x) for x in [*prefix, *err["loc"]]) or "(top level)"
        lines.append(f"{path}: {where}: {error_text(err, model)}")
    return lines


def _fields_at(model, loc: list) -> list[str]:
    """The field names of the (nested) model an unknown key was found in, for "did you mean"."""
    for part in loc:
        field = getattr(model, "model_fields", {}).get(part)
        if field is None:
            return []
        inner = [a for a in (field.annotation, *getattr(field.annotation, "__args__", ())) if hasattr(a, "model_fields")]
        if not inner:
            return []
        model = inner[0]
    return list(getattr(model, "model_fields", {}))


def describe_errors(exc: ValidationError, origin: dict[str, Path], data: dict[str, Any]) -> list[str]:
    """One line per problem of a config model: its file, the key path to the entry, the message, a hint."""
    lines = []
    for err in exc.errors():
        loc = list(err["loc"])
        file_key = loc[0] if loc and loc[0] in origin else None
        path = origin.get(file_key) if file_key else None
        where = key_path(loc, data)
        prefix = f"{path}: " if path else ""
        if not loc:  # cross-file references: each problem already names its file and entry
            lines.append(err["msg"].removeprefix("Value error, "))
            continue
        lines.append(f"{prefix}{where}: {err['msg']}{validation_hint(err)}")
    return lines


def key_path(loc: list, data: dict[str, Any]) -> str:
    """places[3] -> places[3] (code=wuyi) so the operator can find the entry."""
    parts, node = [], data
    for item in loc:
        if isinstance(item, int):
            parts[-1] = f"{parts[-1]}[{item}]" if parts else f"[{item}]"
            try:
                node = node[item]
                if isinstance(node, dict) and "code" in node:
                    parts[-1] += f" (code={node['code']})"
            except (IndexError, KeyError, TypeError):
                node = None
        else:
            parts.append(str(item))
            node = node.get(item) if isinstance(node, dict) else None
    return ".".join(parts) or "(top level)"
