"""Write the whole demo inbox: the monthly city XLSX and province CSV, quarterly long files,
one revision of a past month and one bad file. File names are fixed by docs/DATA_CONTRACT.md.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from flows.config.catalog import Catalog
from flows.demo import story
from flows.demo.generate import DemoError, DemoPanel, generate
from flows.demo.tables import city_table, province_table, quarterly_rows
from flows.demo.writers import wide_csv_rows, write_csv, write_xlsx

BAD_PLACE = "武义新城"     # not a place: ingest must reject the file and suggest 武义
BAD_VALUE = "待核"         # not a number and not a missing marker
PROVINCE_ENCODING = "gbk"


@dataclass
class DemoSummary:
    out_dir: Path
    first_period: date
    last_period: date
    monthly_periods: int
    quarterly_periods: int
    files: list[Path] = field(default_factory=list)
    revised_period: date | None = None
    revised_cells: list[tuple[str, str, float, float]] = field(default_factory=list)  # place, indicator, old, new growth
    bad_file: Path | None = None


def last_complete_month(today: date) -> date:
    """The month before today's month: its statistics are the newest a bureau could have published."""
    return date(today.year - 1, 12, 1) if today.month == 1 else date(today.year, today.month - 1, 1)


def write_demo_inbox(catalog: Catalog, out_dir: Path, until: date, seed: int = story.SEED) -> tuple[DemoSummary, DemoPanel]:
    """Generate the numbers up to `until` and write every demo file into out_dir."""
    if until < story.FIRST_PERIOD:
        raise DemoError(f"--until {until:%Y-%m} is before the first demo period {story.FIRST_PERIOD:%Y-%m}")
    panel = generate(catalog, until, seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = DemoSummary(out_dir, panel.monthly_periods[0], panel.monthly_periods[-1],
                          len(panel.monthly_periods), len(panel.quarterly_periods))
    city = set(story.CITY_TABLE_ORDER)
    others = [p.code for p in catalog.places if p.level == "county" and p.code not in city]
    by_period = dict(tuple(panel.observations.groupby("period", sort=True)))

    for period in panel.monthly_periods:
        frame = by_period[period]
        path = out_dir / f"synthetic_jinhua_wide_{period:%Y%m}.xlsx"
        write_xlsx(path, city_table(catalog, frame, period, _rng(seed, period, 1)))
        summary.files.append(path)
        path = out_dir / f"synthetic_zhejiang_wide_{period:%Y%m}.csv"
        table = province_table(catalog, frame, period, others, _rng(seed, period, 2))
        write_csv(path, wide_csv_rows(table), PROVINCE_ENCODING)
        summary.files.append(path)
    for period in panel.quarterly_periods:
        path = out_dir / f"synthetic_zhejiang_long_{period.year}Q{period.month // 3}.csv"
        write_csv(path, quarterly_rows(catalog, by_period[period], period), "utf-8-sig")
        summary.files.append(path)

    if len(panel.monthly_periods) > story.REVISION_LAG:
        _write_revision(catalog, by_period, panel.monthly_periods[-1 - story.REVISION_LAG], seed, summary)
    _write_bad_file(catalog, by_period[summary.last_period], summary.last_period, others, seed, summary)
    # the demo files stand for files the bureaus delivered earlier: complete, not in transit (config/inbox.py)
    settled = time.time() - 3600
    for path in summary.files:
        os.utime(path, (settled, settled))
    return summary, panel


def _write_revision(catalog: Catalog, by_period: dict, period: date, seed: int, summary: DemoSummary) -> None:
    """Re-issue a past month with a few corrected cells; growth changes, the value follows it."""
    frame = by_period[period].copy()
    for place, indicator, change_pp in story.REVISION_CHANGES:
        row = (frame["place_code"] == place) & (frame["indicator_code"] == indicator)
        old_growth = float(frame.loc[row, "growth_pct"].iloc[0])
        new_growth = round(old_growth + change_pp, 1)
        old_value = frame.loc[row, "value"].iloc[0]
        frame.loc[row, "growth_pct"] = new_growth
        frame.loc[row, "value"] = round(old_value * (1 + new_growth / 100) / (1 + old_growth / 100), 2)
        summary.revised_cells.append((place, indicator, old_growth, new_growth))
    path = summary.out_dir / f"synthetic_jinhua_wide_{period:%Y%m}_revised.xlsx"
    # same random stream as the original, so only the revised cells differ
    write_xlsx(path, city_table(catalog, frame, period, _rng(seed, period, 1), title_suffix="（修订）"))
    summary.files.append(path)
    summary.revised_period = period


def _write_bad_file(catalog: Catalog, frame: pd.DataFrame, period: date, others: list[str], seed: int,
                    summary: DemoSummary) -> None:
    """A short province table with an unknown place and a non-numeric cell: ingest must quarantine it."""
    table = province_table(catalog, frame, period, others[:4], _rng(seed, period, 3))
    rows = wide_csv_rows(table)
    first_data = 3
    rows[first_data][1] = BAD_VALUE
    rows.insert(first_data + 2, [BAD_PLACE, *rows[first_data + 1][1:]])
    path = summary.out_dir / f"synthetic_zhejiang_wide_{period:%Y%m}_bad.csv"
    write_csv(path, rows, PROVINCE_ENCODING)
    summary.files.append(path)
    summary.bad_file = path


def _rng(seed: int, period: date, stream: int) -> np.random.Generator:
    return np.random.default_rng([seed, period.year * 100 + period.month, stream])
