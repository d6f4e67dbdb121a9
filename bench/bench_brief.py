"""Benchmark the briefings: render 1,000 weekly dispatches, then deliver them over SMTP (not part of `make test`).

    .venv/bin/python -m bench.bench_brief [--n 1000] [--render-only]

Data: the briefing tests' hand-made warehouse (tests/brief_world.py: 10 counties, 2 groups, 5 indicators,
12 periods) with N recipients spread over the 7 counties that are ranked. Measures
  (a) rendering N weekly briefings into complete emails (queries, wording, Jinja2 + CSS inlining,
      chart PNG, XLSX, MIME) with the plain functions the flow's tasks call, target <= 10 s;
  (b) delivering them through the send ledger to a local aiosmtpd server on 127.0.0.1 with STARTTLS
      and AUTH over one connection, reported as messages per second;
  (c) the same batch to the outbox (.eml + .html files), for comparison.
Rendering is also reported in CPU seconds of the process: on a shared machine its wall time follows the
load average, its CPU time much less. --render-only skips (b) and (c).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from brief_smtp import PASSWORD, Mailbox, delivery_yaml, make_cert, start  # noqa: E402
from brief_world import AS_OF, world_settings  # noqa: E402

from flows.brief import plan as p  # noqa: E402
from flows.brief.delivery.send import deliver_batch  # noqa: E402
from flows.warehouse.db import connect  # noqa: E402

TARGET_RENDER_S = 10.0
PLACES = ["wuyi", "yiwu", "yongkang", "pujiang", "panan", "suichang", "jingning"]


class CountingMailbox(Mailbox):
    """Keeps only a count: the server should not be what the benchmark measures."""

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted"


def recipients_yaml(n: int) -> str:
    lines = ["recipients:"]
    for i in range(n):
        place = PLACES[i % len(PLACES)]
        lines.append(f"  - {{name: 读者{i:04d}, email: reader{i:04d}@example.gov.cn, place: {place}, kinds: [weekly]}}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--render-only", action="store_true", help="skip delivering (SMTP and outbox)")
    args = parser.parse_args()
    n = args.n
    tmp = Path(tempfile.mkdtemp(prefix="bipin-bench-brief-"))
    cert = make_cert(tmp)
    box = CountingMailbox()
    controller = start(box, *cert)
    import os

    os.environ["BIPIN_TEST_SMTP_PASSWORD"] = PASSWORD
    smtp_s = outbox_s = None
    try:
        settings = world_settings(tmp / "smtp", delivery_yaml(controller.port, cert[0]))
        (settings.config_dir / "recipients.yaml").write_text(recipients_yaml(n), encoding="utf-8")
        plan = p.make_plan(settings, "weekly", as_of=AS_OF)
        started, cpu_started = time.perf_counter(), time.process_time()
        outcomes = [p.render_for(settings, plan, r) for r in plan.recipients]
        render_s, render_cpu = time.perf_counter() - started, time.process_time() - cpu_started
        items = [o.outgoing for o in outcomes if o.outgoing is not None]
        assert len(items) == n, [o.detail for o in outcomes if o.outgoing is None][:3]
        size = sum(len(i.message.as_bytes()) for i in items[:50]) / 50
        if not args.render_only:
            con = connect(settings.db_path)
            started = time.perf_counter()
            results = deliver_batch(items, settings.config.delivery, con, settings.outbox)
            smtp_s = time.perf_counter() - started
            con.close()
            assert sum(r.status == "sent" for r in results) == n == len(box.envelopes)

            outbox = world_settings(tmp / "outbox")
            con = connect(outbox.db_path)
            started = time.perf_counter()
            deliver_batch(items, outbox.config.delivery, con, outbox.outbox)
            outbox_s = time.perf_counter() - started
            con.close()
    finally:
        controller.stop()
    report(n, render_s, render_cpu, size, smtp_s, outbox_s)


def report(n: int, render_s: float, render_cpu: float, size: float, smtp_s: float | None,
           outbox_s: float | None) -> None:
    verdict = "OK" if render_s <= TARGET_RENDER_S else "SLOWER THAN TARGET"
    print(f"render {n} weekly briefings: {render_s:.2f} s ({n / render_s:.0f}/s, {render_s / n * 1000:.1f} ms each, "
          f"~{size / 1024:.0f} KiB per email; {render_cpu:.2f} CPU-s) — target <= {TARGET_RENDER_S:.0f} s: {verdict}")
    if smtp_s is None:
        return
    print(f"deliver over SMTP (STARTTLS + AUTH, one connection, ledger row per mail): {smtp_s:.2f} s, "
          f"{n / smtp_s:.0f} messages/s")
    print(f"deliver to the outbox (.eml + .html, ledger row per mail): {outbox_s:.2f} s, {n / outbox_s:.0f} messages/s")


if __name__ == "__main__":
    main()
