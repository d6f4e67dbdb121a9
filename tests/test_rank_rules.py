"""One test per ranking rule (docs/RULES.md), on tiny hand-made inputs with the expected output written out."""

from __future__ import annotations

from datetime import date

import pytest
from rank_world import (
    Benchmark,
    Group,
    Indicator,
    Loader,
    Membership,
    Scoring,
    at,
    ranks,
    small_catalog,
    warehouse,
)

from flows.rank import marts

FEB, MAR, APR, MAY = date(2025, 2, 1), date(2025, 3, 1), date(2025, 4, 1), date(2025, 5, 1)


def gdp(period, growth: dict, published: dict | None = None):
    """Rows for the growth indicator: every place gets value 100 and the given growth."""
    return [(p, "gdp", period, 100.0, g, (published or {}).get(p)) for p, g in growth.items()]


def jobless(period, rates: dict):
    return [(p, "jobless", period, r, None) for p, r in rates.items()]


def one_row(con, sql: str, params: list):
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    row = cur.fetchone()
    return dict(zip(names, row, strict=True)) if row else None


@pytest.fixture
def con():
    c = warehouse(small_catalog())
    yield c
    c.close()


def test_ties_share_the_best_place_and_skip_the_next(con):
    Loader(con).load(gdp(FEB, {"aa": 5.0, "bb": 7.0, "cc": 7.0, "dd": 3.0, "ee": 1.0}), at(2025, 3, 10))
    marts.build(con)
    assert ranks(con, "gdp", FEB) == {"bb": 1, "cc": 1, "aa": 3, "dd": 4, "ee": 5}
    top3 = con.execute("select place_code from marts.rankings where is_top3 order by place_code").fetchall()
    assert [r[0] for r in top3] == ["aa", "bb", "cc"]


def test_is_tied_marks_a_shared_rank_once_for_every_reader():
    """marts.rankings states is_tied; marts.benchmark_gaps carries it for both sides (not recounted)."""
    con = warehouse(small_catalog(benchmarks=(Benchmark(focus="dd", learn_from="bb", learn_from_group="city"),)))
    loader = Loader(con)
    loader.load(gdp(FEB, {"aa": 5.0, "bb": 7.0, "cc": 7.0, "dd": 3.0, "ee": 1.0}), at(2025, 3, 10))
    loader.load(gdp(MAR, {"aa": 5.0, "bb": None, "cc": None, "dd": 3.0, "ee": 1.0}), at(2025, 4, 10))
    marts.build(con)
    tied = dict(con.execute("select place_code, is_tied from marts.rankings where period = ?", [FEB]).fetchall())
    assert tied == {"aa": False, "bb": True, "cc": True, "dd": False, "ee": False}
    # two missing values are not ranked, so not tied either
    assert con.execute("select place_code, rank, is_tied from marts.rankings where period = ? and place_code in "
                       "('bb', 'cc') order by place_code", [MAR]).fetchall() == [("bb", None, False), ("cc", None, False)]
    gaps = con.execute("select focus_rank, focus_is_tied, benchmark_rank, benchmark_is_tied from marts.benchmark_gaps "
                       "where period = ?", [FEB]).fetchall()
    assert gaps == [(4, False, 1, True)]


def test_missing_values_are_not_ranked_and_not_counted(con):
    Loader(con).load(gdp(FEB, {"aa": 5.0, "bb": None, "cc": 7.0, "dd": None, "ee": 1.0}), at(2025, 3, 10))
    marts.build(con)
    assert ranks(con, "gdp", FEB) == {"cc": 1, "aa": 2, "ee": 3, "bb": None, "dd": None}
    n_ranked = {r[0] for r in con.execute("select n_ranked from marts.rankings").fetchall()}
    assert n_ranked == {3}
    assert one_row(con, "select is_top3 from marts.rankings where place_code = ?", ["bb"]) == {"is_top3": False}


