"""Pull from a bureau's web site: a real HTTP server on 127.0.0.1 with a GBK listing page, tables, a 404 and a 500."""

from __future__ import annotations

import socket

import pytest
from ingest_world import ingest, query
from pull_servers import HOST, BureauSite, Page, free_port
from pull_world import inbox, ledger_rows, pull_once, revised_rows, table_page, world, xls_bytes, xlsx_bytes

XLS_TYPE = "application/vnd.ms-excel"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LINKS = [("/upload/2026/P020261119.xls", "2026年1-10月金华市各县（市、区）主要经济指标"),
         ("/upload/2026/P020261120.xlsx", "全市主要指标"),
         ("/upload/2026/P020261121.pdf", "统计公报"),
         ("/tjsj/202610.html", "2026年10月主要指标（网页）"),
         ("/upload/2026/gone.xls", "已撤下的表"),
         ("/upload/2026/broken.xls", "出错的表"),
         ("/about.html", "关于我们")]


def listing(links=LINKS) -> Page:
    items = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in links)
    page = f'<html><head><meta charset="gbk"><title>统计数据</title></head><body><ul>{items}</ul></body></html>'
    return Page(page.encode("gbk"), "text/html; charset=gbk")


def _site(site: BureauSite) -> None:
    site.pages["/tjsj/"] = listing()
    site.pages["/upload/2026/P020261119.xls"] = Page(xls_bytes(), XLS_TYPE)
    site.pages["/upload/2026/P020261120.xlsx"] = Page(xlsx_bytes(), XLSX_TYPE)
    site.pages["/upload/2026/P020261121.pdf"] = Page(b"%PDF-1.4 bulletin", "application/pdf",
                                                     disposition=b'attachment; filename="' + "统计公报2026年10月.pdf".encode("gbk") + b'"')
    site.pages["/tjsj/202610.html"] = Page(table_page(), "text/html; charset=gbk")
    site.pages["/upload/2026/broken.xls"] = Page(b"", XLS_TYPE, status=500)
    site.pages["/about.html"] = Page(b"<html>about</html>", "text/html")


def _source(site: BureauSite, **extra) -> dict:
    return {"code": "jinhua_web", "kind": "web", "url": f"{site.url}/tjsj/", "charset": "gbk",
            "link_pattern": r"(/upload/|/tjsj/\d{6}\.html)", "delay_s": 0.2, "retries": 2, "backoff_s": 0.1, **extra}


def test_first_pull_fetches_every_linked_table_politely_second_asks_conditionally(tmp_path):
    with BureauSite() as site:
        _site(site)
        settings = world(tmp_path, [_source(site)])
        waits: list[float] = []
        [first] = pull_once(settings, sleep=waits.append)
        assert sorted(first.pulled) == sorted(["2026年1-10月金华市各县（市、区）主要经济指标.xls", "全市主要指标.xlsx",
                                               "统计公报2026年10月.pdf", "2026年10月主要指标（网页）.html"])
        assert inbox(settings) == set(first.pulled)
        assert (settings.inbox / "全市主要指标.xlsx").read_bytes() == site.pages["/upload/2026/P020261120.xlsx"].body
        # the 500 was asked three times (two retries, backoff doubling), then said; the 404 is a warning
        assert [p for p, _, _ in site.requests].count("/upload/2026/broken.xls") == 3
        assert 0.1 in waits and 0.2 in waits
        # a pause before every request after the first (the clock runs on while the fake sleep returns at once)
        assert sum(1 for w in waits if 0 < w <= 0.2) >= len(site.requests) - 1
        assert len(first.failures) == 1 and "HTTP 500" in first.failures[0] and "broken.xls" in first.failures[0]
        assert len(first.warnings) == 1 and "HTTP 404" in first.warnings[0]
        assert first.line().startswith("pull jinhua_web: failing since") and "(4 file(s) pulled)" in first.line()
        assert "/about.html" not in [p for p, _, _ in site.requests]
        assert site.max_active == 1  # one request at a time
        assert all("bipin" in h.get("User-Agent", "") for _, _, h in site.requests)
        urls = {r[0]: r[2] for r in ledger_rows(settings)}
        assert urls[f"{site.url}/tjsj/202610.html"] == f"{site.url}/tjsj/202610.html (listed on {site.url}/tjsj/)"

        before = len(site.requests)
        [second] = pull_once(settings)
        assert second.pulled == [] and second.unchanged == 4
        again = site.requests[before:]
        conditional = [p for p, s, h in again if s == 304 and h.get("If-None-Match")]
        assert sorted(conditional) == sorted(["/upload/2026/P020261119.xls", "/upload/2026/P020261120.xlsx",
                                              "/upload/2026/P020261121.pdf", "/tjsj/202610.html"])


