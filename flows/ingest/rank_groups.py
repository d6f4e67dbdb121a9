"""The group a file's published 位次 rank within (docs/DATA_CONTRACT.md); rules.py checks them where a file covers it.

A city bureau's 位次 rank the city's counties; a province's rank the province's; a report on the 26
mountainous counties ranks those 26, even when the file prints only 8 of them. The source says which
(`rank_group` in sources.yaml); otherwise it is the smallest group, valid on the period, that holds every
county the file prints a 位次 for and is at least as large as the largest 位次 printed. No such group,
or two of that size: the 位次 are kept in staging but shown in no group, and a warning says what to set.
"""

from __future__ import annotations

import calendar
from datetime import date

from flows.config.catalog import Catalog
from flows.ingest.model import Message, warning
from flows.ingest.normalise import Obs


class GroupMembers:
    """Each group's members on a day, from the catalog's membership spells (read once per run)."""

    def __init__(self, catalog: Catalog):
        self._spells = {g.code: [(m.place, m.valid_from, m.valid_to) for m in catalog.memberships(g)]
                        for g in catalog.groups}

    @property
    def codes(self) -> list[str]:
        return list(self._spells)

    def members(self, group: str, period: date) -> frozenset[str]:
        day = date(period.year, period.month, calendar.monthrange(period.year, period.month)[1])
        return frozenset(p for p, start, end in self._spells.get(group, ()) if start <= day and (end is None or day < end))


def published_group(rows: list[Obs], configured: str | None, groups: GroupMembers,
                    sheet: str | None) -> tuple[str | None, list[Message]]:
    """(group code the file's 位次 belong to or None, warnings)."""
    ranked = [r for r in rows if r.published_rank is not None and not r.is_total]
    if not ranked:
        return None, []
    if configured:
        return configured, []
    places = {r.place_code for r in ranked}
    periods = {r.period for r in ranked}
    top = max(r.published_rank for r in ranked)
    fits = []
    for code in groups.codes:
        sizes = [groups.members(code, p) for p in periods]
        if all(places <= m and len(m) >= top for m in sizes):
            fits.append((max(len(m) for m in sizes), code))
    fits.sort()
    if fits and (len(fits) == 1 or fits[0][0] < fits[1][0]):
        return fits[0][1], []
    why = (f"groups {fits[0][1]} and {fits[1][1]} both fit" if fits else
           f"no group holds all {len(places)} places it ranks with at least {top} members")
    return None, [warning("rank_group_unknown", f"the file prints 位次 but {why}, so they are kept and shown in no "
                          "group; set rank_group in sources.yaml to the group the publisher ranked", sheet=sheet)]

