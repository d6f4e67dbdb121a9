"""`bipin rank --as-of <past>` keeps its build apart: the live warehouse, which the briefings read,
still shows everything loaded, so the next weekly briefs the newest period."""

from __future__ import annotations

import duckdb
from typer.testing import CliRunner

from flows.cli.app import app
from flows.rank import marts
from flows.warehouse.db import connect
from tests.ingest_world import TITLE, ingest, query, settings_for, wide_grid, write_csv

NEWEST = "select max(period) from marts.rankings"


def test_rank_as_of_a_past_moment_is_built_apart_and_the_live_marts_stay_current(tmp_path):
    s = settings_for(tmp_path)
    ingest(s, write_csv(s.inbox / "city_202609.csv", wide_grid(title=TITLE.replace("1-10月", "1-9月"))))
    between = query(s, "select max(loaded_at) from raw.files")[0][0]
    ingest(s, write_csv(s.inbox / "city_202610.csv", wide_grid()))
    con = connect(s.db_path)
    try:
        marts.build(con)
    finally:
        con.close()
    assert str(query(s, NEWEST)[0][0]) == "2026-10-01"

    args = ["--config", str(s.config_dir), "--home", str(s.home)]
    result = CliRunner().invoke(app, [*args, "rank", "--no-prefect", "--as-of", between.isoformat()])
    assert result.exit_code == 0, result.output
    (apart,) = s.db_path.parent.glob("bipin.as-of-*.duckdb")
    assert f"built apart in {apart}" in " ".join(result.stdout.split())
    # the past is in the copy; the live warehouse still shows 1-10月 and is not at a past moment
    past = duckdb.connect(str(apart), read_only=True)
    try:
        assert str(past.execute(NEWEST).fetchone()[0]) == "2026-09-01"
    finally:
        past.close()
    assert str(query(s, NEWEST)[0][0]) == "2026-10-01"
    assert query(s, "select as_of from meta.rank_state") == [(None,)]

    # what the weekly reads: the newest loaded period
    from flows.brief.content.queries import newest_period

    con = duckdb.connect(str(s.db_path), read_only=True)
    try:
        assert str(newest_period(con, None)[0]) == "2026-10-01"
    finally:
        con.close()


def test_live_marts_left_at_a_past_moment_are_ranked_again_by_the_pipeline(tmp_path):
    from flows.run.pipeline import load_watermark, needs_rank

    s = settings_for(tmp_path)
    ingest(s, write_csv(s.inbox / "city_202609.csv", wide_grid(title=TITLE.replace("1-10月", "1-9月"))))
    ingest(s, write_csv(s.inbox / "city_202610.csv", wide_grid()))
    con = connect(s.db_path)
    try:
        marts.build(con)
        loaded, ranked, changed = load_watermark(s)
        assert not needs_rank(loaded, loaded, ranked, changed)
        # what an interrupted run (or an older bipin) could leave behind: a moment after every load, so
        # the watermark is current, yet the marts would not take the next load (and briefings refuse them)
        marts.build(con, as_of=s.local_now())
    finally:
        con.close()
    loaded, ranked, changed = load_watermark(s)
    assert ranked == loaded and changed and needs_rank(loaded, loaded, ranked, changed)
