"""marts.rank_levers (争进位) on hand-worked examples: docs/RULES.md "Levers" has the same numbers."""

from __future__ import annotations

from datetime import date

import pytest
from rank_world import Group, Loader, Scoring, at, small_catalog, warehouse

from flows.rank import marts

MAR = date(2025, 3, 1)


def levers(con, indicator: str) -> dict[str, dict]:
    cur = con.execute("select * from marts.rank_levers where indicator_code = ? and period = ? order by place_code",
                      [indicator, MAR])
    names = [d[0] for d in cur.description]
    return {row[names.index("place_code")]: dict(zip(names, row, strict=True)) for row in cur.fetchall()}


JOBLESS = {"aa": 3.0, "bb": 3.4, "cc": 4.0, "dd": 4.5, "ee": 5.2}


def rank_points_world(first_tier_size: int, method: str = "rank_points", jobless: dict = JOBLESS):
    """gdp (weight 2) 9.5, 8.0, 8.0, 6.5, 2.0 -> ranks 1, 2, 2, 4, 5; jobless (lower is better) 3.0 ... 5.2 -> 1..5."""
    city = Group(code="city", name="某市", label="全市", members_with_parent="city", first_tier_size=first_tier_size,
                 scoring=Scoring(method=method, weights={"gdp": 2.0}))
    con = warehouse(small_catalog(groups=(city,)))
    loader = Loader(con)
    loader.load([(p, "gdp", MAR, 100.0, g) for p, g in
                 {"aa": 9.5, "bb": 8.0, "cc": 8.0, "dd": 6.5, "ee": 2.0}.items()], at(2025, 4, 10))
    loader.load([(p, "jobless", MAR, r, None) for p, r in jobless.items()], at(2025, 4, 11))
    marts.build(con)
    return con


def test_drawing_level_with_the_places_directly_above_gains_their_shared_rank():
    con = rank_points_world(first_tier_size=3)
    gdp = levers(con, "gdp")
    # first place: nothing to gain
    assert gdp["aa"]["rank"] == 1 and gdp["aa"]["needed_metric"] is None and gdp["aa"]["composite_points_gained"] is None
    # dd (6.5, 4th) draws level with the two tied at 8.0 and shares their 2nd place
    assert (gdp["dd"]["needed_metric"], round(gdp["dd"]["needed_change"], 6), gdp["dd"]["rank_if_gained"]) == (8.0, 1.5, 2)
    # ee (2.0, 5th) only needs the 4th place's 6.5
    assert (gdp["ee"]["needed_metric"], round(gdp["ee"]["needed_change"], 6), gdp["ee"]["rank_if_gained"]) == (6.5, 4.5, 4)
    # bb, tied 2nd, needs the leader's 9.5
    assert (gdp["bb"]["needed_metric"], gdp["bb"]["rank_if_gained"]) == (9.5, 1)


def test_lower_is_better_needs_a_lower_metric_and_the_change_is_positive():
    jobless = levers(rank_points_world(first_tier_size=3), "jobless")
    assert (jobless["dd"]["needed_metric"], round(jobless["dd"]["needed_change"], 6), jobless["dd"]["rank_if_gained"]) \
        == (4.0, 0.5, 3)


def test_composite_points_gained_with_rank_points_and_weights():
    con = rank_points_world(first_tier_size=3)
    gdp, jobless = levers(con, "gdp"), levers(con, "jobless")
    # composite (2 x gdp points + jobless points) / 3: aa 100, bb 75, cc 66.67, dd 25, ee 0
    assert round(gdp["dd"]["composite_score"], 4) == 25.0 and gdp["dd"]["composite_rank"] == 4
    # dd on gdp: 4th -> 2nd of 5 = 50 points, weight 2 of 3 -> 33.33
    assert round(gdp["dd"]["composite_points_gained"], 4) == 33.3333
    # dd on jobless: 4th -> 3rd = 25 points, weight 1 of 3 -> 8.33
    assert round(jobless["dd"]["composite_points_gained"], 4) == 8.3333
    # 25 + 33.33 = 58.33 does not reach cc's 66.67: no composite place, no first tier
    assert gdp["dd"]["gains_composite_place"] is False and gdp["dd"]["lifts_to_first_tier"] is False
    # cc (3rd overall, already first tier) gains bb's 2nd composite place via gdp: 66.67 + 16.67 >= 75
    assert gdp["cc"]["gains_composite_place"] is True and gdp["cc"]["lifts_to_first_tier"] is False


