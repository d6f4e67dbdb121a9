"""Each stage's CLI commands, registered on the root app by flows/cli.py."""

from flows.commands import (
    brief_cmd,
    catalog_cmd,
    demo_cmd,
    ingest_cmd,
    ops_cmd,
    rank_cmd,
    rebuild_cmd,
    server_cmd,
)

COMMAND_MODULES = [brief_cmd, catalog_cmd, demo_cmd, ingest_cmd, ops_cmd, rank_cmd, rebuild_cmd, server_cmd]
