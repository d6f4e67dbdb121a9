"""Incremental rebuilds equal full rebuilds, and the invariant queries in sql/tests/ return no rows."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import pytest
from rank_world import Group, Indicator, Loader, Membership, Scoring, at, small_catalog, warehouse

from flows.config.settings import SQL_DIR
from flows.core.periods import expected_months
from flows.rank import marts

INVARIANTS = sorted(p.stem for p in (SQL_DIR / "tests").glob("rank_*.sql"))
MART_QUERIES = {
    "rankings": "select * exclude (file_id) from marts.rankings",
    "top3_counts": "select * from marts.top3_counts",
    "streaks": "select * from marts.streaks",
    "scorecards": "select * from marts.scorecards",
    # the top three of a slice are a set: compared unnested (list order among ties is arbitrary)
    "published": "select * exclude (top_places, top_ranks) from mart_store.published_periods",
    "top3": "select * from mart_store.top3",
}


def catalog():
    groups = (
        Group(code="city", name="某市", label="全市", members_with_parent="city", first_tier_size=2),
        # dd joins in mid-2025, ee leaves: membership changes inside the data
        Group(code="hills", name="山区", label="山区县", scoring=Scoring(method="zscore"), members=(
            Membership(place="aa"), Membership(place="cc"), Membership(place="dd", valid_from=date(2025, 6, 15)),
            Membership(place="ee", valid_to=date(2025, 9, 1)))),
    )
    indicators = (
        Indicator(code="gdp", name="地区生产总值", unit="亿元"),
        Indicator(code="jobless", name="失业率", unit="%", kind="rate", basis="level", direction="lower",
                  jan_feb_combined=False),
        Indicator(code="income", name="居民收入", unit="元", frequency="quarterly"),
    )
    return small_catalog(groups=groups, indicators=indicators)


def periods(calendar: str, years=(2024, 2025)) -> list[date]:
    return [date(y, m, 1) for y in years for m in expected_months(calendar)]


def random_rows(rng: random.Random, period: date, indicator: str, calendar: str) -> list[tuple]:
    rows = []
    for place in ("aa", "bb", "cc", "dd", "ee"):
        if rng.random() < 0.1:
            continue  # the file does not list this place at all
        missing = rng.random() < 0.1
        value = None if missing else float(rng.randint(1, 9))  # small range: ties happen often
        growth = None if missing else float(rng.randint(-3, 6))
        rows.append((place, indicator, period, value, growth, rng.choice([None, rng.randint(1, 5)])))
    return rows


def load_history(con, rng: random.Random, skip_month: date | None = None) -> Loader:
    loader = Loader(con)
    for indicator, calendar in (("gdp", "monthly_jf"), ("jobless", "monthly"), ("income", "quarterly")):
        for period in periods(calendar):
            if period == skip_month:
                continue  # not published yet
            loader.load(random_rows(rng, period, indicator, calendar), _loaded(period))
    return loader


def _loaded(period: date) -> datetime:
    return datetime(period.year, period.month, 1) + timedelta(days=40)


def snapshot(con) -> dict[str, list]:
    return {name: sorted(con.execute(sql).fetchall(), key=repr) for name, sql in MART_QUERIES.items()}


def test_incremental_rebuilds_equal_a_full_rebuild():
    rng = random.Random(7)
    con = warehouse(catalog())
    loader = load_history(con, rng, skip_month=date(2025, 4, 1))
    first = marts.build(con)
    assert first.mode == "full"
    # a new period, a late month that fills the gap, and a revision of an old one, built step by step
    loader.load(random_rows(rng, date(2026, 2, 1), "gdp", "monthly_jf"), at(2026, 3, 10))
    assert marts.build(con).mode == "incremental"
    loader.load(random_rows(rng, date(2025, 4, 1), "gdp", "monthly_jf"), at(2026, 3, 11))
    loader.load(random_rows(rng, date(2024, 6, 1), "jobless", "monthly"), at(2026, 3, 12))
    loader.load(random_rows(rng, date(2025, 6, 1), "income", "quarterly"), at(2026, 3, 12, 10))
    step = marts.build(con)
    assert step.mode == "incremental" and step.n_slices == 3
    incremental = snapshot(con)
    marts.build(con, full=True)
    assert snapshot(con) == incremental
    # and back in time: as of before the late loads, then forward again
    marts.build(con, as_of=at(2026, 3, 10, 12))
    back = snapshot(con)
    marts.build(con, as_of=at(2026, 3, 10, 12), full=True)
    assert snapshot(con) == back
    marts.build(con)
    assert snapshot(con) == incremental


@pytest.mark.parametrize("invariant", INVARIANTS)
def test_invariant_queries_return_no_rows(invariant):
    con = warehouse(catalog())
    load_history(con, random.Random(11), skip_month=date(2025, 4, 1))
    marts.build(con)
    assert con.execute("select count(*) from marts.rankings where rank is not null").fetchone()[0] > 300
    sql = (SQL_DIR / "tests" / f"{invariant}.sql").read_text(encoding="utf-8")
    assert con.execute(sql).fetchall() == []


def test_invariants_catch_a_broken_rank():
    """The invariant queries are not vacuous: corrupt one rank and they report it."""
    con = warehouse(catalog())
    load_history(con, random.Random(11))
    marts.build(con)
    # ranks are computed when read: wrap the model so every second place reads as third
    ranked = (SQL_DIR / "marts" / "store" / "ranked.sql").read_text(encoding="utf-8")
    con.execute("create or replace view mart_store.ranked as select * replace "
                f"(case when rank = 2 then 3 else rank end as rank) from ({ranked})")
    found = {name: len(con.execute((SQL_DIR / "tests" / f"{name}.sql").read_text(encoding="utf-8")).fetchall())
             for name in ("rank_consistent_with_metrics", "rank_no_holes")}
    assert found["rank_consistent_with_metrics"] > 0 and found["rank_no_holes"] > 0


def test_nothing_new_means_nothing_rebuilt():
    con = warehouse(catalog())
    load_history(con, random.Random(3))
    marts.build(con)
    again = marts.build(con)
    assert (again.mode, again.n_slices) == ("unchanged", 0)


def test_a_catalog_change_forces_a_full_rebuild():
    from flows.warehouse.db import sync_catalog

    con = warehouse(catalog())
    load_history(con, random.Random(3))
    marts.build(con)
    changed = catalog().model_copy(update={"groups": catalog().groups[:1]})
    sync_catalog(con, changed)
    assert marts.build(con).mode == "full"
    assert [r[0] for r in con.execute("select distinct group_code from marts.rankings").fetchall()] == ["city"]


def test_the_pipeline_reranks_when_only_the_catalog_changed(tmp_path):
    """Views rank from ref as it is now, the stored top three from ref as it was: a catalog change
    with no new file must still trigger rank, or marts.rankings and marts.streaks would disagree."""
    from flows.config.settings import load_settings
    from flows.run.pipeline import load_watermark, needs_rank
    from flows.warehouse.db import connect, sync_catalog

    settings = load_settings(home=tmp_path)
    settings.db_path.parent.mkdir(parents=True, exist_ok=True)
    con = connect(settings.db_path)
    sync_catalog(con, catalog())
    load_history(con, random.Random(3))
    marts.build(con)
    con.close()
    loaded, ranked, changed = load_watermark(settings)
    assert ranked == loaded and not changed and not needs_rank(loaded, loaded, ranked, changed)

    con = connect(settings.db_path)
    sync_catalog(con, catalog().model_copy(update={"groups": catalog().groups[:1]}))
    con.close()
    loaded, ranked, changed = load_watermark(settings)
    assert changed and needs_rank(loaded, loaded, ranked, changed)


def test_briefings_refuse_marts_built_with_another_catalog():
    """The same staleness stops a briefing (run by hand after a config edit) with one clear line."""
    from flows.brief import guards
    from flows.brief.content import queries as q
    from flows.warehouse.db import sync_catalog

    con = warehouse(catalog())
    load_history(con, random.Random(3))
    marts.build(con)
    assert not q.rank_catalog_is_stale(con) and guards.catalog_problems(False) == []
    sync_catalog(con, catalog().model_copy(update={"groups": catalog().groups[:1]}))
    assert q.rank_catalog_is_stale(con)
    assert "run `bipin rank` first" in guards.catalog_problems(True)[0]
    marts.build(con)
    assert not q.rank_catalog_is_stale(con)
