"""Real data: California's 58 counties, EDD unemployment rate (lower is better), 2017-01 .. 2020-07.

Ranked statewide and within the nine Bay Area counties by the marts, checked against an
independent pandas computation (groupby rank with ties at the best place; runs of consecutive
top-three months by cumcount).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from flows.config.catalog import Catalog, Group, Indicator, Membership, Place
from flows.rank import marts
from flows.warehouse.db import connect, sync_catalog

CSV = Path(__file__).resolve().parent / "fixtures" / "realdata" / "edd-california-counties.csv.gz"
BAY_AREA = ["Alameda", "Contra Costa", "Marin", "Napa", "San Francisco", "San Mateo", "Santa Clara", "Solano",
            "Sonoma"]


def code(county: str) -> str:
    return re.sub(r"[^a-z]+", "_", county.removesuffix(" County").lower()).strip("_")


@pytest.fixture(scope="module")
def edd() -> pd.DataFrame:
    df = pd.read_csv(CSV, parse_dates=["date"])
    df = df[(df["date"] >= "2017-01-01")].copy()
    df["place_code"] = df["county"].map(code)
    return df


@pytest.fixture(scope="module")
def ranked(edd):
    counties = sorted(edd["county"].unique())
    assert len(counties) == 58
    catalog = Catalog(
        places=(Place(code="california", name="California", short_name="CA", level="state"),
                *(Place(code=code(c), name=c, short_name=c.removesuffix(" County"), parent="california")
                  for c in counties)),
        groups=(Group(code="california", name="California", label="statewide", members_all_counties=True),
                Group(code="bay_area", name="Bay Area", label="Bay Area",
                      members=tuple(Membership(place=code(c)) for c in BAY_AREA))),
        indicators=(Indicator(code="unemployment_rate", name="Unemployment rate", unit="%", kind="rate",
                              basis="level", direction="lower", jan_feb_combined=False),),
        settings={"calendar_years": [2016, 2021]},
    )
    con = connect(":memory:")
    sync_catalog(con, catalog)
    # one "file" per month, loaded a few weeks after it, as EDD publishes
    for file_id, (month, rows) in enumerate(edd.groupby("date"), start=1):
        loaded = month.to_pydatetime() + timedelta(days=45)
        con.execute("insert into raw.files (file_id, file_name, original_path, sha256, size_bytes, status,"
                    " received_at, loaded_at) values (?, ?, '', '', 0, 'loaded', ?, ?)",
                    [file_id, f"edd_{month:%Y%m}.csv", loaded, loaded])
        con.executemany(
            "insert into staging.observations (file_id, place_code, indicator_code, period, value, loaded_at,"
            " row_number) values (?, ?, 'unemployment_rate', ?, ?, ?, ?)",
            [(file_id, r.place_code, month.date(), float(r._6), loaded, i + 2)
             for i, r in enumerate(rows.itertuples())],
        )
    built = marts.build(con)
    assert built.mode == "full"
    yield con
    con.close()


def pandas_ranks(edd: pd.DataFrame, places: list[str] | None) -> pd.DataFrame:
    df = edd if places is None else edd[edd["county"].str.removesuffix(" County").isin(places)]
    out = df[["date", "place_code", "unemployment.rate"]].copy()
    out["rank"] = out.groupby("date")["unemployment.rate"].rank(method="min", ascending=True).astype(int)
    return out


@pytest.mark.parametrize("group, places", [("california", None), ("bay_area", BAY_AREA)])
def test_ranks_match_an_independent_pandas_computation(ranked, edd, group, places):
    expected = pandas_ranks(edd, places)
    got = ranked.execute("select period, place_code, rank, n_ranked from marts.rankings where group_code = ?",
                         [group]).df()
    got["period"] = pd.to_datetime(got["period"])
    merged = expected.merge(got, left_on=["date", "place_code"], right_on=["period", "place_code"], how="outer",
                            indicator=True)
    assert (merged["_merge"] == "both").all()
    assert (merged["rank_x"] == merged["rank_y"]).all()
    assert set(merged["n_ranked"]) == {58 if places is None else 9}
    assert len(merged) == 43 * (58 if places is None else 9)  # 2017-01 .. 2020-07


def test_bay_area_top_three_runs_match_pandas(ranked, edd):
    ranks = pandas_ranks(edd, BAY_AREA)
    top = ranks[ranks["rank"] <= 3].sort_values(["place_code", "date"]).copy()
    month_no = top["date"].dt.year * 12 + top["date"].dt.month
    top["island"] = month_no - top.groupby("place_code").cumcount()
    runs = top.groupby(["place_code", "island"]).agg(start=("date", "min"), end=("date", "max"),
                                                      n=("date", "size")).reset_index()
    expected = sorted((r.place_code, r.start.date(), r.end.date(), r.n) for r in runs.itertuples())
    got = ranked.execute("""
        select place_code, start_period, end_period, n_periods from marts.streaks
        where group_code = 'bay_area' and kind = 'top3' order by all
    """).fetchall()
    assert got == expected
    assert {r[0] for r in got} >= {"san_mateo", "marin"}  # the usual low-unemployment counties


def test_april_2020_shock_shows_in_rank_changes(ranked, edd):
    """Spot check on a month everybody remembers: ranks of April 2020 against March 2020, from pandas."""
    ranks = pandas_ranks(edd, BAY_AREA)
    march = ranks[ranks["date"] == "2020-03-01"].set_index("place_code")["rank"]
    april = ranks[ranks["date"] == "2020-04-01"].set_index("place_code")["rank"]
    expected = {p: int(march[p] - april[p]) for p in april.index}
    got = dict(ranked.execute("""
        select place_code, rank_change from marts.rankings
        where group_code = 'bay_area' and period = date '2020-04-01'
    """).fetchall())
    assert got == expected
    assert any(v != 0 for v in got.values())
    assert ranked.execute("select watermark from meta.rank_state").fetchone()[0] == datetime(2020, 7, 1) + timedelta(days=45)
