"""Real data nobody on the team wrote: California EDD county labour force, through a catalog of 58 counties."""

from __future__ import annotations

import gzip
import shutil
from datetime import date
from pathlib import Path

import pytest

from flows.config.catalog import load_catalog
from flows.config.settings import load_settings
from flows.ingest.pipeline import ingest_paths
from tests.ingest_world import query

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    home = tmp_path_factory.mktemp("edd")
    settings = load_settings(config_dir=FIXTURES / "us_catalog", home=home)
    copy = home / "edd-california-counties.csv"  # the file as EDD publishes it, kept gzipped in the repo
    with gzip.open(FIXTURES / "realdata" / "edd-california-counties.csv.gz", "rb") as src, copy.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    catalog = load_catalog(settings.config_dir)
    [result] = ingest_paths(settings, catalog, [copy])
    return settings, catalog, result, copy


def test_every_county_month_and_indicator_is_loaded(loaded):
    settings, catalog, result, _ = loaded
    assert result.status == "loaded", [m.line() for m in result.messages[:5]]
    assert result.messages == []
    assert result.n_rows == 58 * 367
    assert result.n_observations == 58 * 367 * 4 == 85144
    assert query(settings, "select count(distinct place_code), count(distinct period), min(period), max(period), "
                           "count(*) filter (where value is null) from staging.observations") == [
        (58, 367, date(1990, 1, 1), date(2020, 7, 1), 0)]
    assert query(settings, "select indicator_code, count(*) from staging.observations group by all order by 1") == [
        ("employed", 21286), ("labor_force", 21286), ("unemployment", 21286), ("unemployment_rate", 21286)]


def test_spot_values_match_the_file(loaded):
    settings, *_ = loaded
    rows = query(settings, "select place_code, strftime(period, '%Y-%m'), indicator_code, value, raw_value, "
                           "row_number, value_column from staging.observations_current "
                           "where (place_code = 'alameda' and period = '1990-01-01') "
                           "or (place_code = 'alpine' and period = '2020-02-01') order by all")
    assert rows == [
        ("alameda", "1990-01", "employed", 650600.0, "650600", 2, "D (employed)"),
        ("alameda", "1990-01", "labor_force", 676600.0, "676600", 2, "C (labor.force)"),
        ("alameda", "1990-01", "unemployment", 26000.0, "26000", 2, "E (unemployment)"),
        ("alameda", "1990-01", "unemployment_rate", 3.8, "3.8", 2, "F (unemployment.rate)"),
        ("alpine", "2020-02", "employed", 610.0, "610", 3541, "D (employed)"),
        ("alpine", "2020-02", "labor_force", 650.0, "650", 3541, "C (labor.force)"),
        ("alpine", "2020-02", "unemployment", 30.0, "30", 3541, "E (unemployment)"),
        ("alpine", "2020-02", "unemployment_rate", 4.6, "4.6", 3541, "F (unemployment.rate)"),
    ]


def test_the_same_file_again_is_a_duplicate(loaded, tmp_path):
    settings, catalog, result, copy = loaded
    again = tmp_path / copy.name
    shutil.copy(copy, again)
    [second] = ingest_paths(settings, catalog, [again])
    assert second.status == "duplicate"
    assert query(settings, "select count(*) from staging.observations") == [(85144,)]