def test_a_changed_table_is_fetched_again_and_ingested_as_a_revision(tmp_path):
    with BureauSite() as site:
        site.pages["/tjsj/"] = listing([("/tjsj/202610.html", "2026年10月主要指标")])
        site.pages["/tjsj/202610.html"] = Page(table_page(), "text/html; charset=gbk")
        settings = world(tmp_path, [_source(site)])
        assert pull_once(settings)[0].pulled == ["2026年10月主要指标.html"]
        assert [r.status for r in ingest(settings)] == ["loaded"]
        assert pull_once(settings)[0].pulled == []
        site.pages["/tjsj/202610.html"] = Page(table_page(revised_rows("8.5")), "text/html; charset=gbk")
        assert pull_once(settings)[0].pulled == ["2026年10月主要指标.html"]
        [revised] = ingest(settings)
        assert revised.status == "loaded" and revised.n_revised == 1
        assert query(settings, "select growth_pct from staging.observations where place_code = 'wuyi' and "
                               "indicator_code = 'fai' order by loaded_at") == [(8.2,), (8.5,)]
        assert query(settings, "select provenance from raw.files order by file_id")[1][0].startswith(
            f"{site.url}/tjsj/202610.html")


def test_a_half_transferred_table_never_reaches_the_inbox(tmp_path):
    with BureauSite() as site:
        site.pages["/tjsj/"] = listing([("/upload/2026/P1.xlsx", "全市主要指标")])
        site.pages["/upload/2026/P1.xlsx"] = Page(xlsx_bytes(), XLSX_TYPE, truncate=True)
        settings = world(tmp_path, [_source(site, retries=1)])
        [result] = pull_once(settings)
        assert result.pulled == [] and inbox(settings) == set()
        assert list((settings.home / "pull" / "partial").iterdir()) == []
        assert ledger_rows(settings) == [] and "P1.xlsx" in result.failures[0]
        site.pages["/upload/2026/P1.xlsx"] = Page(xlsx_bytes(), XLSX_TYPE)  # the site is well again
        assert pull_once(settings)[0].pulled == ["全市主要指标.xlsx"]


def test_dry_run_lists_new_links_and_writes_nothing(tmp_path):
    with BureauSite() as site:
        _site(site)
        settings = world(tmp_path, [_source(site)])
        [result] = pull_once(settings, dry_run=True)
        assert len(result.would_pull) == 6 and f"{site.url}/upload/2026/P020261120.xlsx" in result.would_pull
        assert inbox(settings) == set() and ledger_rows(settings) == []
        assert [p for p, _, _ in site.requests] == ["/tjsj/"]


@pytest.mark.parametrize("case", ["down", "garbage", "timeout"])
def test_a_failing_site_is_said_in_one_line(tmp_path, case):
    silent = socket.socket()
    silent.bind((HOST, 0))
    silent.listen(1)  # accepts connections, never answers
    try:
        with BureauSite() as site:
            site.pages["/tjsj/"] = Page(bytes(range(256)) * 4, "application/octet-stream")
            url = {"down": f"http://{HOST}:{free_port()}/tjsj/", "garbage": f"{site.url}/tjsj/",
                   "timeout": f"http://{HOST}:{silent.getsockname()[1]}/tjsj/"}[case]
            settings = world(tmp_path, [_source(site, url=url, timeout_s=0.3, retries=1)])
            [result] = pull_once(settings)
    finally:
        silent.close()
    expected = {"down": "cannot reach http://", "garbage": "returned something unexpected",
                "timeout": "did not answer in time"}[case]
    assert expected in result.fault and "\n" not in result.line()
    assert ledger_rows(settings, "select fault_kind from pull.source_status") == [
        ({"down": "network", "garbage": "garbage", "timeout": "timeout"}[case],)]


def test_the_cli_says_a_gone_link_as_a_warning(tmp_path):
    from typer.testing import CliRunner

    from flows.cli.app import app

    with BureauSite() as site:
        site.pages["/tjsj/"] = listing([("/upload/2026/gone.xls", "已撤下的表"), ("/tjsj/202610.html", "主要指标")])
        site.pages["/tjsj/202610.html"] = Page(table_page(), "text/html; charset=gbk")
        settings = world(tmp_path, [_source(site, delay_s=0)])
        result = CliRunner().invoke(app, ["--config", str(settings.config_dir), "--home", str(settings.home),
                                          "pull", "--no-prefect"], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    assert "pull jinhua_web: 1 new file(s): 主要指标.html" in result.output
    assert f"warning: pull jinhua_web: {site.url}/upload/2026/gone.xls is gone (HTTP 404)" in result.output
