"""Every form a bureau table arrives in (.xls, a web page, a text PDF) loads exactly as its XLSX twin does.

Fixtures are written by the tests: .xls by xlwt, pages generated here, PDFs printed from those pages by
headless Chromium; the XLSX twin by the demo's own writer. One realistic bad file per form.
"""

from __future__ import annotations

import base64
import io
import shutil

import pytest

from flows.demo.tables import Block, WideTable
from flows.demo.writers import write_xlsx
from flows.ingest.formats import detect_format, sniff
from flows.ingest.sources import SourceOptions
from tests.formats_world import print_pdf, table_html, write_xls
from tests.ingest_world import GOOD_ROWS, TITLE, ingest, query, settings_for, write_csv

SOURCES = """
sources:
  - {code: bureau, pattern: ["*.xlsx", "*.xls", "*.html", "*.htm", "*.pdf"], layout: wide}
"""
OBSERVATIONS = ("select place_code, indicator_code, period, value, growth_pct, published_rank, is_total "
                "from staging.observations order by all")
WHERE = "select sheet, row_number, value_column, growth_column from staging.observations where place_code = ? " \
        "and indicator_code = 'fai'"


def city_table(title: str = TITLE, rows=GOOD_ROWS) -> WideTable:
    """The ingest world's table (four counties and 全市) as the demo writers take it."""
    columns = list(zip(*[r[1:] for r in rows], strict=True))
    return WideTable(title, [r[0] for r in rows], [
        Block("固定资产投资（亿元）", ["本年累计", "比上年同期增长(%)", "位次"], [list(c) for c in columns[:3]]),
        Block("社会消费品零售总额（亿元）", ["本年累计", "增长(%)"], [list(c) for c in columns[3:]]),
    ], "注：演示")


def load(tmp_path, name: str, write) -> tuple:
    """Ingest one file written by `write(path)` into a fresh warehouse: (result, settings)."""
    settings = settings_for(tmp_path / name.replace(".", "_"), **{"sources.yaml": SOURCES})
    path = tmp_path / "files" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    write(path)
    return ingest(settings, path)[0], settings


@pytest.fixture
def xlsx_twin(tmp_path):
    result, settings = load(tmp_path, "twin_202610.xlsx", lambda p: write_xlsx(p, city_table()))
    assert result.status == "loaded" and result.n_observations == 2 * 5
    return query(settings, OBSERVATIONS)


def test_format_is_told_from_content_and_a_misleading_name_is_a_note(tmp_path):
    assert sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100) == "xls"
    assert sniff(b"PK\x03\x04rest") == "xlsx"
    assert sniff(b"%PDF-1.7\n") == "pdf"
    assert sniff("\ufeff<html><body><table>".encode()) == "html"
    assert sniff("地区,指标\n武义,1\n".encode("gbk")) is None
    src = SourceOptions(code="s", pattern="*", layout="wide")
    page = tmp_path / "report.xls"
    page.write_text("<html><body><table><tr><td>1</td></tr></table></body></html>", encoding="utf-8")
    fmt, notes = detect_format(page, src)
    assert fmt == "html" and [n.code for n in notes] == ["format_mismatch"] and notes[0].severity == "warning"
    assert "named .xls" in notes[0].text and "web page" in notes[0].text
    not_a_workbook = tmp_path / "report.xlsx"
    not_a_workbook.write_text("just text", encoding="utf-8")
    assert detect_format(not_a_workbook, src) == ("xlsx", [])  # a broken workbook, reported by its reader
    named_right = tmp_path / "report.html"
    shutil.copy(page, named_right)
    assert detect_format(named_right, src) == ("html", [])


def test_xls_with_merged_headers_loads_as_its_xlsx_twin(tmp_path, xlsx_twin):
    result, settings = load(tmp_path, "city_202610.xls", lambda p: write_xls(p, city_table()))
    assert (result.status, result.messages) == ("loaded", [])
    assert query(settings, OBSERVATIONS) == xlsx_twin
    # sheet, row and column as a spreadsheet shows them: title row 1, headers 2-3, 全市 row 4, 武义县 row 5
    assert query(settings, WHERE, ["wuyi"]) == [("主要指标", 5, "B (固定资产投资(亿元) 本年累计)",
                                                 "C (固定资产投资(亿元) 比上年同期增长(%))")]


def test_an_upper_case_extension_matches_the_lower_case_pattern(tmp_path, xlsx_twin):
    result, settings = load(tmp_path, "CITY_202610.XLS", lambda p: write_xls(p, city_table()))
    assert (result.status, result.messages) == ("loaded", [])
    assert query(settings, OBSERVATIONS) == xlsx_twin


