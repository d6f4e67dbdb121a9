"""The demo numbers: every county x indicator x period, deterministic for a seed and an end period.

Growth rates are drawn first (a county effect, a yearly level and a slowly drifting within-year
deviation, as year-to-date rates behave); the story is then written into them; values follow
from a base year compounded by the growth, so value and growth always agree.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from flows.config.catalog import Catalog, Indicator
from flows.core.periods import expected_months
from flows.demo import story

COLUMNS = ["place_code", "indicator_code", "period", "value", "growth_pct"]
VALUE_DECIMALS = {"元": 0, "万千瓦时": 1, "万美元": 1}
STREAMS = ("size", "growth", "podium", "overtake", "values", "target", "standing")


class DemoError(ValueError):
    """The catalog cannot carry the demo story (a place it needs is missing)."""


@dataclass(frozen=True)
class DemoPanel:
    monthly_periods: list[date]
    quarterly_periods: list[date]
    observations: pd.DataFrame  # COLUMNS; growth NaN for rates; value and growth NaN = missing


def generate(catalog: Catalog, until: date, seed: int = story.SEED) -> DemoPanel:
    """All demo observations from story.FIRST_PERIOD up to `until` (a month, inclusive)."""
    places = [p.code for p in catalog.places if p.level == "county"]
    for needed in (story.FOCUS, story.OVERTAKE_TARGET, story.LEARN_FROM, *story.CITY_TABLE_ORDER):
        if needed not in places:
            raise DemoError(f"demo data needs place {needed!r} in the catalog; use the shipped Zhejiang config/")
    sizes = np.array([story.SIZES.get(code, 300.0) for code in places], dtype=float)
    city = [i for i, code in enumerate(places) if catalog.place(code).parent == story.CITY_GROUP_PARENT]
    frames, monthly_periods, quarterly_periods = [], [], []
    for indicator in catalog.indicators:
        periods = _periods(indicator, until)
        if not periods:
            continue
        # one stream per purpose, drawn period by period: a later --until appends periods without
        # changing the earlier ones (only the overtaking window moves with the last period)
        key = zlib.crc32(indicator.code.encode())
        streams = {name: np.random.default_rng([seed, key, n]) for n, name in enumerate(STREAMS)}
        values, growth = _series(indicator, places, sizes, periods, city, streams)
        frames.append(_long(places, indicator.code, periods, values, growth))
        (quarterly_periods if indicator.frequency == "quarterly" else monthly_periods).append(periods)
    observations = pd.concat(frames, ignore_index=True)
    _mark_missing(catalog, observations, seed)
    return DemoPanel(max(monthly_periods, key=len, default=[]), max(quarterly_periods, key=len, default=[]),
                     observations)


def _periods(indicator: Indicator, until: date) -> list[date]:
    months = expected_months(indicator.calendar)
    return [date(y, m, 1) for y in range(story.FIRST_PERIOD.year, until.year + 1) for m in months
            if story.FIRST_PERIOD <= date(y, m, 1) <= until]


def _series(indicator: Indicator, places: list[str], sizes: np.ndarray, periods: list[date], city: list[int],
            streams: dict[str, np.random.Generator]) -> tuple[np.ndarray, np.ndarray]:
    """(values, growth) arrays of shape places x periods."""
    profile = story.PROFILES.get(indicator.code, story.DEFAULT_PROFILE)
    focus = places.index(story.FOCUS)
    size_mult = np.exp(streams["size"].normal(0.0, 0.25, len(places)))
    for i, code in enumerate(places):
        size_mult[i] *= story.SPECIALTIES.get((code, indicator.code), 1.0)
    scale = profile.scale * (size_mult if profile.per_capita else sizes * size_mult)
    if indicator.kind == "rate":
        values = _rate_values(profile, scale, periods, streams["values"])
        _write_overtake(indicator, values, places, periods, streams["overtake"])
        return values, np.full(values.shape, np.nan)
    growth = _growth(profile, len(places), periods, streams["growth"])
    if indicator.code in story.STRONG_INDICATORS:
        growth[focus] += 4.0
    elif indicator.frequency == "monthly":  # the quarterly ones: GDP is placed below, incomes drawn as they fall
        growth[focus] += story.ORDINARY_SHIFT_SD * profile.growth_sd
    growth = np.round(growth, 1)
    if indicator.code in story.STRONG_INDICATORS:
        _write_city_podium(indicator.code, growth, focus, city, streams["podium"])
    if indicator.code == story.STANDING_INDICATOR:
        _write_standing(growth, focus, city, streams["standing"])
    if indicator.code == story.TARGET_SLIP_INDICATOR:
        _write_target_slip(growth, focus, periods, streams["target"])
    _write_overtake(indicator, growth, places, periods, streams["overtake"])
    values = _values_from_growth(indicator, scale, growth, periods, streams["values"])
    return np.round(values, VALUE_DECIMALS.get(indicator.unit, 2)), growth


def _growth(profile: story.Profile, n: int, periods: list[date], rng: np.random.Generator) -> np.ndarray:
    """Year-to-date growth: county effect + yearly level + a deviation that settles as the year fills."""
    effect = rng.normal(0.0, profile.growth_sd * 0.4, n)
    out = np.empty((n, len(periods)))
    level = deviation = None
    for t, period in enumerate(periods):
        if level is None or period.year != periods[t - 1].year:
            level = profile.growth_mean + effect + rng.normal(0.0, 1.0) + rng.normal(0.0, profile.growth_sd * 0.5, n)
            deviation = rng.normal(0.0, profile.growth_sd * 0.6, n)
        else:
            deviation = 0.75 * deviation + rng.normal(0.0, profile.growth_sd * 0.15, n)
        out[:, t] = level + deviation
    return np.clip(out, -60.0, 150.0)


def _rate_values(profile: story.Profile, scale: np.ndarray, periods: list[date], rng) -> np.ndarray:
    """A share such as 亏损面: high early in the year, easing towards December."""
    base = scale + rng.normal(0.0, profile.growth_sd, len(scale))
    months = np.array([p.month for p in periods], dtype=float)
    values = base[:, None] * (1.0 + 0.35 * (12.0 - months) / 10.0)
    for t in range(len(periods)):
        values[:, t] += rng.normal(0.0, 1.0, len(scale))
    return np.round(np.clip(values, 2.0, 45.0), 1)


def _values_from_growth(indicator: Indicator, scale: np.ndarray, growth: np.ndarray, periods: list[date],
                        rng: np.random.Generator) -> np.ndarray:
    """Compound a base year by the growth rates; year-to-date values rise month by month."""
    months = np.array([p.month for p in periods])
    quarterly = indicator.frequency == "quarterly"
    if indicator.kind == "stock":
        share = 1.0 + 0.006 * months  # balances creep up through the year
    elif quarterly:
        share = np.array([story.QUARTER_SHARES[m] for m in months])
    else:
        cumulative = np.cumsum([story.MONTH_WEIGHTS[m] for m in range(1, 13)])
        share = cumulative[months - 1]
    noise = np.exp(rng.normal(0.0, 0.02, scale.shape))
    values = np.empty(growth.shape)
    last_year: dict[int, np.ndarray] = {}  # month -> value a year earlier
    for t, period in enumerate(periods):
        before = last_year.get(period.month, scale * noise * share[t])
        values[:, t] = before * (1.0 + growth[:, t] / 100.0)
        last_year[period.month] = values[:, t]
        if indicator.kind == "ytd" and t > 0 and periods[t - 1].year == period.year:
            # a cumulative total never falls within a year (ingest would warn)
            values[:, t] = np.maximum(values[:, t], values[:, t - 1] * 1.02)
    return values


def _write_city_podium(code: str, growth: np.ndarray, focus: int, city: list[int], rng) -> None:
    """Wuyi in the city's top three; other strong indicators slip out now and then (streaks break)."""
    others = [i for i in city if i != focus]
    for t in range(growth.shape[1]):
        ranked = np.sort(growth[others, t])[::-1]
        third = ranked[2]
        slip = code != story.STREAK_INDICATOR and rng.random() < story.STRONG_SLIP_PROBABILITY
        if slip and growth[focus, t] >= third:
            growth[focus, t] = round(third - rng.uniform(0.3, 1.5), 1)
        elif not slip and growth[focus, t] <= third:
            growth[focus, t] = round(third + rng.uniform(0.3, 2.0), 1)


