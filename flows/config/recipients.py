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

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from flows.config.catalog import Catalog
from flows.config.names import NameProblem, did_you_mean, error_text, group_code, is_member, place_code
from flows.config.yamlfile import UNREADABLE, read_yaml

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


class RecipientError(Exception):
    """A recipient list that cannot be used; the message names file, row and what to fix."""


def checked_email(text: str) -> str:
    """The address in the form the ledger keys on (lower case); ValueError when it is none."""
    v = str(text).strip()
    if not _EMAIL.match(v):
        raise ValueError(f"{v!r} is not an email address (expected name@domain)")
    return v.lower()


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
        return checked_email(v)

    @field_validator("name")
    @classmethod
    def _one_line(cls, v: str) -> str:
        return " ".join(v.split())


def load_recipients(config_dir: str | Path, catalog: Catalog) -> list[Recipient]:
    """recipients.yaml and its CSV lists on their own (tests); raise RecipientError listing every problem."""
    path = Path(config_dir) / "recipients.yaml"
    content, problems = read_yaml(path) if path.exists() else (None, [])
    recipients, found = recipients_from(Path(config_dir), content, catalog)
    if problems or found:
        raise RecipientError("\n".join(problems + found))
    return recipients


def recipients_from(config_dir: Path, content, catalog: Catalog) -> tuple[list[Recipient], list[str]]:
    """(valid recipients, every problem) of recipients.yaml's content (None: no file) and its CSV lists."""
    path = config_dir / "recipients.yaml"
    if content is None:
        return [], []  # nobody gets briefings; `bipin brief` says so
    if content is UNREADABLE:
        return [], []  # read_yaml said why
    if not isinstance(content, dict) or not isinstance(content.get("recipients") or [], list):
        return [], [f"{path}: expected a mapping with a list under 'recipients:'"]
    keys = ["recipients", "csv_files", "channels"]  # channels: the robots (flows/config/channels.py)
    problems = [f"{path}: {key}: unknown key; expected {', '.join(keys)}" + did_you_mean(key, keys)
                for key in sorted(set(content) - set(keys))]
    out: list[Recipient] = []
    for i, raw in enumerate(content.get("recipients") or []):
        where = f"{path}: recipients[{i}]"
        if not isinstance(raw, dict):
            problems.append(f"{where}: expected a mapping with name, email, place, groups, kinds")
            continue
        _collect(out, problems, dict(raw), catalog, where)
    for name in content.get("csv_files") or []:
        found, csv_problems = recipients_csv(config_dir / str(name), catalog)
        out += found
        problems += csv_problems
    seen: dict[str, str] = {}
    unique = []
    for r in out:
        if r.email in seen:
            problems.append(f"{r.origin}: {r.email} is already listed at {seen[r.email]}; keep one entry")
            continue
        seen[r.email] = r.origin
        unique.append(r)
    return unique, problems


def _collect(out: list, problems: list[str], raw: dict, catalog: Catalog, where: str) -> None:
    """The entry validated into `out`, or its problem into `problems` (every entry is judged)."""
    try:
        out.append(_validated(raw, catalog, where))
    except RecipientError as exc:
        problems.append(str(exc))


def recipients_csv(path: Path, catalog: Catalog) -> tuple[list[Recipient], list[str]]:
    """An office's list saved from Excel: UTF-8 (with or without BOM) or GBK/GB18030."""
    if not path.exists():
        return [], [f"{path}: missing (listed under csv_files in recipients.yaml)"]
    try:
        reader = csv.DictReader(io.StringIO(_decode(path)))
    except RecipientError as exc:
        return [], [str(exc)]
    columns = {}
    for key, names in CSV_COLUMNS.items():
        found = next((h for h in reader.fieldnames or [] if h and h.strip().lower() in names), None)
        if found is None and key in ("name", "email"):
            return [], [f"{path}: no column for {key}; expected one of {', '.join(names)}"]
        columns[key] = found
    out: list[Recipient] = []
    problems: list[str] = []
    for row_number, row in enumerate(reader, start=2):  # row 1 is the header, as Excel counts
        raw = {k: (row.get(col) or "").strip() for k, col in columns.items() if col}
        if not any(raw.values()):
            continue
        raw["groups"] = [g for g in _SPLIT.split(raw.get("groups", "")) if g]
        raw["kinds"] = [k for k in _SPLIT.split(raw.get("kinds", "")) if k] or ["weekly"]
        raw["place"] = raw.get("place") or None
        raw["unit"] = raw.get("unit") or None
        _collect(out, problems, raw, catalog, f"{path}: row {row_number}")
    return out, problems


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
            continue
        if raw.get("place") and not is_member(catalog, groups[-1], raw["place"]):
            mine = [x.code for x in catalog.groups if is_member(catalog, x.code, raw["place"])]
            problems.append(f"groups: {raw['place']} is not a member of {groups[-1]} ({g}), so no briefing "
                            f"would compare it there; {raw['place']} belongs to {', '.join(mine) or 'no group'}")
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
        detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {error_text(e, Recipient)}" for e in exc.errors())
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
