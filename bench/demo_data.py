"""Time `bipin demo-data`'s work: generating the numbers and writing the whole demo inbox.

Run: .venv/bin/python -m bench.demo_data
Reference: the demo inbox runs inside `make run`, so it must stay well under 2 s on the 2-core box.
"""

from __future__ import annotations

import tempfile
import time
from datetime import date
from pathlib import Path

from flows.config.model import load_config
from flows.config.settings import DEFAULT_CONFIG_DIR
from flows.demo.generate import generate
from flows.demo.inbox import write_demo_inbox

UNTIL = date(2026, 10, 1)
TARGET_SECONDS = 2.0


def main(repeats: int = 3) -> None:
    catalog = load_config(DEFAULT_CONFIG_DIR).catalog
    generate(catalog, UNTIL)  # warm-up: imports and first-call costs are not the job's
    gen, full = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        generate(catalog, UNTIL)
        gen.append(time.perf_counter() - start)
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            summary, _ = write_demo_inbox(catalog, Path(tmp), UNTIL)
            full.append(time.perf_counter() - start)
            size = sum(p.stat().st_size for p in summary.files)
    print(f"demo inbox to {UNTIL:%Y-%m}: {len(summary.files)} files, {size / 1e6:.1f} MB, "
          f"{summary.monthly_periods} monthly periods")
    print(f"generate numbers: best {min(gen):.3f} s of {repeats}")
    print(f"generate + write all files: best {min(full):.3f} s, worst {max(full):.3f} s of {repeats} "
          f"(target < {TARGET_SECONDS:.1f} s)")


if __name__ == "__main__":
    main()
