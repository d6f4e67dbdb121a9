"""Times with a UTC offset are converted once, where they enter, into the configured zone (docs/RULES.md, 10)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from rank_world import ranks
from test_rank_cli import invoke, world  # noqa: F401  (the fixture: a city of four, a revision on 2025-04-20 09:00)

from flows.config.settings import local_now, to_local
from flows.rank import marts
from flows.rank.apart import apart_path
from flows.warehouse.db import connect

MAR = date(2025, 3, 1)


def test_to_local_converts_offsets_and_keeps_local_times():
    assert to_local("2026-11-29T05:43:20-08:00", "Asia/Shanghai") == datetime(2026, 11, 29, 21, 43, 20)
    assert to_local("2026-11-29T05:43:20-08:00", "America/Los_Angeles") == datetime(2026, 11, 29, 5, 43, 20)
    assert to_local(datetime(2026, 11, 29, 13, 0, tzinfo=UTC), "Asia/Shanghai") == datetime(2026, 11, 29, 21, 0)
    assert to_local("2026-11-29 08:00", "Asia/Shanghai") == datetime(2026, 11, 29, 8, 0)
    assert to_local(None, "Asia/Shanghai") is None
    with pytest.raises(ValueError, match="cannot read the time 'next monday'"):
        to_local("next monday", "Asia/Shanghai")


def test_as_of_with_offsets_on_both_sides_of_a_load(world):  # noqa: F811
    db = world[3]
    # the revision of 乙县 was loaded 2025-04-20 09:00 Shanghai time = 2025-04-19 18:00 in Los Angeles (-07:00)
    code, out = invoke([*world, "rank", "--no-prefect", "--as-of", "2025-04-19T17:59:00-07:00"])
    assert code == 0, out
    con = connect(apart_path(Path(db), datetime(2025, 4, 20, 8, 59)))  # kept apart from the live warehouse
    assert ranks(con, "gdp", MAR)["bb"] == 3  # before the revision
    assert con.execute("select as_of from meta.rank_state").fetchone() == (datetime(2025, 4, 20, 8, 59),)
    con.close()
    # a second build with an offset, now just after the load: no crash, the revision is in
    code, out = invoke([*world, "rank", "--no-prefect", "--as-of", "2025-04-20T01:01:00+00:00"])
    assert code == 0, out
    con = connect(apart_path(Path(db), datetime(2025, 4, 20, 9, 1)))
    assert ranks(con, "gdp", MAR)["bb"] == 1
    as_of, built_at = con.execute("select as_of, built_at from meta.rank_state").fetchone()
    assert as_of == datetime(2025, 4, 20, 9, 1)
    # built_at is stamped in the configured zone (Asia/Shanghai here), not in UTC or the machine's zone
    assert abs(built_at - local_now("Asia/Shanghai")) < timedelta(minutes=5)
    con.close()
    code, out = invoke([*world, "rank", "--no-prefect"])
    assert code == 0 and "as of" not in out


def test_build_refuses_an_unconverted_moment():
    con = connect(":memory:")
    with pytest.raises(ValueError, match="carries a UTC offset: convert it into the configured zone"):
        marts.build(con, as_of=datetime(2025, 4, 20, 9, tzinfo=UTC))
