"""The briefing run's shared reads (content/queries.py RunReads, plan.shared_reads) on real rank marts.

A run reads a per-group (per-place) model once for all its recipients and hands each its own rows, and
the kinds of one process share a read while the warehouse's reads_state is the same: each must give a
recipient exactly the rows it would have read alone, and never rows of a warehouse that has changed.
"""

from __future__ import annotations

import threading
from datetime import date

import pytest
from rank_world import Group, Loader, Membership, at, small_catalog, warehouse

from flows.brief import plan as p
from flows.brief.content import queries as q
from flows.brief.content.trends import Chart, ChartSeries
from flows.brief.render import charts
from flows.rank import marts

MAR, APR = date(2025, 3, 1), date(2025, 4, 1)
PLACES = ["aa", "bb", "cc", "dd", "ee"]
GROUPS = ["city", "hills"]


def two_group_world():
    """city: all five (min_coverage 1.0); hills: aa, bb, cc. March complete; in April ee has not sent gdp,
    so gdp is partial in city and complete in hills."""
    hills = Group(code="hills", name="山区", label="山区", members=tuple(
        Membership(place=c, valid_from=date(2020, 1, 1)) for c in ("aa", "bb", "cc")))
    city = Group(code="city", name="某市", label="全市", members_with_parent="city")
    con = warehouse(small_catalog(groups=(city, hills)))
    loader = Loader(con)
    gdp = {"aa": 9.5, "bb": 8.0, "cc": 8.0, "dd": 6.5, "ee": 2.0}
    jobless = {"aa": 3.0, "bb": 3.4, "cc": 4.0, "dd": 4.5, "ee": 5.2}
    loader.load([(c, "gdp", MAR, 100.0, g) for c, g in gdp.items()], at(2025, 4, 10))
    loader.load([(c, "jobless", MAR, r, None) for c, r in jobless.items()], at(2025, 4, 11))
    loader.load([(c, "gdp", APR, 100.0, g + 1) for c, g in gdp.items() if c != "ee"], at(2025, 5, 10))
    loader.load([(c, "jobless", APR, r, None) for c, r in jobless.items()], at(2025, 5, 11))
    marts.build(con)
    return con, loader


def counting_reads(con, groups, places):
    """RunReads over a plain dict memo, and the list of the SQL reads it really made."""
    made, memo = [], {}

    def keep(key, make):
        if key not in memo:
            made.append(key)
            memo[key] = make()
        return memo[key]

    return q.RunReads(con, groups, places, keep), made


@pytest.mark.parametrize("period", [MAR, APR])
def test_rank_levers_of_all_places_and_groups_split_into_each_ones_own(period):
    con, _ = two_group_world()
    every = q.fetch(con, "rank_levers", places=PLACES, groups=GROUPS, period=period)
    assert {r["group_code"] for r in every} == set(GROUPS)  # both groups have levers: the split is not vacuous
    for place in PLACES:
        for groups in (["city"], ["hills"], GROUPS):
            alone = q.fetch(con, "rank_levers", places=[place], groups=groups, period=period)
            assert alone == [r for r in every if r["place_code"] == place and r["group_code"] in groups]
    reads, made = counting_reads(con, GROUPS, PLACES)
    for place in PLACES:
        assert reads.fetch("rank_levers", places=[place], groups=["hills"], period=period) == q.fetch(
            con, "rank_levers", places=[place], groups=["hills"], period=period)
    assert [key[1] for key in made] == ["rank_levers"]  # one read for the five places


def test_coverage_of_all_groups_splits_into_each_ones_own_and_names_who_is_missing():
    con, _ = two_group_world()
    every = q.coverage(con, MAR, GROUPS)
    assert [(r["group_code"], r["period"], r["n_partial"], r["missing_names"]) for r in every] == [
        ("city", APR, 1, ["戊"])]
    for groups in (["city"], ["hills"]):
        assert q.coverage(con, MAR, groups) == [r for r in every if r["group_code"] in groups]
    reads, made = counting_reads(con, GROUPS, PLACES)
    assert q.coverage(reads, MAR, ["hills"]) == [] and q.coverage(reads, MAR, ["city"]) == every
    assert sorted(key[1] for key in made) == ["coverage", "unpublished_periods"]


