"""flows/brief/session.py: one warehouse connection per briefing run, lent out as cursors."""

from __future__ import annotations

from flows.brief import plan as p
from flows.brief.session import borrow, warehouse_session
from flows.config.settings import load_settings


def test_a_held_session_lends_cursors_that_see_each_others_writes(tmp_path):
    settings = load_settings(home=tmp_path)
    assert borrow(settings, read_only=True) is None  # nothing held: callers open their own connection
    with warehouse_session(settings, read_only=False):
        writer = p.open_db(settings, read_only=False)
        writer.execute("create table t (n integer)")
        writer.execute("insert into t values (41), (1)")
        writer.close()  # closes the cursor only; the session stays open
        reader = p.open_db(settings, read_only=True)
        assert reader.execute("select sum(n) from t").fetchall() == [(42,)]
        reader.close()
    assert borrow(settings, read_only=False) is None
    con = p.open_db(settings, read_only=True)  # released: a read-only connection of its own works again
    assert con.execute("select count(*) from t").fetchall() == [(2,)]
    con.close()


def test_a_read_only_session_lends_to_readers_only(tmp_path):
    settings = load_settings(home=tmp_path)
    p.open_db(settings, read_only=False).close()  # create the warehouse
    with warehouse_session(settings, read_only=True):
        assert borrow(settings, read_only=False) is None
        cursor = borrow(settings, read_only=True)
        assert cursor is not None and cursor.execute("select 1").fetchall() == [(1,)]
        cursor.close()


def test_no_session_without_a_warehouse_for_a_read_only_run(tmp_path):
    settings = load_settings(home=tmp_path)
    with warehouse_session(settings, read_only=True):
        assert borrow(settings, read_only=True) is None
    assert not settings.db_path.exists()  # a dry run does not create the warehouse