def _write_standing(growth: np.ndarray, focus: int, city: list[int], rng) -> None:
    """Wuyi about STANDING_PROVINCE_RANK-th in the province (give or take two) and STANDING_CITY_RANK-th in
    the city: its growth is set between the province's places around the wanted rank, then city places
    trade growth with other counties on the same side of Wuyi's (the province's spread stays the same)
    until STANDING_CITY_RANK - 1 of them are above it."""
    others = [i for i in range(growth.shape[0]) if i != focus]
    city_others = set(city) - {focus}
    for t in range(growth.shape[1]):
        order = sorted(others, key=lambda i: -growth[i, t])  # best first
        pos = story.STANDING_PROVINCE_RANK + int(rng.integers(-2, 3))  # pos - 1 places above Wuyi
        upper, lower = growth[order[pos - 2], t], growth[order[pos - 1], t]
        growth[focus, t] = round((upper + lower) / 2, 1)
        above, below = order[:pos - 1], order[pos - 1:]
        city_above = [i for i in above if i in city_others]
        city_below = [i for i in below if i in city_others]
        wanted = story.STANDING_CITY_RANK - 1
        while len(city_above) < wanted and city_below:  # the best city place below trades with a county above
            i, j = city_below.pop(0), next(k for k in reversed(above) if k not in city_others)
            growth[[i, j], t] = growth[[j, i], t]
            above[above.index(j)] = i
            city_above.append(i)
        while len(city_above) > wanted:  # the lowest city place above trades with a county below
            i, j = city_above.pop(), next(k for k in below if k not in city_others)
            growth[[i, j], t] = growth[[j, i], t]
            below[below.index(j)] = i
        # rates print with one decimal, so neighbours often tie: the city's order around Wuyi is kept strict
        me = growth[focus, t]
        for i in city_above:
            growth[i, t] = max(growth[i, t], round(me + 0.1, 1))
        for i in set(city_others) - set(city_above):
            growth[i, t] = min(growth[i, t], round(me - 0.1, 1))


