"""Benchmark: read a 20-page PDF report and a 90-row web page, as bureaus send them (not a timed test).

Run: .venv/bin/python -m bench.bench_formats
Targets (issue 13): <= 1 s a PDF page, <= 0.2 s an HTML page, on the 2-core box.
Fixtures: the demo's numbers for all 90 counties of the shipped catalog; the page written like
tests/formats_world.py writes it, the PDF printed from pages like it by headless Chromium
(/usr/bin/chromium): one indicator table per section, each running over two or three pages.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np

from flows.config.model import load_config
from flows.config.settings import DEFAULT_CONFIG_DIR, load_settings

PDF_TARGET_S, HTML_TARGET_S = 1.0, 0.2
PERIOD = date(2026, 10, 1)
PDF_PAGES_WANTED = 20
SECTIONS = 7  # of three indicators and 90 rows: ~3 pages each
REPEATS = 3


def main() -> int:
    import pdfplumber

    from flows.demo import story
    from flows.demo.generate import generate
    from flows.demo.tables import WideTable, province_table
    from flows.ingest.load import IngestContext, load_file
    from flows.ingest.read_html import read_html_tables
    from flows.ingest.read_pdf import read_pdf_tables
    from flows.warehouse.db import connect, sync_catalog
    from tests.formats_world import print_pdf, table_html

    work = Path(tempfile.mkdtemp(prefix="bipin-bench-formats-"))
    catalog = load_config(DEFAULT_CONFIG_DIR).catalog
    frame = generate(catalog, PERIOD, story.SEED).observations
    frame = frame[frame["period"] == PERIOD]
    counties = [p.code for p in catalog.places if p.level == "county"]
    full = province_table(catalog, frame, PERIOD, counties, np.random.default_rng(3))
    print(f"{len(counties)} counties, {len(full.blocks)} indicators")

    page = work / "统计数据_202610.html"
    page.write_text(table_html(full), encoding="utf-8")
    # loaded first in each run, so the figures are those of one more file, not of a run's set-up
    warm_up = work / "统计数据_202609.html"
    warm_up.write_text(table_html(full).replace("2026年1-10月", "2026年1-9月"), encoding="utf-8")
    # the report: sections of three indicators each, every section starting on a new page
    sections = [WideTable(full.title, full.row_labels, full.blocks[i:i + 3], full.note)
                for i in range(0, 3 * SECTIONS, 3)]
    bodies = [table_html(s, nav=False).split("<body>")[1].split("</body>")[0] for s in sections]
    report = table_html(sections[0], nav=False).split("<body>")[0] + "<body>" + \
        '<div style="break-before: page"></div>'.join(bodies) + "</body></html>"
    report = report.replace("font-size: 11px", "font-size: 13px")
    pdf = print_pdf(report, work / "统计月报_202610.pdf")
    with pdfplumber.open(pdf) as doc:
        n_pages = len(doc.pages)
    print(f"fixtures: web page {page.stat().st_size / 1024:.0f} KiB ({len(full.row_labels)} rows), "
          f"PDF {pdf.stat().st_size / 1024:.0f} KiB, {n_pages} pages (wanted ~{PDF_PAGES_WANTED})")

    ok = True
    for label, path, pages, target, read in [("HTML page", page, 1, HTML_TARGET_S, read_html_tables),
                                             ("PDF", pdf, n_pages, PDF_TARGET_S, read_pdf_tables)]:
        read_times, ingest_times, cpu_times, result = [], [], [], None
        for n in range(REPEATS):
            start = time.perf_counter()
            read(path)
            read_times.append(time.perf_counter() - start)
            # a fresh warehouse, a connection open and one file loaded, as in a run: what one more file costs
            settings = load_settings(config_dir=DEFAULT_CONFIG_DIR, home=work / f"{path.suffix[1:]}{n}")
            con = connect(settings.db_path)
            sync_catalog(con, catalog)
            con.execute("set threads = 1")  # as ingest_paths runs it
            ctx = IngestContext(settings, catalog)
            assert load_file(con, warm_up, ctx).status == "loaded"
            start, cpu = time.perf_counter(), time.process_time()
            result = load_file(con, path, ctx)
            ingest_times.append(time.perf_counter() - start)
            cpu_times.append(time.process_time() - cpu)
            con.close()
        per_page = statistics.median(ingest_times) / pages
        cpu_page = statistics.median(cpu_times) / pages
        ok = ok and per_page <= target and result.status == "loaded"
        print(f"{label}: read tables median {statistics.median(read_times):.2f} s (best {min(read_times):.2f}); "
              f"whole load of the file (read, check, write) median {statistics.median(ingest_times):.2f} s "
              f"(best {min(ingest_times):.2f}) = {per_page:.3f} s a page -> target <= {target:.1f} s a page: "
              f"{'OK' if per_page <= target else 'MISSED'}; CPU time {cpu_page:.3f} s a page (what an idle core "
              f"would take; the box is shared); {result.status}, {result.n_observations} observations")
    shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
