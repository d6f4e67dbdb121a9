"""Each stage's CLI commands, registered on the root app by flows/cli.py."""

from flows.commands import catalog_cmd

COMMAND_MODULES = [catalog_cmd]