def test_lower_is_better_ranks_ascending_on_the_level(con):
    Loader(con).load(jobless(MAR, {"aa": 4.1, "bb": 2.9, "cc": 3.5, "dd": 2.9, "ee": 6.0}), at(2025, 4, 10))
    marts.build(con)
    assert ranks(con, "jobless", MAR) == {"bb": 1, "dd": 1, "cc": 3, "aa": 4, "ee": 5}


def test_membership_counts_at_the_periods_last_day():
    # ee leaves on 2025-05-28: still in for 1-4月 (last day 04-30), out for 1-5月 (last day 05-31)
    city = Group(code="city", name="某市", label="全市", members=(
        *(Membership(place=p) for p in ("aa", "bb", "cc", "dd")),
        Membership(place="ee", valid_to=date(2025, 5, 28)),
    ))
    con = warehouse(small_catalog(groups=(city,)))
    loader = Loader(con)
    loader.load(gdp(APR, {"aa": 1.0, "bb": 2.0, "cc": 3.0, "dd": 4.0, "ee": 9.0}), at(2025, 5, 10))
    loader.load(gdp(MAY, {"aa": 1.0, "bb": 2.0, "cc": 3.0, "dd": 4.0, "ee": 9.0}), at(2025, 6, 10))
    marts.build(con)
    assert ranks(con, "gdp", APR) == {"ee": 1, "dd": 2, "cc": 3, "bb": 4, "aa": 5}
    assert ranks(con, "gdp", MAY) == {"dd": 1, "cc": 2, "bb": 3, "aa": 4}
    assert one_row(con, "select n_ranked, prev_rank, rank_change from marts.rankings where period = ? and place_code = 'dd'",
                   [MAY]) == {"n_ranked": 4, "prev_rank": 2, "rank_change": 1}


def test_streak_runs_across_the_year_through_jan_feb_and_counts_its_two_months(con):
    loader = Loader(con)
    for period, loaded in ((date(2024, 11, 1), at(2024, 12, 10)), (date(2024, 12, 1), at(2025, 1, 10)),
                           (FEB, at(2025, 3, 10)), (MAR, at(2025, 4, 10))):
        loader.load(gdp(period, {"aa": 9.0, "bb": 5.0, "cc": 4.0, "dd": 3.0, "ee": 1.0}), loaded)
    marts.build(con)
    run = one_row(con, "select * from marts.streaks where place_code = 'aa' and kind = 'top3'", [])
    assert run == {"place_code": "aa", "indicator_code": "gdp", "group_code": "city", "kind": "top3",
                   "start_period": date(2024, 11, 1), "end_period": MAR, "n_periods": 4, "n_months": 5,
                   "is_current": True, "broke_at": None}
    # 1-2月 follows December: prev_rank of 1-2月 is December's
    assert one_row(con, "select prev_rank, period_label from marts.rankings where place_code = 'aa' and period = ?",
                   [FEB]) == {"prev_rank": 1, "period_label": "2025年1-2月"}


def test_missing_value_breaks_a_streak_but_an_unpublished_period_does_not():
    # a member without its ranked value is not reported (issue 19): 4 of 5 publish March at min_coverage 0.8
    con = warehouse(small_catalog(min_coverage=0.8))
    loader = Loader(con)
    loader.load(gdp(FEB, {"aa": 9.0, "bb": 8.0, "cc": 1.0, "dd": 2.0, "ee": 0.5}), at(2025, 3, 10))
    # March: aa's value is missing while the others are published -> aa's run breaks at March
    loader.load(gdp(MAR, {"aa": None, "bb": 8.0, "cc": 1.0, "dd": 2.0, "ee": 0.5}), at(2025, 4, 10))
    # April: nobody has published yet; May: both back
    loader.load(gdp(MAY, {"aa": 9.0, "bb": 8.0, "cc": 1.0, "dd": 2.0, "ee": 0.5}), at(2025, 6, 10))
    marts.build(con)
    rows = con.execute("""
        select place_code, start_period, end_period, n_periods, n_months, is_current, broke_at
        from marts.streaks where kind = 'top3' and place_code in ('aa', 'bb') order by place_code, start_period
    """).fetchall()
    assert rows == [
        ("aa", FEB, FEB, 1, 2, False, MAR),
        ("aa", MAY, MAY, 1, 1, True, None),
        ("bb", FEB, MAY, 3, 4, True, None),  # Feb (2 months), Mar, May: April unpublished breaks nothing
    ]


