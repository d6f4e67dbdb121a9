"""Coverage (docs/RULES.md, 11): a slice is published only when enough of its group's members reported;
flagged and non-finite values are reported but never ranked; no mart ever holds inf or NaN."""

from __future__ import annotations

import math
from datetime import date

from rank_world import Benchmark, Group, Loader, Membership, at, ranks, small_catalog, warehouse
from test_rank_cli import invoke, world  # noqa: F401  (the fixture: a city of four counties, two months)

from flows.rank import marts
from flows.warehouse.db import connect

FEB, MAR, APR = date(2025, 2, 1), date(2025, 3, 1), date(2025, 4, 1)
MART_VIEWS = ("rankings", "top3_counts", "streaks", "scorecards", "benchmark_gaps", "periods", "rank_disagreements")


def gdp(period, growth: dict):
    return [(p, "gdp", period, 100.0, g) for p, g in growth.items()]


def everything(con) -> dict[str, list]:
    """Every row of every mart view, comparable between two warehouses (which file a value came from aside)."""
    def rows(view):
        columns = "* exclude (file_id)" if view in ("rankings", "rank_disagreements") else "*"
        return sorted(con.execute(f"select {columns} from marts.{view}").fetchall(), key=repr)
    return {view: rows(view) for view in MART_VIEWS}


def test_a_partial_slice_is_visible_but_not_published():
    con = warehouse(small_catalog(benchmarks=(Benchmark(focus="aa", learn_from="bb", learn_from_group="city"),)))
    loader = Loader(con)
    loader.load(gdp(FEB, {"aa": 9.0, "bb": 8.0, "cc": 7.0, "dd": 2.0, "ee": 1.0}), at(2025, 3, 10))
    # the March table arrives for two of the five counties only (the city's table before the province's)
    loader.load(gdp(MAR, {"dd": 9.0, "ee": 8.0}), at(2025, 4, 5))
    marts.build(con)

    periods = con.execute("select period, n_members, n_reported, n_ranked, is_complete, pub_idx from marts.periods "
                          "where indicator_code = 'gdp' order by period").fetchall()
    assert periods == [(FEB, 5, 5, 5, True, 1), (MAR, 5, 2, 2, False, None)]
    rows = con.execute("select place_code, rank, is_complete, n_members, n_reported from marts.rankings "
                       "where period = ? order by place_code", [MAR]).fetchall()
    assert rows == [("dd", 1, False, 5, 2), ("ee", 2, False, 5, 2)]
    # not published: no top-three counts, scorecards or benchmark gaps for March ...
    for view in ("top3_counts", "scorecards", "benchmark_gaps"):
        assert con.execute(f"select count(*) from marts.{view} where period = ?", [MAR]).fetchone()[0] == 0, view
    # ... and February's streaks neither break (aa, bb, cc have no March row) nor extend (dd, ee)
    streaks = con.execute("select place_code, end_period, is_current, broke_at from marts.streaks "
                          "where kind = 'top3' order by place_code").fetchall()
    assert streaks == [("aa", FEB, True, None), ("bb", FEB, True, None), ("cc", FEB, True, None)]


def test_partial_then_complete_is_as_if_it_had_arrived_at_once():
    feb = gdp(FEB, {"aa": 9.0, "bb": 8.0, "cc": 7.0, "dd": 2.0, "ee": 1.0})
    mar_first = gdp(MAR, {"dd": 9.0, "ee": 8.0})
    mar_rest = gdp(MAR, {"aa": 1.0, "bb": 0.5, "cc": 7.5})
    apr = gdp(APR, {"aa": 3.0, "bb": 2.0, "cc": 8.0, "dd": 9.0, "ee": 1.0})

    stepwise = warehouse(small_catalog())
    loader = Loader(stepwise)
    loader.load(feb, at(2025, 3, 10))
    loader.load(mar_first, at(2025, 4, 5))
    loader.load(apr, at(2025, 5, 10))  # April complete while March is still partial
    marts.build(stepwise)
    assert stepwise.execute("select prev_rank from marts.rankings where period = ? and place_code = 'dd'",
                            [APR]).fetchone() == (None,)  # March was not published: no rank to compare with
    loader.load(mar_rest, at(2025, 5, 12))
    assert marts.build(stepwise).mode == "incremental"

    at_once = warehouse(small_catalog())
    at_once_loader = Loader(at_once)
    at_once_loader.load(feb, at(2025, 3, 10))
    at_once_loader.load([*mar_first, *mar_rest], at(2025, 4, 5))
    at_once_loader.load(apr, at(2025, 5, 10))
    marts.build(at_once)

    incremental = everything(stepwise)
    assert incremental == everything(at_once)
    assert stepwise.execute("select place_code, start_period, end_period, n_periods from marts.streaks "
                            "where kind = 'top3' and place_code = 'cc'").fetchall() == [("cc", FEB, APR, 3)]
    assert stepwise.execute("select prev_rank from marts.rankings where period = ? and place_code = 'dd'",
                            [APR]).fetchone() == (1,)
    marts.build(stepwise, full=True)
    assert everything(stepwise) == incremental
    # and as of the moment March was partial, the marts show it partial again
    marts.build(stepwise, as_of=at(2025, 5, 11))
    assert stepwise.execute("select is_complete from marts.periods where period = ?", [MAR]).fetchone() == (False,)
    assert stepwise.execute("select count(*) from marts.top3_counts where period = ?", [MAR]).fetchone() == (0,)