def test_workbooks_named_as_the_other_kind_load_with_a_note(tmp_path, xlsx_twin):
    for name, write in [("a_202610.xls", lambda p: write_xlsx(p, city_table())),
                        ("b_202610.xlsx", lambda p: write_xls(p, city_table()))]:
        result, settings = load(tmp_path, name, write)
        assert result.status == "loaded", result.messages
        assert [(m.severity, m.code) for m in result.messages] == [("warning", "format_mismatch")]
        assert query(settings, OBSERVATIONS) == xlsx_twin


def test_corrupt_xls_is_quarantined_and_the_good_file_beside_it_loads(tmp_path):
    settings = settings_for(tmp_path, **{"sources.yaml": SOURCES})
    inbox = settings.inbox
    inbox.mkdir(parents=True)
    good = write_xls(inbox / "city_202610.xls", city_table())
    (inbox / "city_202609.xls").write_bytes(good.read_bytes()[:1536])  # cut off in transfer
    results = {r.file_name: r for r in ingest(settings)}
    bad = results["city_202609.xls"]
    assert bad.status == "rejected" and bad.messages[0].code == "unreadable_file"
    assert "Excel 97-2003" in bad.messages[0].text and "save it again as .xls" in bad.messages[0].text
    assert (settings.quarantine / "city_202609.xls.errors.txt").exists()
    assert results["city_202610.xls"].status == "loaded"
    assert query(settings, "select count(*) from staging.observations") == [(10,)]


def test_web_page_table_is_found_among_others_and_loads_as_its_xlsx_twin(tmp_path, xlsx_twin):
    page = table_html(city_table())
    result, settings = load(tmp_path, "city_202610.html", lambda p: p.write_text(page, encoding="utf-8"))
    assert (result.status, result.messages) == ("loaded", [])
    assert query(settings, OBSERVATIONS) == xlsx_twin
    # the navigation bar is table 1; in table 2 the headers are rows 1-2, 全市 row 3, 武义县 row 4
    assert query(settings, WHERE, ["wuyi"]) == [("table 2", 4, "B (固定资产投资(亿元) 本年累计)",
                                                 "C (固定资产投资(亿元) 比上年同期增长(%))")]


def test_web_page_saved_as_xls_in_gbk_takes_its_period_from_the_page_title(tmp_path, xlsx_twin):
    page = table_html(city_table(title="主要经济指标"), page_title=TITLE, title_above=False)
    page = page.replace('charset="utf-8"', 'charset="gb2312"')
    result, settings = load(tmp_path, "export.xls", lambda p: p.write_bytes(page.encode("gbk")))
    assert result.status == "loaded"
    assert [(m.severity, m.code) for m in result.messages] == [("warning", "format_mismatch")]
    assert query(settings, OBSERVATIONS) == xlsx_twin


def test_web_page_whose_tables_carry_no_indicator_headers_is_quarantined_with_what_was_found(tmp_path):
    page = ("<html><head><title>统计局</title></head><body><table><tr><td>首页</td><td>新闻</td></tr></table>"
            "<p>2026年1-10月</p><table><tr><th>地区</th><th>人口</th></tr><tr><td>武义县</td><td>34</td></tr></table>"
            "</body></html>")
    result, _ = load(tmp_path, "city_202610.html", lambda p: p.write_text(page, encoding="utf-8"))
    assert result.status == "rejected"
    [message] = result.messages
    assert message.code == "missing_columns"
    assert message.text.startswith("2 tables, none with indicator headers")
    assert message.text.endswith("in the web page: table 1: 1 row x 2 columns, starts '首页 | 新闻'; "
                                 "table 2: 2 rows x 2 columns, starts '地区 | 人口 | 武义县 | 34'")


def test_web_page_with_an_indicator_table_but_no_period_is_quarantined(tmp_path):
    page = table_html(city_table(title="各县主要经济指标"), page_title="统计数据")
    result, _ = load(tmp_path, "latest.html", lambda p: p.write_text(page, encoding="utf-8"))
    assert result.status == "rejected"
    assert [(m.code, m.sheet) for m in result.messages] == [("bad_period", "table 2")]
    assert "no period found" in result.messages[0].text