def test_revisions_and_as_of_reproduce_what_was_shown(con):
    loader = Loader(con)
    loader.load(gdp(FEB, {"aa": 5.0, "bb": 4.0, "cc": 3.0, "dd": 2.0, "ee": 1.0}), at(2025, 3, 10))
    loader.load([("bb", "gdp", FEB, 100.0, 6.0)], at(2025, 3, 20), name="revised.xlsx")  # bb revised up
    marts.build(con)
    assert ranks(con, "gdp", FEB) == {"bb": 1, "aa": 2, "cc": 3, "dd": 4, "ee": 5}
    with marts.marts_as_of(con, at(2025, 3, 15)) as built:
        assert built.mode == "incremental"
        assert ranks(con, "gdp", FEB) == {"aa": 1, "bb": 2, "cc": 3, "dd": 4, "ee": 5}
        assert con.execute("select as_of from meta.rank_state").fetchone()[0] == at(2025, 3, 15)
    assert ranks(con, "gdp", FEB) == {"bb": 1, "aa": 2, "cc": 3, "dd": 4, "ee": 5}
    assert con.execute("select as_of from meta.rank_state").fetchone()[0] is None
    # as of a moment before anything was loaded, the marts are empty
    marts.build(con, as_of=at(2025, 1, 1))
    assert con.execute("select count(*) from marts.rankings").fetchone()[0] == 0


def test_rank_change_is_positive_when_moving_up():
    con = warehouse(small_catalog(min_coverage=0.8))  # ee has no value in March
    loader = Loader(con)
    loader.load(gdp(FEB, {"aa": 1.0, "bb": 2.0, "cc": 3.0, "dd": 4.0, "ee": 5.0}), at(2025, 3, 10))
    loader.load(gdp(MAR, {"aa": 9.0, "bb": 2.0, "cc": 3.0, "dd": 4.0, "ee": None}), at(2025, 4, 10))
    marts.build(con)
    rows = con.execute("select place_code, rank, prev_rank, rank_change from marts.rankings where period = ? "
                       "order by place_code", [MAR]).fetchall()
    assert rows == [("aa", 1, 5, 4), ("bb", 4, 4, 0), ("cc", 3, 3, 0), ("dd", 2, 2, 0), ("ee", None, 1, None)]
    counts = con.execute("select place_code, n_top3, n_top3_prev, n_first, n_first_prev from marts.top3_counts "
                         "where period = ? order by place_code", [MAR]).fetchall()
    assert counts == [("aa", 1, 0, 1, 0), ("bb", 0, 0, 0, 0), ("cc", 1, 1, 0, 0), ("dd", 1, 1, 0, 0)]


def test_gaps_say_what_it_takes_in_metric_units(con):
    loader = Loader(con)
    loader.load(gdp(FEB, {"aa": 9.5, "bb": 8.0, "cc": 8.0, "dd": 6.5, "ee": 2.0}), at(2025, 3, 10))
    loader.load(jobless(MAR, {"aa": 3.0, "bb": 3.4, "cc": 4.0, "dd": 4.5, "ee": 5.2}), at(2025, 4, 10))
    marts.build(con)
    rows = con.execute("select place_code, gap_to_leader, gap_to_third, gap_to_next_above from marts.rankings "
                       "where indicator_code = 'gdp' order by place_code").fetchall()
    assert [(p, round(a, 2), round(b, 2), None if c is None else round(c, 2)) for p, a, b, c in rows] == [
        ("aa", 0.0, -1.5, None),   # leader: 1.5 pp ahead of the third place
        ("bb", 1.5, 0.0, 1.5),     # tied 2nd (= third position)
        ("cc", 1.5, 0.0, 1.5),
        ("dd", 3.0, 1.5, 1.5),     # 1.5 pp more growth draws level with the third place
        ("ee", 7.5, 6.0, 4.5),
    ]
    # lower is better: gaps are still "improvement needed", i.e. how many points the rate must fall
    rows = con.execute("select place_code, gap_to_leader, gap_to_third, gap_to_next_above from marts.rankings "
                       "where indicator_code = 'jobless' and place_code in ('dd', 'ee') order by place_code").fetchall()
    assert [(p, round(a, 2), round(b, 2), round(c, 2)) for p, a, b, c in rows] == [
        ("dd", 1.5, 0.5, 0.5), ("ee", 2.2, 1.2, 0.7)]