def test_min_coverage_and_membership_set_what_complete_means():
    # ee leaves on 2025-03-15: March's members are aa..dd; the group publishes at 75% coverage
    city = Group(code="city", name="某市", label="全市", min_coverage=0.75, members=(
        *(Membership(place=p) for p in ("aa", "bb", "cc", "dd")), Membership(place="ee", valid_to=date(2025, 3, 15))))
    con = warehouse(small_catalog(groups=(city,)))
    loader = Loader(con)
    loader.load(gdp(FEB, {"aa": 1.0, "bb": 2.0, "cc": 3.0}), at(2025, 3, 10))   # 3 of 5 = 60%: partial
    loader.load(gdp(MAR, {"aa": 1.0, "bb": 2.0, "cc": 3.0}), at(2025, 4, 10))   # 3 of 4 = 75%: complete
    marts.build(con)
    assert con.execute("select period, n_members, n_reported, is_complete from marts.periods order by period"
                       ).fetchall() == [(FEB, 5, 3, False), (MAR, 4, 3, True)]
    assert con.execute("select place_code, n_top3 from marts.top3_counts order by place_code").fetchall() == [
        ("aa", 1), ("bb", 1), ("cc", 1)]


def test_a_flagged_value_is_reported_but_not_ranked():
    con = warehouse(small_catalog())
    Loader(con).load(gdp(FEB, {"aa": 9.0, "bb": 8.0, "cc": 7.0, "dd": 2.0, "ee": 1.0}), at(2025, 3, 10))
    con.execute("update staging.observations set quality_flag = 'implausible' where place_code = 'aa'")
    marts.build(con)
    assert ranks(con, "gdp", FEB) == {"aa": None, "bb": 1, "cc": 2, "dd": 3, "ee": 4}
    assert con.execute("select metric, quality_flag, is_complete, n_ranked from marts.rankings "
                       "where place_code = 'aa'").fetchone() == (None, "implausible", True, 4)
    assert con.execute("select n_reported, n_ranked, is_complete from marts.periods").fetchone() == (5, 4, True)
    assert con.execute("select count(*) from marts.top3_counts where place_code = 'aa'").fetchone() == (0,)


def test_preliminary_values_are_marked_in_the_rankings():
    con = warehouse(small_catalog())
    Loader(con).load(gdp(FEB, {"aa": 9.0, "bb": 8.0, "cc": 7.0, "dd": 2.0, "ee": 1.0}), at(2025, 3, 10))
    con.execute("update staging.observations set is_preliminary = true where place_code in ('aa', 'cc')")
    marts.build(con)
    assert con.execute("select place_code from marts.rankings where is_preliminary order by place_code"
                       ).fetchall() == [("aa",), ("cc",)]


def test_no_mart_holds_inf_or_nan():
    bench = Benchmark(focus="aa", learn_from="bb", learn_from_group="city")
    zscore_city = Group(code="city", name="某市", label="全市", members_with_parent="city",
                        scoring={"method": "zscore"})
    con = warehouse(small_catalog(groups=(zscore_city,), benchmarks=(bench,)))
    loader = Loader(con)
    # jobless is ranked on its level: 1e308 overflows every difference and the standard deviation
    loader.load([(p, "jobless", FEB, v, None) for p, v in
                 {"aa": -1e308, "bb": 1e308, "cc": 3.0, "dd": 4.0, "ee": 5.0}.items()], at(2025, 3, 10))
    loader.load([(p, "jobless", MAR, v, None) for p, v in
                 {"aa": 1e308, "bb": -1e308, "cc": 3.0, "dd": float("inf"), "ee": float("nan")}.items()],
                at(2025, 4, 10))
    # gdp: a growth that draws level needs 1e308 x 2 (overflow), one row flagged
    loader.load([("aa", "gdp", FEB, 1e308, 0.0), ("bb", "gdp", FEB, 100.0, 100.0), ("cc", "gdp", FEB, 1.0, 50.0),
                 ("dd", "gdp", FEB, 1.0, 1.0), ("ee", "gdp", FEB, 1.0, 2.0)], at(2025, 3, 11))
    con.execute("update staging.observations set quality_flag = 'implausible' where place_code = 'ee'"
                " and indicator_code = 'gdp'")
    marts.build(con)

    checked = 0
    for view in MART_VIEWS:
        cur = con.execute(f"select * from marts.{view}")
        names = [d[0] for d in cur.description]
        for row in cur.fetchall():
            for name, value in zip(names, row, strict=True):
                if isinstance(value, float):
                    checked += 1
                    assert math.isfinite(value), (view, name, row)
    assert checked > 50
    # non-finite metrics are not ranked; the finite extremes are
    assert ranks(con, "jobless", MAR) == {"bb": 1, "cc": 2, "aa": 3, "dd": None, "ee": None}
    assert con.execute("select gap_to_leader from marts.rankings where period = ? and indicator_code = 'jobless' "
                       "and place_code = 'aa'", [MAR]).fetchone() == (None,)  # 1e308 - -1e308 overflows: absent
    assert con.execute("select needed_value from marts.benchmark_gaps where indicator_code = 'gdp'").fetchone() == (None,)


def test_the_cli_marks_partial_slices(world):  # noqa: F811
    con = connect(world[3])
    loader = Loader(con)
    loader.next_id = 100
    loader.load(gdp(APR, {"aa": 5.0}), at(2025, 5, 8))  # one of the city's four counties
    con.close()
    code, out = invoke([*world, "rank", "--no-prefect"])
    assert code == 0 and "partial, not published until complete: city 2025-04-01, 1 indicator(s), 1/4 members" in out
    code, out = invoke([*world, "show", "aa", "--period", "2025-04"])
    assert code == 0 and "1/1（未齐，已到1/4）" in out