def test_coverage_without_a_partial_slice_is_empty():
    con, loader = two_group_world()
    loader.load([("ee", "gdp", APR, 100.0, 3.0)], at(2025, 5, 12))  # ee catches up: April is complete
    marts.build(con)
    assert q.fetch(con, "unpublished_periods", period_from=MAR) == []
    assert q.coverage(con, MAR, GROUPS) == []


def test_reads_state_changes_with_what_the_models_read_and_only_with_that():
    con, loader = two_group_world()
    first = q.reads_state(con)
    q.fetch(con, "rank_levers", places=PLACES, groups=GROUPS, period=APR)  # reading the rank views changes nothing
    assert q.reads_state(con) == first
    con.execute("insert into delivery.send_ledger (kind, period_key, recipient, content_hash, status) values "
                "('weekly', '2025-W20', 'a@example.org', 'h', 'sent')")
    assert q.reads_state(con) == first  # a send between two kinds of a run changes no briefing read
    con.execute("update ref.places set short_name = '甲甲' where place_code = 'aa'")
    renamed = q.reads_state(con)
    assert renamed != first
    loader.load([("ee", "gdp", APR, 100.0, 3.0)], at(2025, 5, 12))
    loaded = q.reads_state(con)
    assert loaded != renamed
    marts.build(con)
    assert q.reads_state(con) != loaded


def plan_with(reads_key: str | None) -> p.Plan:
    return p.Plan("weekly", at(2025, 5, 20), APR, "2025年1-4月", None, (), (), (), reads_key=reads_key)


def test_runs_share_a_read_only_while_the_warehouse_is_in_the_same_state():
    made = []

    def make(tag):
        return lambda: made.append(tag) or [tag]

    key = ("reads", "group_rankings", ("period", APR))
    assert p.shared_reads(plan_with("/w.duckdb#s1"), key, make("weekly")) == ["weekly"]
    assert p.shared_reads(plan_with("/w.duckdb#s1"), key, make("monthly")) == ["weekly"]  # another kind, same state
    assert p.shared_reads(plan_with("/w.duckdb#s2"), key, make("changed")) == ["changed"]
    assert p.shared_reads(plan_with("/other.duckdb#s1"), key, make("other file")) == ["other file"]
    # no state known: the run's own reads only
    assert p.shared_reads(plan_with(None), key, make("alone 1")) == ["alone 1"]
    assert p.shared_reads(plan_with(None), key, make("alone 2")) == ["alone 2"]
    assert made == ["weekly", "changed", "other file", "alone 1", "alone 2"]


def test_a_chart_asked_for_by_several_threads_at_once_is_drawn_once_and_the_same(monkeypatch):
    chart = Chart("主要指标位次走势（测试）", ("25.01", "25.02", "25.03"),
                  (ChartSeries("gdp", "地区生产总值", (3, 2, 1)), ChartSeries("jobless", "失业率", (1, None, 2))), 5)
    drawn, render = [], charts._render
    monkeypatch.setattr(charts, "_render", lambda c, dpi: drawn.append(c) or render(c, dpi))
    monkeypatch.setattr(charts, "_drawn", type(charts._drawn)())
    got, start = [], threading.Barrier(4)

    def ask():
        start.wait()
        got.append(charts.trend_png(chart))

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert drawn == [chart]
    assert len(got) == 4 and len(set(got)) == 1 and got[0].startswith(b"\x89PNG")
    charts.draw_soon(chart)  # drawn already: nothing more to draw
    assert charts.trend_png(chart) == got[0] and drawn == [chart]
    assert render(chart, charts.DPI) == got[0]  # drawn again from scratch: the same bytes
