"""A migrated Prefect database, made once at install and copied into each new Prefect home.

A new home's first `prefect server start` spends most of its time taking an empty SQLite file
through every one of Prefect's migrations and registering Prefect's block types (bench/RESULTS.md),
and the result depends only on the installed Prefect. So the install step (`make`, or
`python -m flows.run.prefect_server.template` by hand) does both once into the environment
(.venv/share/bipin/), and a server started for a home that has no database yet begins from a copy,
told not to register the blocks again (flows/prefect_server/process.py; its later starts register
as usual). A missing template changes nothing but speed: the server then migrates as it always did.
The file is named for the Prefect version, so an upgraded Prefect never starts from an older one.
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
        for step in (["-m", "prefect", "server", "database", "upgrade", "-y"],
                     ["-c", "import asyncio, flows.run.prefect_server.template as t; asyncio.run(t.register_blocks())"]):
            done = subprocess.run([sys.executable, *step], env=env, capture_output=True, text=True)
            if done.returncode != 0:
                raise RuntimeError(f"making the Prefect template failed at {' '.join(step)}: "
                                   f"{done.stdout[-500:]}{done.stderr[-500:]}")
        # one self-contained file (the migrations leave a write-ahead log beside it)
        packed = target.with_name(f".{target.name}.{os.getpid()}.part")
        packed.unlink(missing_ok=True)
        with sqlite3.connect(work) as con:
            con.execute("vacuum into ?", [str(packed)])
        con.close()
        packed.replace(target)
    return target


async def register_blocks() -> None:
    """Prefect's own block types into the database PREFECT_API_DATABASE_CONNECTION_URL names, as a
    server's start does (prefect.server.api.server add_block_types)."""
    from prefect.server.database import provide_database_interface
    from prefect.server.models.block_registration import run_block_auto_registration

    session = await provide_database_interface().session()
    async with session:
        await run_block_auto_registration(session=session)


# What a server started from a fresh copy of the template is told: the blocks are in already.
SEEDED_SERVER_ENV = {"PREFECT_API_BLOCKS_REGISTER_ON_START": "false",
                     "PREFECT_MEMOIZE_BLOCK_AUTO_REGISTRATION": "false"}


if __name__ == "__main__":
    made = make()
    print(f"bipin: Prefect database template for new homes: {made}")