def test_composite_rank_points_with_weights_and_first_tier():
    city = Group(code="city", name="某市", label="全市", members_with_parent="city", first_tier_size=2,
                 scoring=Scoring(method="rank_points", weights={"jobless": 3.0}))
    con = warehouse(small_catalog(groups=(city,)))
    loader = Loader(con)
    loader.load(gdp(MAR, {"aa": 9.0, "bb": 8.0, "cc": 7.0, "dd": 6.0, "ee": 5.0}), at(2025, 4, 10))
    loader.load(jobless(MAR, {"aa": 5.0, "bb": 2.0, "cc": 3.0, "dd": 4.0, "ee": 4.0}), at(2025, 4, 11))
    marts.build(con)
    rows = con.execute("select place_code, composite_score, composite_rank, is_first_tier from marts.scorecards "
                       "order by composite_rank, place_code").fetchall()
    # gdp points (n=5): 100, 75, 50, 25, 0; jobless ranks bb1 cc2 dd3 ee3 aa5 -> 100, 75, 50, 50, 0 (weight 3)
    assert [(p, round(s, 4), r, t) for p, s, r, t in rows] == [
        ("bb", 93.75, 1, True),     # (75 + 3*100) / 4
        ("cc", 68.75, 2, True),     # (50 + 3*75) / 4
        ("dd", 43.75, 3, False),    # (25 + 3*50) / 4
        ("ee", 37.5, 4, False),     # (0 + 3*50) / 4
        ("aa", 25.0, 5, False),     # (100 + 0) / 4
    ]


def test_composite_zscore_is_capped_and_flips_lower_is_better():
    city = Group(code="city", name="某市", label="全市", members_with_parent="city", first_tier_size=1,
                 scoring=Scoring(method="zscore"))
    con = warehouse(small_catalog(groups=(city,)))
    loader = Loader(con)
    # growth 10, 0, 0, 0, 0: mean 2, sd 4 -> aa z = 2, the others -0.5
    loader.load(gdp(MAR, {"aa": 10.0, "bb": 0.0, "cc": 0.0, "dd": 0.0, "ee": 0.0}), at(2025, 4, 10))
    # jobless 1, 3, 3, 3, 3 (lower is better): mean 2.6, sd 0.8 -> aa z = +2, the others -0.5
    loader.load(jobless(MAR, {"aa": 1.0, "bb": 3.0, "cc": 3.0, "dd": 3.0, "ee": 3.0}), at(2025, 4, 11))
    marts.build(con)
    rows = con.execute("select place_code, composite_score, composite_rank, is_first_tier from marts.scorecards "
                       "order by composite_rank, place_code").fetchall()
    assert [(p, round(s, 4), r, t) for p, s, r, t in rows] == [
        ("aa", 2.0, 1, True), ("bb", -0.5, 2, False), ("cc", -0.5, 2, False), ("dd", -0.5, 2, False),
        ("ee", -0.5, 2, False)]
    # with 25 places at 0 and one at 100, the outlier's z-score would be 5: capped at 3
    many = [f"p{i:02d}" for i in range(25)]
    from flows.config.catalog import Place
    places = (Place(code="city", name="某市", short_name="某市", level="city"),
              *(Place(code=p, name=f"县{p}", short_name=f"县{p}", parent="city") for p in [*many, "zz"]))
    con2 = warehouse(small_catalog(groups=(city,), places=places))
    Loader(con2).load(gdp(MAR, {**{p: 0.0 for p in many}, "zz": 100.0}), at(2025, 4, 10))
    marts.build(con2)
    assert con2.execute("select composite_score from marts.scorecards where place_code = 'zz'").fetchone()[0] == 3.0


