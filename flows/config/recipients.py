"""Who gets which briefing: config/recipients.yaml plus any CSV lists offices keep in Excel.

Each entry is checked against the catalog: a valid address, a known focus place (code or any printed
name), known peer groups. Errors name the file and the row so an office can fix its sheet.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from flows.config.catalog import Catalog
from flows.config.names import NameProblem, did_you_mean, group_code, place_code

Kind = Literal["weekly", "monthly", "quarterly", "digest"]
KINDS: tuple[str, ...] = ("weekly", "monthly", "quarterly", "digest")
# what offices write in the 简报 column -> kind
KIND_WORDS = {
    "weekly": "weekly", "每周": "weekly", "每周调度": "weekly", "周报": "weekly",
    "monthly": "monthly", "每月": "monthly", "每月通报": "monthly", "每月一通报": "monthly", "月报": "monthly",
    "quarterly": "quarterly", "每季": "quarterly", "每季晒拼": "quarterly", "每季一晒拼": "quarterly",
    "digest": "digest", "operator": "digest", "运维": "digest", "运维摘要": "digest",
}
CSV_COLUMNS = {
    "name": ("name", "姓名"), "email": ("email", "邮箱", "电子邮箱"), "place": ("place", "关注地区", "地区"),
    "groups": ("groups", "比较组", "分组"), "kinds": ("kinds", "简报", "订阅"), "unit": ("unit", "单位", "责任单位"),
}
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
_SPLIT = re.compile(r"[;,、，；\s]+")

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: the same objects, ~6x faster


class RecipientError(Exception):
    """A recipient list that cannot be used; the message names file, row and what to fix."""


class Recipient(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(min_length=1)
    email: str
    place: str | None = None          # focus place code; operators may have none
    groups: tuple[str, ...] = ()      # peer groups of interest, first = the main one
    kinds: tuple[Kind, ...] = ("weekly",)
    unit: str | None = None           # a unit of `place` in units.yaml (经信局): its weekly opens with its indicators
    origin: str = ""                  # file and row it came from, for messages

    @field_validator("email")
    @classmethod
    def _email(cls, v: str) -> str:
        v = v.strip()
        if not _EMAIL.match(v):
            raise ValueError(f"{v!r} is not an email address (expected name@domain)")
        return v.lower()

    @field_validator("name")
    @classmethod
    def _one_line(cls, v: str) -> str:
        return " ".join(v.split())


def load_recipients(config_dir: str | Path, catalog: Catalog) -> list[Recipient]:
    """Read recipients.yaml and the CSV files it lists; raise RecipientError naming file and row."""
    path = Path(config_dir) / "recipients.yaml"
    if not path.exists():
        raise RecipientError(f"{path}: missing; list who gets briefings under 'recipients:'")
    try:
        content = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or {}
    except yaml.YAMLError as exc:
        raise RecipientError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(content, dict) or not isinstance(content.get("recipients", []), list):
        raise RecipientError(f"{path}: expected a mapping with a list under 'recipients:'")
    out = [_validated(dict(raw), catalog, f"{path}: recipients[{i}]")
           for i, raw in enumerate(content.get("recipients") or [])]
    for name in content.get("csv_files") or []:
        out += load_recipients_csv(Path(config_dir) / name, catalog)
    seen: dict[str, str] = {}
    for r in out:
        if r.email in seen:
            raise RecipientError(f"{r.origin}: {r.email} is already listed at {seen[r.email]}; keep one entry")
        seen[r.email] = r.origin
    return out


def load_recipients_csv(path: Path, catalog: Catalog) -> list[Recipient]:
    """An office's list saved from Excel: UTF-8 (with or without BOM) or GBK/GB18030."""
    if not path.exists():
        raise RecipientError(f"{path}: missing (listed under csv_files in recipients.yaml)")
    reader = csv.DictReader(io.StringIO(_decode(path)))
    columns = {}
    for key, names in CSV_COLUMNS.items():
        found = next((h for h in reader.fieldnames or [] if h and h.strip().lower() in names), None)
        if found is None and key in ("name", "email"):
            raise RecipientError(f"{path}: no column for {key}; expected one of {', '.join(names)}")
        columns[key] = found
    out = []
    for row_number, row in enumerate(reader, start=2):  # row 1 is the header, as Excel counts
        raw = {k: (row.get(col) or "").strip() for k, col in columns.items() if col}
        if not any(raw.values()):
            continue
        raw["groups"] = [g for g in _SPLIT.split(raw.get("groups", "")) if g]
        raw["kinds"] = [k for k in _SPLIT.split(raw.get("kinds", "")) if k] or ["weekly"]
        raw["place"] = raw.get("place") or None
        raw["unit"] = raw.get("unit") or None
        out.append(_validated(raw, catalog, f"{path}: row {row_number}"))
    return out


def _decode(path: Path) -> str:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RecipientError(f"{path}: neither UTF-8 nor GBK; save it from Excel as 'CSV UTF-8'")


def resolve_focus(raw: dict, catalog: Catalog) -> list[str]:
    """raw's place as a code and its groups as codes (none named: every group the place belongs to now),
    in place; returns the problems found. Recipients and robot channels (channels.py) read them alike."""
    problems = []
    place = raw.get("place")
    if place is not None:
        try:
            raw["place"] = place_code(catalog, place)
        except NameProblem as exc:
            problems.append(str(exc))
            raw["place"] = None
    groups = []
    for g in raw.get("groups") or []:
        # a label (全市) means the group with that label the recipient's own place belongs to
        try:
            groups.append(group_code(catalog, g, raw.get("place")))
        except NameProblem as exc:
            problems.append(str(exc))
    if raw.get("place") and not raw.get("groups"):
        groups = [g.code for g in catalog.groups
                  if any(m.place == raw["place"] and m.valid_to is None for m in catalog.memberships(g))]
    raw["groups"] = tuple(groups)
    return problems


def _validated(raw: dict, catalog: Catalog, where: str) -> Recipient:
    problems = resolve_focus(raw, catalog)
    kinds = []
    for k in raw.get("kinds") or ["weekly"]:
        if str(k).strip().lower() not in KIND_WORDS and str(k).strip() not in KIND_WORDS:
            problems.append(f"briefing {k!r} is not one of weekly, monthly, quarterly, digest (每周/每月/每季/运维)"
                            + did_you_mean(str(k).strip().lower(), KIND_WORDS))
        kinds.append(KIND_WORDS.get(str(k).strip().lower(), KIND_WORDS.get(str(k).strip(), "weekly")))
    raw["kinds"] = tuple(dict.fromkeys(kinds))
    if set(raw["kinds"]) - {"digest"} and not raw.get("place") and not problems:
        problems.append("a place is needed for weekly, monthly and quarterly briefings")
    if raw.get("unit") and not raw.get("place") and not problems:
        problems.append("a unit is one of a place's units (units.yaml): give the place too")
    email = raw.get("email", "")
    raw["origin"] = where
    if problems:
        raise RecipientError(f"{where} (email={email}): " + "; ".join(problems))
    try:
        return Recipient.model_validate(raw)
    except ValidationError as exc:
        detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise RecipientError(f"{where} (email={email}): {detail}") from None


def select(recipients: list[Recipient], kind: str, places: list[str] | None = None,
           emails: list[str] | None = None) -> list[Recipient]:
    """Recipients of one kind, optionally narrowed to some focus places or addresses."""
    out = [r for r in recipients if kind in r.kinds]
    if places:
        out = [r for r in out if r.place in places]
    if emails:
        wanted = {e.lower() for e in emails}
        out = [r for r in out if r.email in wanted]
    return out