def test_reaching_the_first_tier_by_drawing_level_counts_as_reaching_it():
    con = rank_points_world(first_tier_size=2)
    jobless = levers(con, "jobless")
    # cc (66.67, 3rd; first tier = top 2) on jobless: 3rd -> 2nd = 25 points / 3 = 8.33 -> 75.0 = bb's score
    assert round(jobless["cc"]["composite_points_gained"], 4) == 8.3333
    assert jobless["cc"]["gains_composite_place"] is True
    assert jobless["cc"]["lifts_to_first_tier"] is True
    assert levers(con, "gdp")["ee"]["lifts_to_first_tier"] is False


def test_composite_points_gained_with_zscore_recomputes_the_slice():
    city = Group(code="city", name="某市", label="全市", members_with_parent="city", first_tier_size=1,
                 scoring=Scoring(method="zscore"))
    con = warehouse(small_catalog(groups=(city,)))
    Loader(con).load([(p, "gdp", MAR, 100.0, g) for p, g in
                      {"aa": 10.0, "bb": 0.0, "cc": 0.0, "dd": 0.0, "ee": 0.0}.items()], at(2025, 4, 10))
    marts.build(con)
    bb = levers(con, "gdp")["bb"]
    # now: mean 2, sd 4 -> z = -0.5; at 10: values 10, 10, 0, 0, 0, mean 4, sd sqrt(24) -> z = 6 / 4.899 = 1.2247
    assert bb["needed_metric"] == 10.0 and bb["rank_if_gained"] == 1
    assert round(bb["composite_points_gained"], 4) == round(6 / 24 ** 0.5 + 0.5, 4)
    # -0.5 + 1.72 = 1.22 < aa's 2.0: not first (the only first-tier place)
    assert bb["gains_composite_place"] is False and bb["lifts_to_first_tier"] is False


def test_unranked_places_have_no_lever():
    con = warehouse(small_catalog(min_coverage=0.8))  # bb has a value but no growth, the basis: not reported
    Loader(con).load([(p, "gdp", MAR, 100.0, g) for p, g in
                      {"aa": 5.0, "bb": None, "cc": 7.0, "dd": 3.0, "ee": 1.0}.items()], at(2025, 4, 10))
    marts.build(con)
    assert sorted(levers(con, "gdp")) == ["aa", "cc", "dd", "ee"]


@pytest.mark.parametrize("method", ["rank_points", "zscore"])
def test_the_composite_beside_each_lever_is_the_scorecards_one(method):
    con = rank_points_world(2, method, jobless={"aa": 3.0, "bb": 5.4, "cc": 4.0, "dd": 4.5, "ee": 3.2})
    cards = set(con.execute("select place_code, round(composite_score, 6), composite_rank, is_first_tier "
                            "from marts.scorecards").fetchall())
    beside = set(con.execute("select distinct place_code, round(composite_score, 6), composite_rank, is_first_tier "
                             "from marts.rank_levers").fetchall())
    assert len(cards) == 5 and beside == cards


def test_a_partial_slice_has_no_levers_and_leaves_the_composite():
    con = warehouse(small_catalog())  # min_coverage 1.0: every member must report
    loader = Loader(con)
    loader.load([(p, "gdp", MAR, 100.0, g) for p, g in {"aa": 9.5, "bb": 8.0, "cc": 6.5, "dd": 2.0}.items()],
                at(2025, 4, 10))                          # ee has not reported: gdp is partial
    loader.load([(p, "jobless", MAR, r, None) for p, r in JOBLESS.items()], at(2025, 4, 11))
    marts.build(con)
    assert con.execute("select count(*) from marts.rankings where indicator_code = 'gdp' and not is_complete"
                       ).fetchone()[0] == 4
    assert levers(con, "gdp") == {}
    dd = levers(con, "jobless")["dd"]
    # the composite is jobless alone (4th of 5 = 25 points); drawing level with 4.0 gains 25 points
    assert (dd["composite_score"], round(dd["composite_points_gained"], 4)) == (25.0, 25.0)