def test_benchmark_gaps_events_and_what_is_needed():
    bench = Benchmark(focus="aa", learn_from="bb", learn_from_group="city")
    con = warehouse(small_catalog(benchmarks=(bench,), min_coverage=0.6))  # dd and ee never report
    loader = Loader(con)
    # dd and ee print the missing marker: reported, so the city's slices are complete
    blank = [(p, "gdp", period, None, None) for period in (FEB, MAR) for p in ("dd", "ee")]
    loader.load([("aa", "gdp", FEB, 110.0, 10.0), ("bb", "gdp", FEB, 200.0, 12.0), ("cc", "gdp", FEB, 50.0, 1.0),
                 *blank[:2]], at(2025, 3, 10))
    loader.load([("aa", "gdp", MAR, 126.0, 5.0), ("bb", "gdp", MAR, 220.0, 4.0), ("cc", "gdp", MAR, 50.0, 1.0),
                 *blank[2:]], at(2025, 4, 10))
    marts.build(con)
    rows = con.execute("""
        select period, focus_metric, benchmark_metric, diff, focus_rank, benchmark_rank, event,
               needed_growth_pct, needed_value
        from marts.benchmark_gaps where focus_place_code = 'aa' and indicator_code = 'gdp' order by period
    """).fetchall()
    feb, mar = rows
    assert feb[:7] == (FEB, 10.0, 12.0, -2.0, 2, 1, None)
    # base last year = 110 / 1.10 = 100; at bb's 12% aa would need 112
    assert feb[7] == 12.0 and round(feb[8], 6) == 112.0
    assert mar[:7] == (MAR, 5.0, 4.0, 1.0, 1, 2, "overtook")
    assert round(mar[8], 6) == round(126.0 / 1.05 * 1.04, 6)
    reverse = con.execute("select event from marts.benchmark_gaps where period = ? and focus_place_code = 'aa'",
                          [MAR]).fetchone()
    assert reverse == ("overtook",)


def test_benchmark_was_overtaken():
    bench = Benchmark(focus="aa", overtake="bb", overtake_group="city")
    con = warehouse(small_catalog(benchmarks=(bench,), min_coverage=0.4))  # only aa and bb report
    loader = Loader(con)
    loader.load(gdp(FEB, {"aa": 6.0, "bb": 5.0, "cc": None, "dd": None, "ee": None}), at(2025, 3, 10))
    loader.load(gdp(MAR, {"aa": 6.0, "bb": 7.0, "cc": None, "dd": None, "ee": None}), at(2025, 4, 10))
    marts.build(con)
    assert con.execute("select role, event from marts.benchmark_gaps where period = ?", [MAR]).fetchall() == [
        ("overtake", "was_overtaken")]


def test_published_ranks_that_disagree_are_listed(con):
    Loader(con).load(gdp(FEB, {"aa": 5.0, "bb": 7.0, "cc": 7.0, "dd": 3.0, "ee": 1.0},
                         published={"aa": 3, "bb": 1, "cc": 2, "dd": 4, "ee": 5}), at(2025, 3, 10))
    marts.build(con)
    assert con.execute("select place_code, rank, published_rank from marts.rank_disagreements").fetchall() == [
        ("cc", 1, 2)]


def test_a_place_in_two_groups_is_ranked_in_each():
    both = (Group(code="city", name="某市", label="全市", members_with_parent="city"),
            Group(code="hills", name="山区", label="山区3县", members=tuple(Membership(place=p) for p in ("cc", "dd", "ee"))))
    con = warehouse(small_catalog(groups=both, indicators=(
        Indicator(code="gdp", name="地区生产总值", unit="亿元"),)))
    Loader(con).load(gdp(FEB, {"aa": 5.0, "bb": 4.0, "cc": 3.0, "dd": 2.0, "ee": 1.0}), at(2025, 3, 10))
    marts.build(con)
    assert ranks(con, "gdp", FEB, "hills") == {"cc": 1, "dd": 2, "ee": 3}
    assert ranks(con, "gdp", FEB, "city")["cc"] == 3


