"""Time `pull` against the local servers the tests use: a 100-message mailbox (Dovecot, IMAP over TLS) and a
200-link listing page (a threaded HTTP server), each pulled three times into a fresh home.

Reported: the first pull (everything new: fetch, hash, write, ledger), the second (nothing new: the
mailbox's UID search, the site's conditional GETs answered 304). The web source runs with delay_s 0:
a bureau's configured delay adds delay_s x links to every pass (200 x 1 s by default).

Command: .venv/bin/python -m bench.bench_pull
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the servers and fixtures the pull tests start

from pull_servers import BureauSite, Page, dovecot  # noqa: E402
from pull_world import PASSWORD_ENV, csv_bytes, mail, pull_once, world, xlsx_bytes  # noqa: E402

N_MESSAGES, N_LINKS, RUNS = 100, 200, 3


def _rows(i: int) -> list[list[str]]:
    """Each table a little different, so every attachment / link is new content."""
    return [["武义县", f"{100 + i}.0", "8.2", "2", "80.1", "3.3"], ["义乌", "400.0", "9.1", "1", "500.2", "6.0"]]


def bench_mailbox() -> list[tuple[float, float, float]]:
    import os

    times = []
    with dovecot() as server:
        os.environ[PASSWORD_ENV] = server.password
        for run in range(RUNS):
            folder = f"bench{run}"
            with server.mailbox() as box:
                box.folder.create(folder)
                for i in range(N_MESSAGES):
                    box.append(mail("统计月报", "tjj@tjj.jinhua.gov.cn", {f"金华市月报{i:03d}.csv": csv_bytes(_rows(i))},
                                    f"<b{run}-{i}@tjj.jinhua.gov.cn>"), folder)
            settings = world(Path(tempfile.mkdtemp(prefix="bipin-bench-pull-")), [{
                "code": "mail", "kind": "mailbox", "host": server.host, "port": server.port, "user": server.user,
                "password_env": PASSWORD_ENV, "ca_file": str(server.ca_file), "folder": folder}])
            times.append(_two_pulls(settings, N_MESSAGES))
    return times


def bench_web() -> list[tuple[float, float, float]]:
    times = []
    with BureauSite() as site:
        items = "".join(f'<li><a href="/upload/t{i:03d}.xlsx">2026年10月主要指标{i:03d}</a></li>' for i in range(N_LINKS))
        site.pages["/tjsj/"] = Page(f'<html><head><meta charset="gbk"></head><body><ul>{items}</ul></body></html>'
                                    .encode("gbk"), "text/html; charset=gbk")
        for i in range(N_LINKS):
            site.pages[f"/upload/t{i:03d}.xlsx"] = Page(xlsx_bytes(_rows(i)), "application/octet-stream")
        for _ in range(RUNS):
            settings = world(Path(tempfile.mkdtemp(prefix="bipin-bench-pull-")), [{
                "code": "web", "kind": "web", "url": f"{site.url}/tjsj/", "charset": "gbk", "delay_s": 0}])
            times.append(_two_pulls(settings, N_LINKS))
    return times


def _two_pulls(settings, expected: int) -> tuple[float, float, float]:
    """(first pull wall s, second pull wall s, first pull CPU s of this process: client and in-process server)."""
    started, cpu = time.perf_counter(), time.process_time()
    [first] = pull_once(settings, sleep=time.sleep)
    middle, cpu = time.perf_counter(), time.process_time() - cpu
    [second] = pull_once(settings, sleep=time.sleep)
    ended = time.perf_counter()
    assert len(first.pulled) == expected and second.pulled == [], (first.line(), second.line())
    return middle - started, ended - middle, cpu


def _report(name: str, times: list[tuple[float, float, float]]) -> None:
    firsts, seconds, cpus = [t[0] for t in times], [t[1] for t in times], [t[2] for t in times]
    print(f"{name}: first pull best {min(firsts):.2f} s, median {statistics.median(firsts):.2f} s, "
          f"worst {max(firsts):.2f} s (CPU of this process median {statistics.median(cpus):.2f} s); "
          f"second pull (nothing new) best {min(seconds):.2f} s, median {statistics.median(seconds):.2f} s "
          f"of {len(times)}")


def main() -> None:
    _report(f"mailbox, {N_MESSAGES} messages", bench_mailbox())
    _report(f"web page, {N_LINKS} links", bench_web())


if __name__ == "__main__":
    main()
