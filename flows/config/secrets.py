"""Where every credential comes from (SMTP password, pull sources, robot tokens and signing secrets).

The config names an environment variable or a Prefect Secret block, never the value, so no secret sits
in a file of the repository; the variable wins over the block.
"""

from __future__ import annotations

import os


def read_secret(env: str | None, block: str | None) -> str | None:
    """The value in the named environment variable, else in the named Prefect Secret block; None if neither."""
    if env and os.environ.get(env):
        return os.environ[env]
    if block:
        from prefect.blocks.system import Secret

        return Secret.load(block).get()
    return None
