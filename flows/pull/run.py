"""Pull every configured source (or one) into the inbox: each alone, so one failing never stops the others.

Plain functions: the Prefect flow (flow.py) and `bipin pull` call pull_source once per source.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import duckdb

from flows.config.pull import FolderSource, MailboxSource, PullConfig, WebSource
from flows.config.settings import Settings
from flows.pull import ledger
from flows.pull.faults import describe, with_retries
from flows.pull.store import Landing


@dataclass
class SourceResult:
    """What one source gave this run; `fault` is the one line to act on when it could not be pulled."""

    code: str
    kind: str
    pulled: list[str] = field(default_factory=list)
    unchanged: int = 0
    duplicates: list[str] = field(default_factory=list)
    would_pull: list[str] = field(default_factory=list)
    settling: int = 0
    failures: list[str] = field(default_factory=list)   # links or files that kept failing
    warnings: list[str] = field(default_factory=list)   # links the site says are gone
    fault: str | None = None
    fault_kind: str | None = None
    failing_since: datetime | None = None
    n_failures: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.fault is None and not self.failures

    def line(self) -> str:
        """One line for the CLI, the run log and the digest."""
        if self.fault or self.failures:
            since = f"failing since {self.failing_since:%Y-%m-%d %H:%M}" if self.failing_since else "failing"
            runs = f", {self.n_failures} run(s) in a row" if self.n_failures > 1 else ""
            what = self.fault or "; ".join(self.failures)
            partly = f" ({len(self.pulled)} file(s) pulled)" if self.pulled else ""
            return f"pull {self.code}: {since}{runs}: {what}{partly}"
        if self.would_pull:
            return f"pull {self.code}: would fetch {len(self.would_pull)}: {', '.join(self.would_pull)}"
        parts = [f"{len(self.pulled)} new file(s)" + (f": {', '.join(self.pulled)}" if self.pulled else "")]
        if self.unchanged:
            parts.append(f"{self.unchanged} unchanged")
        if self.duplicates:
            parts.append(f"{len(self.duplicates)} already pulled elsewhere")
        if self.settling:
            parts.append(f"{self.settling} still being written (next run)")
        return f"pull {self.code}: " + ", ".join(parts)


def where(source) -> str:
    """The source's address for messages: never a password."""
    if isinstance(source, MailboxSource):
        return f"{source.host}:{source.port} ({source.user}, {source.folder})"
    return source.url


def pull_source(con: duckdb.DuckDBPyConnection, settings: Settings, config: PullConfig, source,
                dry_run: bool = False, sleep: Callable[[float], None] = time.sleep,
                clock: Callable[[], datetime] | None = None) -> SourceResult:
    """Fetch one source's new files into the inbox; never raises for the source's own faults."""
    clock = clock or settings.local_now
    started = time.perf_counter()
    result = SourceResult(source.code, source.kind)
    landing = Landing(con, settings, source.code, clock)
    missing = _missing_secret(source)
    if missing:
        result.fault_kind, result.fault = "login", missing
        return _finish(con, source, result, dry_run, clock, started)
    try:
        # each attempt reads the ledger again: what a broken attempt landed is not fetched twice
        if isinstance(source, MailboxSource):
            from flows.pull.mailbox import pull_mailbox

            with_retries(lambda: pull_mailbox(source, landing, ledger.known_versions(con, source.code), dry_run),
                         source.retries, source.backoff_s, sleep)
        elif isinstance(source, WebSource):
            from flows.pull.web import pull_web

            result.failures, result.warnings = pull_web(source, landing, config.user_agent, dry_run, sleep)
        elif isinstance(source, FolderSource):
            from flows.pull.folder import pull_folder

            result.settling = with_retries(
                lambda: pull_folder(source, landing, ledger.known_versions(con, source.code), time.time(), dry_run),
                source.retries, source.backoff_s, sleep)
    except duckdb.Error:
        raise  # the warehouse itself: not the source's fault
    except Exception as exc:  # the source's: said in one line, the other sources still run
        result.fault_kind, line = describe(exc, where(source), source.password_env)
        result.fault = _scrub(line, source)
    landed = landing.landed
    result.pulled, result.unchanged, result.duplicates = landed.pulled, landed.unchanged, landed.duplicates
    result.would_pull = landed.would_pull
    return _finish(con, source, result, dry_run, clock, started)


def _finish(con, source, result: SourceResult, dry_run: bool, clock, started: float) -> SourceResult:
    """Record the source's outcome (not on a dry run) and time it."""
    if not dry_run:
        error = result.fault or ("; ".join(result.failures) if result.failures else None)
        kind = result.fault_kind or ("links" if result.failures else None)
        result.failing_since, result.n_failures = ledger.record_status(con, source.code, clock(), error, kind)
    result.seconds = round(time.perf_counter() - started, 3)
    return result


def _missing_secret(source) -> str | None:
    """The one line for a password variable that is named but not set (rather than a refused login)."""
    if source.password_env and not os.environ.get(source.password_env) and not source.password_block:
        return (f"no password for {where(source)}: ${source.password_env} is not set; export it in the "
                "environment of the process that runs the flows (or name a Prefect Secret block in password_block)")
    return None


def _scrub(line: str, source) -> str:
    """Belt and braces: a server that echoes the password back must not put it in a log or the ledger."""
    try:
        secret = source.password()
    except Exception:  # a Secret block that cannot be read: nothing to scrub with
        return line
    return line.replace(secret, "***") if secret else line
