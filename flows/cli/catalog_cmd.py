"""`bipin catalog check`: validate every config file (flows/config/check.py) and summarise the catalog."""

from __future__ import annotations

import typer
from rich.table import Table
from rich.text import Text

from flows.cli.common import EXIT_USAGE, console, err_console, state

catalog_app = typer.Typer(help="Inspect the reference catalog (places, groups, indicators).", no_args_is_help=True)


@catalog_app.command("check")
def check(ctx: typer.Context) -> None:
    """Validate every config file and print a summary of the catalog.

    Checks exactly what every command loads (flows/config/model.py: Config): places, groups, indicators,
    sources, benchmarks, every key of settings.yaml (timezone, schedules, task_runner, alerts ...),
    recipients (with their CSV lists and robot channels), delivery, targets.yaml and units.yaml. Every
    problem is listed, one line each with the file, the key, what is expected and, when something close
    exists, "did you mean". Exit code 2 when any is found.

    Example: bipin --config config catalog check
    """
    from flows.config.check import checked_config

    config, problems = checked_config(state(ctx).settings.config_dir)
    if any(problems.values()):
        for part, lines in problems.items():
            for line in lines:
                err_console.print(Text.assemble(("error: ", "bold red"), f"{part}: {line}"), highlight=False,
                                  soft_wrap=True)
        err_console.print(f"config has {sum(map(len, problems.values()))} problem(s); nothing was changed",
                          highlight=False)
        raise typer.Exit(EXIT_USAGE)
    cat = config.catalog
    table = Table(title=f"catalog {state(ctx).settings.config_dir}")
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_column("detail")
    levels: dict[str, int] = {}
    for p in cat.places:
        levels[p.level] = levels.get(p.level, 0) + 1
    table.add_row("places", str(len(cat.places)), ", ".join(f"{k} {v}" for k, v in sorted(levels.items())))
    for g in cat.groups:
        members = cat.memberships(g)
        current = sum(1 for m in members if m.valid_to is None)
        table.add_row(f"group {g.code}", str(current), f"{g.name} ({len(members)} spells, first tier {g.first_tier_size})")
    freq: dict[str, int] = {}
    for i in cat.indicators:
        freq[i.frequency] = freq.get(i.frequency, 0) + 1
    table.add_row("indicators", str(len(cat.indicators)), ", ".join(f"{k} {v}" for k, v in sorted(freq.items())))
    table.add_row("benchmarks", str(len(cat.benchmarks)), ", ".join(b.focus for b in cat.benchmarks))
    table.add_row("sources", str(len(cat.sources)), ", ".join(s.code for s in cat.sources))
    console.print(table)
    console.print(f"catalog OK; checked {', '.join(problems)}", style="green", soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.add_typer(catalog_app, name="catalog")
