"""National-scale generator for the rank benchmark: 2,844 places, 333 cities, 31 provinces,
40 monthly indicators, 120 periods (about 13.6 million observations).

Everything is generated inside DuckDB with `range()` and a seeded hash, so the data set is the
same on every run and loading it takes seconds, not minutes. Names start with `synthetic_`.
"""

from __future__ import annotations

from datetime import date, datetime

import duckdb

from flows.config.catalog import Catalog, Group, Indicator, Membership, Place
from flows.core.periods import expected_months

N_PROVINCES, N_CITIES, N_PLACES = 31, 333, 2844
N_INDICATORS, N_PERIODS = 40, 120
LAST_YEAR = 2026  # the newest period is December of this year; the benchmark adds one more


def build_catalog() -> Catalog:
    """Provinces -> cities -> counties spread evenly; one peer group per city and per province."""
    provinces = [Place(code=f"p{i:02d}", name=f"synthetic_省{i}", short_name=f"省{i}", level="province")
                 for i in range(N_PROVINCES)]
    cities = [Place(code=f"c{i:03d}", name=f"synthetic_市{i}", short_name=f"市{i}", level="city",
                    parent=f"p{i % N_PROVINCES:02d}") for i in range(N_CITIES)]
    counties = [Place(code=f"k{i:04d}", name=f"synthetic_县{i}", short_name=f"县{i}", level="county",
                      parent=f"c{i % N_CITIES:03d}") for i in range(N_PLACES)]
    groups = []
    for c in cities:
        groups.append(Group(code=f"g_{c.code}", name=c.name, label="全市", members_with_parent=c.code))
    for p in provinces:
        members = tuple(Membership(place=k.code) for k in counties
                        if int(k.parent[1:]) % N_PROVINCES == int(p.code[1:]))
        groups.append(Group(code=f"g_{p.code}", name=p.name, label="全省", first_tier_size=9, members=members))
    indicators = [Indicator(code=f"i{i:02d}", name=f"synthetic_指标{i}", unit="亿元",
                            basis="level" if i % 5 == 4 else "growth",
                            direction="lower" if i % 7 == 6 else "higher",
                            jan_feb_combined=i % 2 == 0)
                  for i in range(N_INDICATORS)]
    first = LAST_YEAR - 11
    return Catalog(places=(*provinces, *cities, *counties), groups=tuple(groups), indicators=tuple(indicators),
                   settings={"calendar_years": [first, LAST_YEAR + 1]})


def periods_for(calendar: str, n: int = N_PERIODS, last_year: int = LAST_YEAR) -> list[date]:
    """The last n expected periods of a calendar ending in December of last_year."""
    out = []
    year = last_year
    while len(out) < n:
        out = [date(year, m, 1) for m in expected_months(calendar)] + out
        year -= 1
    return out[-n:]


def load_observations(con: duckdb.DuckDBPyConnection, catalog: Catalog, periods: dict[str, list[date]],
                      first_file_id: int = 1, loaded_at: datetime = datetime(2027, 1, 1)) -> int:
    """One file per (calendar, period); values from a seeded hash, about 1% missing."""
    rows = []
    file_id = first_file_id
    for cal, dates in periods.items():
        for d in dates:
            rows.append((file_id, cal, d, loaded_at.replace(year=d.year + 1 if d.month == 12 else d.year,
                                                            month=1 if d.month == 12 else d.month + 1)))
            file_id += 1
    con.execute("create or replace temp table bench_files (file_id bigint, calendar_code varchar, period date, loaded_at timestamp)")
    con.executemany("insert into bench_files values (?, ?, ?, ?)", rows)
    con.execute("""
        insert into raw.files (file_id, file_name, original_path, sha256, size_bytes, source_code, status,
                               received_at, loaded_at, periods, n_rows, n_observations, n_revised)
        select file_id, 'synthetic_' || file_id || '.csv', '/dev/null', md5(file_id::varchar), 0, 'bench',
               'loaded', loaded_at, loaded_at, [period], 0, 0, 0
        from bench_files
    """)
    codes = [(i.code, i.calendar, n) for n, i in enumerate(catalog.indicators)]
    con.execute("create or replace temp table bench_indicators (indicator_code varchar, calendar_code varchar, n integer)")
    con.executemany("insert into bench_indicators values (?, ?, ?)", codes)
    con.execute("""
        insert into staging.observations (file_id, place_code, indicator_code, period, value, growth_pct,
                                          published_rank, loaded_at)
        select f.file_id, 'k' || lpad(p.i::varchar, 4, '0'), ind.indicator_code, f.period,
               case when hash(p.i, ind.n, f.period, 1) % 100 = 0 then null
                    else round((hash(p.i, ind.n, f.period, 2) % 100000) / 100.0, 2) end,
               case when hash(p.i, ind.n, f.period, 1) % 100 = 0 then null
                    else round(((hash(p.i, ind.n, f.period, 3) % 4000)::double - 1000) / 100.0, 1) end,
               null, f.loaded_at
        from bench_files f
        join bench_indicators ind using (calendar_code)
        cross join range(?) p(i)
        order by f.file_id, ind.n, p.i
    """, [N_PLACES])
    return con.execute("select count(*) from staging.observations").fetchone()[0]
