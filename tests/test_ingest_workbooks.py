"""Issue 19, item 5: workbooks as people leave them. Hidden sheets and rows are never data, several table
sheets need the source's `sheet`, a stray cell or a formula filled to the last row costs memory by the
data, and a file that cannot be read is quarantined without stopping the others."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl

from tests.ingest_world import CATALOG, TITLE, ingest, query, settings_for, wide_grid, write_csv

ROOT = Path(__file__).resolve().parents[1]
SOURCES = CATALOG["sources.yaml"] + """
  - {code: named_sheet, pattern: "named_*.xlsx", layout: wide, format: xlsx, sheet: 正式}
"""
LAST_ROW = 1_048_576


def book(path: Path, sheets: list[tuple[str, list[list], str]], hidden_rows: dict[str, list[int]] | None = None,
         extra: dict[str, str] | None = None) -> Path:
    """Write an XLSX: (name, rows, state) per sheet; hidden_rows[name] = 1-based rows hidden in Excel."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows, state in sheets:
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append([_number(v) for v in row])
        ws.sheet_state = state
        for r in (hidden_rows or {}).get(name, []):
            ws.row_dimensions[r].hidden = True
        for ref, text in (extra or {}).items():
            ws[ref] = text
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _number(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return v or None


def fai_growth(s) -> dict:
    return dict(query(s, "select place_code, growth_pct from staging.observations where indicator_code = 'fai' "
                         "and not is_total"))


def test_a_hidden_draft_sheet_is_never_read_and_is_named(tmp_path):
    """The bug: a hidden first sheet 草稿 gave 武义 99.9 instead of 12.4, without a word."""
    s = settings_for(tmp_path)
    draft = wide_grid(rows=[["武义县", "120.3", "99.9", "1", "80.1", "3.3"]])
    final = wide_grid(rows=[["武义县", "120.3", "12.4", "1", "80.1", "3.3"]])
    path = book(s.inbox / "city_202610.xlsx", [("草稿", draft, "hidden"), ("正式", final, "visible")])
    [result] = ingest(s, path)
    assert result.status == "loaded" and fai_growth(s) == {"wuyi": 12.4}
    said = [m for m in result.messages if m.code == "hidden_sheet"]
    assert len(said) == 1 and said[0].sheet == "草稿" and "'草稿'" in said[0].text
    assert query(s, "select distinct sheet from staging.observations") == [("正式",)]


def test_hidden_rows_are_not_data_and_rows_keep_their_numbers(tmp_path):
    s = settings_for(tmp_path)
    grid = wide_grid(rows=[["武义县", "120.3", "99.9", "", "80.1", "3.3"],   # row 4: a stale draft, hidden
                           ["武义县", "120.3", "12.4", "", "80.1", "3.3"],   # row 5
                           ["义乌", "400.0", "9.1", "", "500.2", "6.0"]])    # row 6
    path = book(s.inbox / "city_202610.xlsx", [("主要指标", grid, "visible")], hidden_rows={"主要指标": [4]})
    [result] = ingest(s, path)
    assert result.status == "loaded" and fai_growth(s) == {"wuyi": 12.4, "yiwu": 9.1}
    assert dict(query(s, "select place_code, row_number from staging.observations where indicator_code = 'fai'")) \
        == {"wuyi": 5, "yiwu": 6}
    [hidden] = [m for m in result.messages if m.code == "hidden_rows"]
    assert "rows 4" in hidden.text and hidden.sheet == "主要指标"


def test_several_visible_tables_are_rejected_naming_them(tmp_path):
    s = settings_for(tmp_path, **{"sources.yaml": SOURCES})
    a = wide_grid(rows=[["武义县", "120.3", "12.4", "", "80.1", "3.3"]])
    b = wide_grid(rows=[["武义县", "120.3", "7.7", "", "80.1", "3.3"]])
    notes = [["说明"], ["本表数据为快报数"]]
    path = book(s.inbox / "city_202610.xlsx", [("说明", notes, "visible"), ("初稿", b, "visible"),
                                               ("正式", a, "visible")])
    [result] = ingest(s, path)
    assert result.status == "rejected"
    [err] = [m for m in result.messages if m.severity == "error"]
    assert err.code == "several_tables" and "'初稿', '正式'" in err.text and "set sheet in sources.yaml" in err.text
    # the source's sheet decides
    named = book(s.inbox / "named_202610.xlsx", [("说明", notes, "visible"), ("初稿", b, "visible"),
                                                 ("正式", a, "visible")])
    [result] = ingest(s, named)
    assert result.status == "loaded" and fai_growth(s) == {"wuyi": 12.4}


def test_a_notes_sheet_beside_the_table_is_no_second_table(tmp_path):
    s = settings_for(tmp_path)
    path = book(s.inbox / "city_202610.xlsx", [("说明", [["说明"], ["地区", "备注"]], "visible"),
                                               ("主要指标", wide_grid(), "visible")])
    [result] = ingest(s, path)
    assert result.status == "loaded" and len(fai_growth(s)) == 4


def test_a_note_in_the_last_cell_of_the_sheet_loads_with_a_warning(tmp_path):
    """The bug: one note in XFD1048576 made calamine ask for 550 GB and abort every later ingest."""
    s = settings_for(tmp_path)
    path = book(s.inbox / "city_202610.xlsx", [("主要指标", wide_grid(), "visible")],
                extra={"XFD1048576": "备注：已核对"})
    good = write_csv(s.inbox / "city_202609.csv", wide_grid(title=TITLE.replace("1-10月", "1-9月")))
    results = ingest(s, path, good)
    assert [r.status for r in results] == ["loaded", "loaded"]
    [stray] = [m for m in results[0].messages if m.code == "stray_cells"]
    assert "XFD1048576 '备注：已核对'" in stray.text


def filled_to_last_row(path: Path) -> Path:
    """The table, and a formula in column F filled down to row 1,048,576 showing "" (as Excel saves it)."""
    book(path, [("主要指标", wide_grid(), "visible")])
    with zipfile.ZipFile(path) as src:
        parts = {n: src.read(n) for n in src.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    start = len(wide_grid()) + 1
    rows = "".join(f'<row r="{r}"><c r="F{r}" t="str"><f>IF(A{r}="","",A{r})</f><v></v></c></row>'
                   for r in range(start, LAST_ROW + 1))
    sheet = sheet.replace("</sheetData>", rows + "</sheetData>")
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)
    return path


MEASURE = """
import json, resource, sys
from pathlib import Path
from flows.config.catalog import load_catalog
from flows.config.settings import load_settings
from flows.ingest.pipeline import ingest_paths
s = load_settings(config_dir=sys.argv[1], home=sys.argv[2])
[r] = ingest_paths(s, load_catalog(s.config_dir), [Path(sys.argv[3])])
print(json.dumps({"status": r.status, "n": r.n_observations,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def test_a_formula_filled_to_the_last_row_loads_in_well_under_a_gigabyte(tmp_path):
    s = settings_for(tmp_path)
    path = filled_to_last_row(tmp_path / "city_202610.xlsx")
    out = subprocess.run([sys.executable, "-c", MEASURE, str(s.config_dir), str(s.home), str(path)], cwd=ROOT,
                         capture_output=True, text=True, timeout=600, check=True)
    found = json.loads(out.stdout.strip().splitlines()[-1])
    assert found["status"] == "loaded" and found["n"] == 10  # 4 counties + 全市 x 2 indicators
    assert found["peak_mb"] < 1024


def test_a_workbook_that_cannot_be_read_is_quarantined_and_the_others_load(tmp_path):
    s = settings_for(tmp_path)
    path = book(s.inbox / "city_202610.xlsx", [("主要指标", wide_grid(), "visible")])
    with zipfile.ZipFile(path) as src:
        parts = {n: src.read(n) for n in src.namelist()}
    parts["xl/worksheets/sheet1.xml"] = b"<worksheet><sheetData><row r='1'><c r='A1' t='s'><v>9999</v>"
    with zipfile.ZipFile(path, "w") as out:
        for name, data in parts.items():
            out.writestr(name, data)
    good = write_csv(s.inbox / "city_202609.csv", wide_grid(title=TITLE.replace("1-10月", "1-9月")))
    bad, ok = ingest(s, path, good)
    assert (bad.status, ok.status) == ("rejected", "loaded")
    assert bad.messages[0].code == "unreadable_file" and "save it again" in bad.messages[0].text
    assert (s.quarantine / "city_202610.xlsx").exists()
    assert (s.quarantine / "city_202610.xlsx.errors.txt").read_text(encoding="utf-8").count("unreadable_file") == 1


def test_a_hidden_sheet_of_an_xls_workbook_is_not_read(tmp_path):
    import xlwt

    s = settings_for(tmp_path, **{"sources.yaml": CATALOG["sources.yaml"] + """
  - {code: city_xls, pattern: "city_*.xls", layout: wide, format: xls}
"""})
    wb = xlwt.Workbook(encoding="utf-8")
    for name, growth, hidden in (("草稿", 99.9, True), ("正式", 12.4, False)):
        ws = wb.add_sheet(name)
        for r, row in enumerate(wide_grid(rows=[["武义县", "120.3", str(growth), "1", "80.1", "3.3"]])):
            for c, v in enumerate(row):
                if v != "":
                    ws.write(r, c, _number(v))
        ws.visibility = 1 if hidden else 0
    wb.active_sheet = 1
    path = s.inbox / "city_202610.xls"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(str(path))
    [result] = ingest(s, path)
    assert result.status == "loaded" and fai_growth(s) == {"wuyi": 12.4}
    assert [m.sheet for m in result.messages if m.code == "hidden_sheet"] == ["草稿"]