def _write_target_slip(growth: np.ndarray, focus: int, periods: list[date], rng) -> None:
    """Wuyi ahead of its annual growth target early in the year, behind it from mid-year on."""
    for t, period in enumerate(periods):
        if period.month < story.TARGET_SLIP_FROM_MONTH:
            growth[focus, t] = round(story.TARGET_SLIP_GROWTH + rng.uniform(0.4, 1.5), 1)
        else:
            growth[focus, t] = round(story.TARGET_SLIP_GROWTH - rng.uniform(0.6, 1.8), 1)


def _write_overtake(indicator: Indicator, metric: np.ndarray, places: list[str], periods: list[date], rng) -> None:
    """Tiantai ahead of Wuyi until the last N periods, then behind (on the metric the indicator ranks by)."""
    last_n = story.OVERTAKES.get(indicator.code)
    if not last_n:
        return
    focus, target = places.index(story.FOCUS), places.index(story.OVERTAKE_TARGET)
    for t in range(len(periods)):
        wuyi_ahead = t >= len(periods) - last_n
        gap = round(rng.uniform(0.4, 2.5), 1)
        target_higher = wuyi_ahead == (indicator.direction == "lower")
        metric[target, t] = round(metric[focus, t] + (gap if target_higher else -gap), 1)


def _mark_missing(catalog: Catalog, observations: pd.DataFrame, seed: int) -> None:
    """A few cells printed as missing, as real tables have: only in the province CSV, never in the story.

    Each cell's draw depends only on the cell (a hash), so earlier periods stay put when --until moves.
    """
    story_codes = {*story.STRONG_INDICATORS, *story.OVERTAKES}
    monthly = {i.code for i in catalog.indicators if i.frequency == "monthly"}
    kept_whole = [p.code for p in catalog.places if p.parent == story.CITY_GROUP_PARENT or p.code in story.PROTECTED_PLACES]
    eligible = observations[observations["indicator_code"].isin(monthly - story_codes)
                            & ~observations["place_code"].isin(kept_whole)]
    # plain lists: iterating pandas' Arrow-backed string columns row by row is slow
    draws = np.array([zlib.crc32(f"{seed}|{p}|{i}|{d}".encode()) / 2**32 for p, i, d in
                      zip(eligible["place_code"].tolist(), eligible["indicator_code"].tolist(),
                          eligible["period"].tolist(), strict=True)])
    chosen = eligible.index[draws < story.MISSING_PROBABILITY]
    observations.loc[chosen, ["value", "growth_pct"]] = np.nan


def _long(places: list[str], code: str, periods: list[date], values: np.ndarray, growth: np.ndarray) -> pd.DataFrame:
    n_places, n_periods = values.shape
    return pd.DataFrame({
        "place_code": np.repeat(places, n_periods),
        "indicator_code": code,
        "period": periods * n_places,
        "value": values.ravel(),
        "growth_pct": growth.ravel(),
    })
