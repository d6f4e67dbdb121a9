"""Printed names -> catalog codes: places through their aliases, indicators through name/aliases/code.

An unknown place is an error whose message suggests the closest known names, so the operator
can add an alias (or fix a typo) in one step.
"""

from __future__ import annotations

import difflib

from flows.config.catalog import Catalog, Indicator
from flows.config.names import normalise_name  # the one normal form; layouts/tables import it from here
from flows.ingest.values import strip_parenthesised, strip_units

AREA_LEVELS = ("city", "province", "state", "country")  # rows naming these are totals, not counties


class PlaceResolver:
    """Resolve place names of one catalog; knows which rows are totals and what they stand for."""

    def __init__(self, catalog: Catalog, total_names: tuple[str, ...]):
        self._codes = {normalise_name(name): code for name, code in catalog.alias_map().items()}
        self._level = {p.code: p.level for p in catalog.places}
        self._parent = {p.code: p.parent for p in catalog.places}
        self._totals = {normalise_name(n) for n in total_names}
        self._display = sorted({p.short_name for p in catalog.places} | {p.name for p in catalog.places})

    def code(self, text: object) -> str | None:
        return self._codes.get(normalise_name(text))

    def is_total(self, text: object) -> bool:
        name = normalise_name(text)
        if name in self._totals:
            return True
        code = self._codes.get(name)
        return code is not None and self._level.get(code) in AREA_LEVELS

    def suggest(self, text: object, n: int = 3) -> list[str]:
        """Closest known names (difflib), best first."""
        name = normalise_name(text)
        close = difflib.get_close_matches(name, self._display, n=n, cutoff=0.4)
        if not close:  # short Chinese names: fall back to names sharing a character
            close = [d for d in self._display if set(d) & set(name)][:n]
        return close

    def unknown_message(self, text: object) -> str:
        hint = self.suggest(text)
        closest = f"closest known names: {', '.join(hint)}" if hint else "no similar name in the catalog"
        return (f"unknown place {str(text)!r} ({closest}); fix the name or add it as an alias in places.yaml")

    def total_code(self, text: object, county_codes: set[str], fixed: str | None = None) -> str | None:
        """The place a total row stands for: the source's `total_place`, a named city/province,
        or the common ancestor of the file's counties (全市 -> their city, 全省 -> its province)."""
        if fixed:
            return fixed
        code = self._codes.get(normalise_name(text))
        if code is not None:
            return code
        chains = [self._ancestors(c) for c in county_codes]
        if not chains:
            return None
        common = [a for a in chains[0] if all(a in ch for ch in chains[1:])]
        if not common:
            return None
        if "省" in normalise_name(text):
            provinces = [a for a in common if self._level.get(a) in ("province", "state")]
            return provinces[0] if provinces else None
        return common[0]

    def _ancestors(self, code: str) -> list[str]:
        out, seen = [], set()
        parent = self._parent.get(code)
        while parent and parent not in seen:
            out.append(parent)
            seen.add(parent)
            parent = self._parent.get(parent)
        return out


class IndicatorResolver:
    """Resolve indicator headers (with or without a unit in parentheses) to indicators."""

    def __init__(self, catalog: Catalog):
        self.units = frozenset(i.unit for i in catalog.indicators)  # recognised as units in headers
        # two tiers, so an alias that keeps a qualifier (固定资产投资（不含农户）) beats the bare name
        self._exact: dict[str, Indicator] = {}
        self._loose: dict[str, Indicator] = {}
        for ind in catalog.indicators:
            for name in (ind.code, ind.name, *ind.aliases):
                self._exact.setdefault(normalise_name(name), ind)
                self._exact.setdefault(normalise_name(strip_units(name, self.units)), ind)
                self._loose.setdefault(normalise_name(strip_parenthesised(name)), ind)
        self._names = sorted({i.name for i in catalog.indicators})

    def find(self, header: object) -> Indicator | None:
        """The indicator a header names: as printed, then without its units, then without any qualifier."""
        text = normalise_name(header)
        return (self._exact.get(text) or self._exact.get(normalise_name(strip_units(text, self.units)))
                or self._loose.get(normalise_name(strip_parenthesised(text))))

    def unknown_message(self, header: object) -> str:
        close = difflib.get_close_matches(normalise_name(strip_parenthesised(str(header))), self._names, n=3, cutoff=0.5)
        hint = f" (closest: {', '.join(close)})" if close else ""
        return f"unknown indicator {str(header)!r}{hint}; its columns are skipped: add it or an alias in indicators.yaml"