def test_streaks_longer_than_a_bit_word_and_across_word_edges():
    """Runs are found with 127 periods to a bit word: runs across word edges and longer than a word
    come out the same as consecutive top-three periods counted one by one from marts.rankings."""
    import random

    catalog = small_catalog().model_copy(update={"settings": {"calendar_years": [2000, 2027]}})
    con = warehouse(catalog)
    months = [date(y, m, 1) for y in range(2000, 2026) for m in range(1, 13)][:300]
    rng = random.Random(5)
    rows = []
    for i, period in enumerate(months):
        rates = {p: float(rng.randint(1, 9)) for p in ("aa", "bb", "cc", "dd", "ee")}
        if i < 260:
            rates["aa"] = 0.5  # first place (lowest rate) for 260 periods: three words, two full
        if 120 <= i < 140:
            rates["bb"] = 0.7  # second place across the first word edge (pub_idx 127)
        rows += jobless(period, rates)
    loader = Loader(con)
    loader.load(rows[: len(rows) - 5 * 40], at(2026, 1, 1))
    marts.build(con)
    loader.load(rows[len(rows) - 5 * 40:], at(2026, 2, 1))  # the last 40 periods, incrementally
    assert marts.build(con).mode == "incremental"

    ranked = con.execute("""
        select place_code, period, rank from marts.rankings where indicator_code = 'jobless' order by period
    """).fetchall()
    expected = set()
    for kind, limit in (("top3", 3), ("first", 1)):
        for place in ("aa", "bb", "cc", "dd", "ee"):
            flags = [r is not None and r <= limit for p, _, r in ranked if p == place]
            start = None
            for i, flag in enumerate([*flags, False]):
                if flag and start is None:
                    start = i
                if not flag and start is not None:
                    expected.add((place, kind, months[start], months[i - 1], i - start))
                    start = None
    got = set(con.execute("""
        select place_code, kind, start_period, end_period, n_periods from marts.streaks
        where indicator_code = 'jobless'
    """).fetchall())
    assert max(n for place, kind, *_, n in got if (place, kind) == ("aa", "first")) >= 260
    assert got == expected
    marts.build(con, full=True)
    assert set(con.execute("""
        select place_code, kind, start_period, end_period, n_periods from marts.streaks
        where indicator_code = 'jobless'
    """).fetchall()) == expected


def test_a_tie_at_third_longer_than_the_kept_list_is_ranked_in_full():
    """The build keeps each slice's best eight; with eight places tied at third the list cannot tell
    whether more tie, so that slice is ranked in full: all eight are in the top three."""
    from rank_world import Place

    codes = [f"p{i:02d}" for i in range(1, 13)]
    places = (Place(code="city", name="某市", short_name="某市", level="city"),
              *(Place(code=c, name=f"县{c}", short_name=c, parent="city") for c in codes))
    con = warehouse(small_catalog(places=places))
    growth = dict(zip(codes, [10.0, 9.0, *[5.0] * 8, 1.0, 0.0], strict=True))
    Loader(con).load(gdp(FEB, growth), at(2025, 3, 10))
    marts.build(con)
    counts = dict(con.execute("select place_code, n_top3 from marts.top3_counts where period = ?", [FEB]).fetchall())
    assert counts == {c: (1 if c not in ("p11", "p12") else 0) for c in codes}
    in_streaks = {r[0] for r in con.execute("select place_code from marts.streaks where kind = 'top3'").fetchall()}
    assert in_streaks == set(codes[:10])
    assert ranks(con, "gdp", FEB) == {**{c: 3 for c in codes[2:10]}, "p01": 1, "p02": 2, "p11": 11, "p12": 12}


def test_ids_too_large_for_the_streak_key_are_refused(con):
    """The streak model packs ids into one bigint: a catalog past its ranges is an error, not a mix-up."""
    marts._check_key_ranges(con)  # the small catalog fits
    con.execute("insert into mart_store.place_ids values (2097152, 'far_away')")
    with pytest.raises(ValueError, match="2\\^21 places"):
        marts._check_key_ranges(con)
