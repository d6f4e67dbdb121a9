"""A small hand-made warehouse for the briefing tests: marts.* tables with exactly the contract's columns.

Five Jinhua counties (group city_jinhua, label 全市) and five mountain counties (mountain26), five
indicators, twelve monthly periods ending 2026年1-10月. Wuyi's ranks in 全市 are written out below;
everyone else fills the remaining ranks in code order. Derived marts (top3 counts, streaks,
scorecards, benchmark gaps) follow from those ranks with the plain rules the contract states.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import duckdb

from flows.config.catalog import load_catalog
from flows.core.periods import Period, months_covered
from flows.warehouse.db import connect, sync_catalog

CONFIG = Path(__file__).resolve().parent / "fixtures" / "brief" / "config"
AS_OF = datetime(2026, 11, 23, 8, 0)   # a Monday, ISO week 48
PERIODS = [date(2025, 10, 1), date(2025, 11, 1), date(2025, 12, 1)] + [date(2026, m, 1) for m in range(2, 11)]
NEWEST = PERIODS[-1]
CITY = ["wuyi", "panan", "pujiang", "yiwu", "yongkang"]
MOUNTAIN = ["wuyi", "jingning", "panan", "pujiang", "suichang"]
INDICATORS = ["fai", "industry", "retail", "revenue", "exports"]
# Wuyi's rank in 全市, one per period (oldest first)
WUYI_CITY = {
    "fai":      [2, 2, 1, 1, 2, 2, 2, 1, 2, 2, 2, 2],   # top three all twelve periods (13 months)
    "industry": [5, 4, 4, 3, 3, 2, 3, 3, 2, 3, 3, 4],   # top three for 8 periods, broke at 1-10月
    "retail":   [6, 6, 5, 5, 5, 5, 5, 5, 4, 5, 5, 5],   # watch list: 5th
    "revenue":  [3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3],   # tied third with 永康 in 1-10月
    "exports":  [4, 4, 5, 5, 5, 5, 4, 4, 4, 5, 5, 2],   # the big mover: 进3位
}
WUYI_MOUNTAIN = {k: [max(1, r - 1) for r in v] for k, v in WUYI_CITY.items()}
CITY_SIZE = 5


def _ranks(place_order: list[str], wuyi_rank: int, tie_with: str | None) -> dict[str, int]:
    """Wuyi gets its rank; the others fill the remaining ranks in code order (a tie shares Wuyi's)."""
    others = [p for p in place_order if p != "wuyi"]
    out = {"wuyi": wuyi_rank}
    if tie_with:
        out[tie_with] = wuyi_rank
        others.remove(tie_with)
    free = [r for r in range(1, len(place_order) + 1) if r != wuyi_rank and not (tie_with and r == wuyi_rank + 1)]
    out.update(zip(others, free, strict=False))
    return out


def _metric(indicator: str, rank: int, period_index: int) -> float:
    if indicator == "exports":  # a level in 亿元
        return round(120.0 - rank * 15.5 + period_index * 3.1, 1)
    return round(14.0 - rank * 1.7 + (INDICATORS.index(indicator) * 0.3) - period_index * 0.05, 2)


def ranking_rows() -> list[tuple]:
    rows = []
    for group, places, wuyi in (("city_jinhua", CITY, WUYI_CITY), ("mountain26", MOUNTAIN, WUYI_MOUNTAIN)):
        prev: dict = {}
        for i, period in enumerate(PERIODS):
            label = Period(period.year, period.month, 1).label()
            for ind in INDICATORS:
                tie = "yongkang" if (group == "city_jinhua" and ind == "revenue" and period == NEWEST) else None
                ranks = _ranks(places, wuyi[ind][i], tie)
                metrics = {p: _metric(ind, r, i) for p, r in ranks.items()}
                by_rank = sorted(metrics.values(), reverse=True)
                for place, rank in ranks.items():
                    m = metrics[place]
                    above = [v for v in metrics.values() if v > m]
                    p_rank = prev.get((ind, place))
                    rows.append((period, label, ind, group, place, m, rank, len(places), rank <= 3, p_rank,
                                 None if p_rank is None else p_rank - rank, round(by_rank[0] - m, 2),
                                 None if rank <= 3 else round(by_rank[2] - m, 2),
                                 round(min(above) - m, 2) if above else None, rank))
                prev.update({(ind, p): r for p, r in ranks.items()})
    return rows


def build(db_path: Path, config_dir: Path = CONFIG) -> duckdb.DuckDBPyConnection:
    """Migrate, mirror the catalog, then create and fill marts.* and raw.files; returns the connection."""
    con = connect(db_path)
    sync_catalog(con, load_catalog(config_dir))
    con.execute("create schema if not exists marts")
    con.execute("""create or replace table marts.rankings (period date, period_label varchar, indicator_code varchar,
        group_code varchar, place_code varchar, metric double, rank integer, n_ranked integer, is_top3 boolean,
        prev_rank integer, rank_change integer, gap_to_leader double, gap_to_third double,
        gap_to_next_above double, published_rank integer)""")
    con.executemany("insert into marts.rankings values (" + ", ".join("?" * 15) + ")", ranking_rows())
    # every slice of this world is complete (docs/RULES.md 11); coverage tests mark some partial
    con.execute("alter table marts.rankings add column is_complete boolean default true")
    con.execute("alter table marts.rankings add column is_preliminary boolean default false")
    con.execute("alter table marts.rankings add column quality_flag varchar")  # as the real view: null = fine
    con.execute("""create or replace table marts.rankings as select *,
        rank is not null and count(*) over (partition by period, indicator_code, group_code, rank) > 1 as is_tied
        from marts.rankings""")
    con.execute("""create or replace table marts.periods as
        select period, any_value(period_label) as period_label, indicator_code, group_code,
               count(*)::integer as n_members, count(*)::integer as n_reported, count(rank)::integer as n_ranked,
               true as is_complete, 1 as n_months,
               row_number() over (partition by indicator_code, group_code order by period)::integer as pub_idx
        from marts.rankings group by period, indicator_code, group_code""")
    con.execute("""create or replace table marts.top3_counts as
        with c as (
            select period, group_code, place_code, count(*) filter (where is_top3) as n_top3,
                   count(*) as n_ranked_indicators, count(*) filter (where rank = 1) as n_first
            from marts.rankings group by all)
        select period, group_code, place_code, n_top3, n_ranked_indicators,
               lag(n_top3) over w as n_top3_prev, n_first, lag(n_first) over w as n_first_prev
        from c window w as (partition by group_code, place_code order by period)""")
    con.execute("""create or replace table marts.streaks (place_code varchar, indicator_code varchar,
        group_code varchar, kind varchar, start_period date, end_period date, n_periods integer,
        n_months integer, is_current boolean, broke_at date)""")
    con.executemany("insert into marts.streaks values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", _streaks(con))
    con.execute("""create or replace table marts.scorecards as
        with s as (
            select period, group_code, place_code, round(avg((n_ranked + 1 - rank) * 100.0 / n_ranked), 1) as composite_score
            from marts.rankings group by all)
        select period, group_code, place_code, composite_score,
               rank() over (partition by period, group_code order by composite_score desc)::integer as composite_rank,
               rank() over (partition by period, group_code order by composite_score desc) <= 2 as is_first_tier
        from s""")
    con.execute("""create or replace table marts.benchmark_gaps as
        with r as (select * from marts.rankings where group_code = 'city_jinhua'),
        pairs as (
            select 'wuyi' as focus_place_code, 'yiwu' as benchmark_place_code, 'learn_from' as role
            union all select 'wuyi', 'yongkang', 'overtake')
        select pairs.focus_place_code, pairs.benchmark_place_code, pairs.role, f.group_code, f.indicator_code,
               f.period, f.metric as focus_metric, b.metric as benchmark_metric,
               round(f.metric - b.metric, 2) as diff, f.rank as focus_rank, b.rank as benchmark_rank,
               f.is_tied as focus_is_tied, b.is_tied as benchmark_is_tied,
               case when pairs.role = 'overtake' and f.prev_rank > b.prev_rank and f.rank < b.rank then 'overtook'
                    when pairs.role = 'overtake' and f.prev_rank < b.prev_rank and f.rank > b.rank then 'was_overtaken'
               end as event,
               case when f.rank > b.rank then round(b.metric + 0.1, 1) end as needed_growth_pct,
               cast(null as double) as needed_value
        from pairs
        join r as f on f.place_code = pairs.focus_place_code
        join r as b on b.place_code = pairs.benchmark_place_code and b.period = f.period
                   and b.indicator_code = f.indicator_code""")
    con.execute("create table if not exists marts.rank_disagreements as select period, indicator_code, group_code, "
                "place_code, rank, published_rank from marts.rankings where false")
    _targets_and_levers(con)
    _files(con)
    return con


def _targets_and_levers(con) -> None:
    """marts.target_progress and marts.rank_levers with the contract's columns: Wuyi's 2026 targets (two of
    three behind) and what gains it a place in 全市 at 1-10月 and 1-9月 (one lever lifts it into the first tier)."""
    con.execute("""create or replace table marts.target_progress (period date, period_label varchar, year integer,
        place_code varchar, indicator_code varchar, basis varchar, target double, unit varchar, metric double,
        gap double, time_progress double, value_progress double, on_track boolean, needed_rest_of_year double,
        needed_reason varchar, value double, growth_pct double, last_year_total double, is_lower_better boolean,
        source_note varchar, is_synthetic boolean)""")
    ten = (date(2026, 10, 1), "2026年1-10月", 2026, "wuyi")
    con.executemany("insert into marts.target_progress values (" + ", ".join("?" * 21) + ")", [
        (*ten, "fai", "growth", 8.0, "%", 10.2, 2.2, 250 / 3, None, True, 1.1, None, 150.0, 10.2, 170.0, False,
         "政府工作报告", False),
        (*ten, "retail", "growth", 6.0, "%", 4.5, -1.5, 250 / 3, None, False, 13.7, None, 120.0, 4.5, 140.0, False,
         "政府工作报告", False),
        (*ten, "revenue", "level", 30.0, "亿元", 23.0, -7.0, 250 / 3, 23 / 30 * 100, False, 25.0, None, 23.0, 2.0,
         28.0, False, "政府工作报告", False),
    ])
    con.execute("""create or replace table marts.rank_levers (period date, period_label varchar, group_code varchar,
        place_code varchar, indicator_code varchar, rank integer, metric double, needed_metric double,
        needed_change double, rank_if_gained integer, composite_points_gained double, composite_score double,
        composite_rank integer, is_first_tier boolean, gains_composite_place boolean, lifts_to_first_tier boolean,
        n_ranked integer, weight double, scoring_method varchar, is_lower_better boolean)""")
    rows = []
    for period, label in ((date(2026, 10, 1), "2026年1-10月"), (date(2026, 9, 1), "2026年1-9月")):
        at = (period, label, "city_jinhua", "wuyi")
        rows += [
            (*at, "retail", 5, 4.5, 5.1, 0.6, 4, 5.0, 60.0, 3, False, True, True, 5, 1.0, "rank_points", False),
            (*at, "industry", 4, 6.0, 7.2, 1.2, 3, 5.0, 60.0, 3, False, True, True, 5, 1.0, "rank_points", False),
            (*at, "exports", 2, 90.0, 99.0, 9.0, 1, 5.0, 60.0, 3, False, False, False, 5, 1.0, "rank_points", False),
        ]
    con.executemany("insert into marts.rank_levers values (" + ", ".join("?" * 20) + ")", rows)


def _streaks(con) -> list[tuple]:
    rows = con.execute("select place_code, indicator_code, group_code, period, rank from marts.rankings "
                       "order by 1, 2, 3, 4").fetchall()
    out = []
    series: dict = {}
    for place, ind, group, period, rank in rows:
        series.setdefault((place, ind, group), []).append((period, rank))
    for (place, ind, group), points in series.items():
        for kind, ok in (("top3", lambda r: r <= 3), ("first", lambda r: r == 1)):
            run: list = []
            for period, rank in points + [(None, None)]:
                if period is not None and ok(rank):
                    run.append(period)
                    continue
                if run:
                    n_months = sum(months_covered("monthly_jf", p.month) for p in run)
                    out.append((place, ind, group, kind, run[0], run[-1], len(run), n_months,
                                period is None, period))
                run = []
    return out


def _files(con) -> None:
    """Older loads for every period, then this week's: a release, a revision, a duplicate, a rejection."""
    con.execute("delete from raw.file_messages")
    con.execute("delete from raw.files")
    rows = []
    for i, period in enumerate(PERIODS[:-1], start=1):
        loaded = datetime(period.year + (period.month == 12), period.month % 12 + 1, 18, 9, 0)
        rows.append((i, f"synthetic_jinhua_wide_{period:%Y%m}.xlsx", "loaded", loaded, [period], 50, 0, 0, None))
    rows += [
        (20, "synthetic_jinhua_wide_202610.xlsx", "loaded", datetime(2026, 11, 20, 9, 30), [NEWEST], 50, 0, 1, None),
        (21, "synthetic_jinhua_wide_202609_revised.xlsx", "loaded", datetime(2026, 11, 21, 14, 0),
         [date(2026, 9, 1)], 4, 4, 0, None),
        (22, "synthetic_jinhua_wide_202610 (1).xlsx", "duplicate", None, [NEWEST], None, None, 0, 20),
        (23, "synthetic_zhejiang_wide_202610_bad.csv", "rejected", None, [NEWEST], 81, 0, 0, None),
    ]
    for fid, name, status, loaded, periods, n_obs, n_rev, n_warn, dup in rows:
        received = loaded or datetime(2026, 11, 22, 10, 0)
        con.execute(
            "insert into raw.files (file_id, file_name, original_path, sha256, size_bytes, source_code, status, "
            "received_at, loaded_at, periods, n_rows, n_observations, n_revised, n_warnings, n_errors, duplicate_of) "
            "values (?, ?, ?, ?, 1000, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [fid, name, f"inbox/{name}", f"{fid:064x}", None if status == "rejected" else "demo_city_wide_xlsx",
             status, received, loaded, periods, n_obs, n_obs, n_rev, n_warn, 1 if status == "rejected" else 0, dup])
    con.execute("insert into raw.file_messages values (23, 'error', 'unknown_place', null, 7, 'A', "
                "'地区“武义新区”不在地名表中：在 config/places.yaml 中加为别名')")
    con.execute("insert into raw.file_messages values (20, 'warning', 'ytd_decreased', 'Sheet1', 12, 'F', "
                "'出口总额累计值小于上月')")


def copy_config(dest: Path) -> Path:
    """A writable copy of the fixture catalog, for tests that change a recipient or the delivery mode."""
    shutil.copytree(CONFIG, dest)
    return dest


def world_settings(tmp_path: Path, delivery: str | None = None):
    """Settings for a fresh copy of the fixture catalog and a built warehouse under tmp_path."""
    from flows.config.settings import load_settings

    config = copy_config(tmp_path / "config")
    if delivery is not None:
        (config / "delivery.yaml").write_text(delivery, encoding="utf-8")
    settings = load_settings(config, tmp_path / "home" / "bipin.duckdb", tmp_path / "home")
    build(settings.db_path, config).close()
    return settings