def test_an_offices_long_table_as_a_web_page_loads_as_its_csv_twin(tmp_path):
    header = ["地区", "指标", "期别", "本年累计", "比上年同期增长(%)", "位次"]
    rows = [["武义", "地区生产总值", "2025年前三季度", "250.5", "6.1", "1"],
            ["义乌市", "固投", "2026年1-10月", "１２．３", "－５．２", "1"]]
    cells = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in [header, *rows])
    page = f"<html><body><h2>长表</h2><table>{cells}</table></body></html>"
    twin = settings_for(tmp_path / "csv")
    assert ingest(twin, write_csv(tmp_path / "csv" / "long_a.csv", [header, *rows]))[0].status == "loaded"
    settings = settings_for(tmp_path / "html")
    path = tmp_path / "html" / "long_a.html"
    path.write_text(page, encoding="utf-8")
    result = ingest(settings, path)[0]
    assert (result.status, result.messages) == ("loaded", [])
    assert query(settings, OBSERVATIONS) == query(twin, OBSERVATIONS)
    assert query(settings, "select sheet, row_number from staging.observations order by 2") == [
        ("table 1", 2), ("table 1", 3)]


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """PDFs printed once for the module: the city table, and a page with two indicator tables."""
    folder = tmp_path_factory.mktemp("pdf")
    one = print_pdf(table_html(city_table()), folder / "one.pdf")
    first, second = city_table(), city_table(title="2026年1-10月金华市各县（市、区）消费指标")
    first.blocks, second.blocks = first.blocks[:1], second.blocks[1:]
    page = table_html(first, nav=False).replace("</body>", table_html(second, nav=False).split("<body>")[1])
    two = print_pdf(page, folder / "two.pdf")
    unruled = print_pdf(table_html(city_table()).replace("border: 1px solid #000;", ""), folder / "unruled.pdf")
    return {"one": one, "two": two, "unruled": unruled}


def test_text_pdf_loads_as_its_xlsx_twin_with_wrapped_headers_joined(tmp_path, xlsx_twin, printed):
    import pdfplumber

    with pdfplumber.open(printed["one"]) as pdf:
        header = pdf.pages[0].find_tables()[0].extract()[1]
    assert "本年累\n计" in header  # the narrow column wrapped the header over two lines in print
    result, settings = load(tmp_path, "city_202610.pdf", lambda p: shutil.copy(printed["one"], p))
    assert (result.status, result.messages) == ("loaded", [])
    assert query(settings, OBSERVATIONS) == xlsx_twin
    assert query(settings, WHERE, ["wuyi"]) == [("page 1", 4, "B (固定资产投资(亿元) 本年累计)",
                                                 "C (固定资产投资(亿元) 比上年同期增长(%))")]


def test_two_indicator_tables_on_one_pdf_page_are_each_read(tmp_path, xlsx_twin, printed):
    # no period in the name: each table's own title above it gives it
    result, settings = load(tmp_path, "统计月报.pdf", lambda p: shutil.copy(printed["two"], p))
    assert (result.status, result.messages) == ("loaded", [])
    assert query(settings, OBSERVATIONS) == xlsx_twin
    assert query(settings, "select distinct indicator_code, sheet from staging.observations order by 1") == [
        ("fai", "page 1 table 1"), ("retail", "page 1 table 2")]


def test_pdf_table_without_ruling_lines_is_quarantined_not_guessed(tmp_path, printed):
    # columns told from text positions split numbers ("900" as "9" | "00"): rejected, never read wrong
    result, _ = load(tmp_path, "city_202610.pdf", lambda p: shutil.copy(printed["unruled"], p))
    assert result.status == "rejected"
    assert [(m.code, m.text) for m in result.messages] == [
        ("missing_columns", "no table found in the PDF; bipin reads tables printed with cell borders "
                            "(ask the bureau for the spreadsheet)")]


def test_scanned_pdf_without_a_text_layer_is_quarantined(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    figure = plt.figure(figsize=(4, 2))
    figure.text(0.1, 0.5, "2026 1-10 table (scanned)")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    image = base64.b64encode(buffer.getvalue()).decode()
    scan = tmp_path / "scan.pdf"
    print_pdf(f'<html><body><img src="data:image/png;base64,{image}"></body></html>', scan)
    result, _ = load(tmp_path, "city_202610.pdf", lambda p: shutil.copy(scan, p))
    assert result.status == "rejected"
    assert [(m.code, m.text.split(";")[0]) for m in result.messages] == [
        ("no_text_layer", "scanned image without a text layer")]
    assert "OCR is not supported; ask the bureau for the spreadsheet" in result.messages[0].text
