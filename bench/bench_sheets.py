"""Benchmark: peak memory of ingesting the two oversized sheets of issue 19 (not a timed test).

Run: .venv/bin/python -m bench.bench_sheets
Target (issue 19): each loads in well under 1 GB. Fixtures: the demo's 金华 city table for 2026-10 (as
`bipin demo-data` writes it), once with a note typed in XFD1048576, once with a formula column filled
down to row 1,048,576 showing "" (the sheet XML as Excel saves it). Each file is ingested with the
shipped config into a fresh warehouse in its own process; the figure is that process's peak RSS.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAST_ROW = 1_048_576
TARGET_MB = 1024
PERIOD = date(2026, 10, 1)

INGEST = """
import json, resource, sys, time
from pathlib import Path
from flows.config.catalog import load_catalog
from flows.config.settings import load_settings
from flows.ingest.pipeline import ingest_paths
settings = load_settings(home=sys.argv[1])
start = time.perf_counter()
[result] = ingest_paths(settings, load_catalog(settings.config_dir), [Path(sys.argv[2])])
print(json.dumps({"status": result.status, "observations": result.n_observations, "seconds": time.perf_counter() - start,
                  "warnings": sorted({m.code for m in result.messages}),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def city_workbook(path: Path) -> Path:
    from flows.config.catalog import load_catalog
    from flows.config.settings import DEFAULT_CONFIG_DIR
    from flows.demo.generate import generate
    from flows.demo.inbox import _rng
    from flows.demo.story import SEED
    from flows.demo.tables import city_table
    from flows.demo.writers import write_xlsx

    catalog = load_catalog(DEFAULT_CONFIG_DIR)
    panel = generate(catalog, PERIOD, SEED)
    frame = panel.observations[panel.observations["period"] == panel.monthly_periods[-1]]
    write_xlsx(path, city_table(catalog, frame, panel.monthly_periods[-1], _rng(SEED, panel.monthly_periods[-1], 1)))
    return path


def with_sheet_xml(path: Path, change) -> Path:
    with zipfile.ZipFile(path) as src:
        parts = {n: src.read(n) for n in src.namelist()}
    parts["xl/worksheets/sheet1.xml"] = change(parts["xl/worksheets/sheet1.xml"].decode()).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)
    return path


def stray_note(path: Path) -> Path:
    cell = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>备注：已核对</t></is></c></row>'
    return with_sheet_xml(city_workbook(path), lambda xml: xml.replace("</sheetData>", cell + "</sheetData>"))


def filled_column(path: Path) -> Path:
    def fill(xml: str) -> str:
        last = max(int(r) for r in __import__("re").findall(r'<row r="(\d+)"', xml))
        rows = "".join(f'<row r="{r}"><c r="Z{r}" t="str"><f>IF(A{r}="","",A{r})</f><v></v></c></row>'
                       for r in range(last + 1, LAST_ROW + 1))
        return xml.replace("</sheetData>", rows + "</sheetData>")
    return with_sheet_xml(city_workbook(path), fill)


def main() -> int:
    ok = True
    with tempfile.TemporaryDirectory(prefix="bench-sheets-") as tmp:
        for name, build in (("note in XFD1048576", stray_note), ("formula filled to row 1,048,576", filled_column)):
            home = Path(tmp) / name.split()[0]
            path = build(Path(tmp) / f"synthetic_jinhua_wide_{PERIOD:%Y%m}.xlsx")
            size = path.stat().st_size
            start = time.perf_counter()
            out = subprocess.run([sys.executable, "-c", INGEST, str(home), str(path)], cwd=ROOT, capture_output=True,
                                 text=True, check=True)
            found = json.loads(out.stdout.strip().splitlines()[-1])
            ok &= found["status"] == "loaded" and found["peak_mb"] < TARGET_MB
            print(f"{name}: {size / 1e6:.1f} MB file, {found['status']}, {found['observations']} observations, "
                  f"peak RSS {found['peak_mb']:.0f} MB (target < {TARGET_MB} MB), ingest {found['seconds']:.1f} s, "
                  f"process {time.perf_counter() - start:.1f} s, warnings {', '.join(found['warnings']) or 'none'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
