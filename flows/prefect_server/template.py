"""A migrated Prefect database, made once at install and copied into each new Prefect home.

A new home's first `prefect server start` spends ~12 of its ~18 s taking an empty SQLite file
through every one of Prefect's migrations (measured on the 2-core box), and the result depends only
on the installed Prefect. So the install step (`make`, or `python -m flows.prefect_server.template`
by hand) runs the migrations once into the environment (.venv/share/bipin/), and a server started
for a home that has no database yet begins from a copy (flows/prefect_server/process.py). A missing,
stale or unreadable template changes nothing but speed: the server then migrates as it always did,
and a template from an older Prefect is upgraded by the server's own migrate-on-start.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

DB_NAME = "prefect.db"


def template_path() -> Path:
    """Where the template for the installed Prefect lives (inside the environment, not the home)."""
    return Path(sys.prefix) / "share" / "bipin" / f"prefect-{version('prefect')}.db"


def uses_default_database(env: dict[str, str], prefect_home: Path) -> bool:
    """Whether the server keeps its database at <home>/prefect.db (an operator's own choice is left alone)."""
    url = env.get("PREFECT_API_DATABASE_CONNECTION_URL", "")
    return url == f"sqlite+aiosqlite:///{prefect_home}/{DB_NAME}"


def seed(prefect_home: Path, template: Path | None = None) -> bool:
    """Copy the template in as the home's database if it has none yet; True when it did."""
    template = template_path() if template is None else template
    target = prefect_home / DB_NAME
    if target.exists() or not template.is_file():
        return False
    prefect_home.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{DB_NAME}.{os.getpid()}.part")
    shutil.copyfile(template, partial)
    partial.replace(target)  # a server never opens half a copy
    return True


def make(target: Path | None = None) -> Path:
    """Run Prefect's migrations into a new SQLite file and keep it as the template (replacing any)."""
    target = template_path() if target is None else target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bipin-prefect-template-") as scratch:
        work = Path(scratch) / DB_NAME
        env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
        env.update({"PREFECT_HOME": scratch, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1",
                    "PREFECT_API_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{work}"})
        done = subprocess.run([sys.executable, "-m", "prefect", "server", "database", "upgrade", "-y"],
                              env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"prefect server database upgrade failed: {done.stdout[-500:]}{done.stderr[-500:]}")
        # one self-contained file (the migrations leave a write-ahead log beside it)
        packed = target.with_name(f".{target.name}.{os.getpid()}.part")
        packed.unlink(missing_ok=True)
        with sqlite3.connect(work) as con:
            con.execute("vacuum into ?", [str(packed)])
        con.close()
        packed.replace(target)
    return target


if __name__ == "__main__":
    made = make()
    print(f"bipin: Prefect database template for new homes: {made}")
