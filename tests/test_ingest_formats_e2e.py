"""Done when: a bureau table saved as .xls, .html and a text PDF loads through `bipin ingest` with the shipped
config exactly as its XLSX twin does, and `bipin explain` points at the page and row a number came from."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pytest
from typer.testing import CliRunner

from flows.cli.app import app
from flows.config.catalog import load_catalog
from flows.demo import story
from flows.demo.generate import generate
from flows.demo.tables import province_table
from flows.demo.writers import write_xlsx
from tests.formats_world import print_pdf, sub_table, table_html, write_xls

CONFIG = Path(__file__).resolve().parents[1] / "config"
PERIOD = date(2024, 3, 1)
OBSERVATIONS = ("select place_code, indicator_code, period, value, growth_pct, published_rank, is_total "
                "from staging.observations order by all")


@pytest.fixture(scope="module")
def table():
    """The province's table of its 81 other counties (three indicators, one printed in 万元): long enough to run
    over two printed pages."""
    catalog = load_catalog(CONFIG)
    frame = generate(catalog, PERIOD, story.SEED).observations
    frame = frame[frame["period"] == PERIOD]
    city = set(story.CITY_TABLE_ORDER)
    others = [p.code for p in catalog.places if p.level == "county" and p.code not in city]
    full = province_table(catalog, frame, PERIOD, others, np.random.default_rng(5))
    wan = next(b for b in full.blocks if "万元" in b.name)
    picked = sub_table(full, 2)
    picked.blocks.append(wan)
    return picked


def cli(home: Path, *args: str):
    return CliRunner().invoke(app, ["--config", str(CONFIG), "--db", str(home / "bipin.duckdb"), "--home", str(home),
                                    *args])


def ingest_one(tmp_path: Path, name: str, write) -> tuple[Path, list[tuple]]:
    home = tmp_path / name.replace(".", "_")
    path = tmp_path / "sent" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    write(path)
    result = cli(home, "ingest", "--no-prefect", str(path))
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(home / "bipin.duckdb"), read_only=True)
    try:
        assert con.execute("select source_code, status, n_warnings from raw.files").fetchall() == [
            ("bureau_wide_xlsx", "loaded", 0)]
        return home, con.execute(OBSERVATIONS).fetchall()
    finally:
        con.close()


def test_every_form_loads_through_bipin_ingest_as_its_xlsx_twin(tmp_path, table):
    _, twin = ingest_one(tmp_path, "统计月报_202403.xlsx", lambda p: write_xlsx(p, table))
    assert len(twin) == 81 * 3
    for name, write, first_row in [
        ("统计月报_202403.xls", lambda p: write_xls(p, table), None),
        ("统计月报_202403.html", lambda p: p.write_text(table_html(table), encoding="utf-8"), None),
        ("统计月报_202403.pdf", lambda p: print_pdf(table_html(table), p), 1),
        # <thead>: the browser prints the two header rows again on page 2, so its first county is row 3
        ("统计月报_202403_thead.pdf", lambda p: print_pdf(table_html(table, repeat_header=True), p), 3),
    ]:
        home, observations = ingest_one(tmp_path, name, write)
        assert observations == twin, name
        if name.endswith(".pdf"):
            _explain_points_at_the_second_page(home, first_row)


def _explain_points_at_the_second_page(home: Path, first_row: int) -> None:
    """The table runs over onto page 2 (joined, the header printed again or not): its last county is there."""
    con = duckdb.connect(str(home / "bipin.duckdb"), read_only=True)
    try:
        pages = con.execute("select sheet, min(row_number), max(row_number) from staging.observations "
                            "group by sheet order by sheet").fetchall()
        last = con.execute("select place_code, sheet, row_number from staging.observations "
                           "where indicator_code = 'industrial_value_added' order by sheet desc, row_number desc limit 1").fetchall()
    finally:
        con.close()
    assert [p[0] for p in pages] == ["page 1", "page 2"]
    assert pages[1][1] == first_row  # page 2's rows count from the top of the table's part on it
    assert cli(home, "rank", "--no-prefect").exit_code == 0
    place, _, row = last[0]
    shown = cli(home, "explain", place, "industrial_value_added", "2024年1-3月")
    assert shown.exit_code == 0, shown.output
    assert "page 2" in shown.output and f" {row} " in shown.output
