"""What an ingest run tells the operator in Prefect: log lines, artifact rows, the run's final state name.

The CLI prints the same results as a table (flows/commands/ingest_cmd.py); here they are worded for
the run's logs and artifacts in the Prefect UI, periods as bureaus print them (2026年1-10月).
"""

from __future__ import annotations

from datetime import date

from flows.core.periods import Period
from flows.ingest.model import FileResult

REJECTED_STATE = "Completed with rejections"
MAX_MESSAGES_LOGGED = 5  # per file; the full list is in quarantine/NAME.errors.txt and raw.file_messages


def period_labels(periods: list[date]) -> str:
    """2026年1-10月, 2026年1-11月 (year-to-date labels as the monthly files print them)."""
    return ", ".join(Period(p.year, p.month).label() for p in sorted(periods))


def reason(result: FileResult) -> str:
    """Why a file was rejected (its first error), or its first warning; empty when neither."""
    for severity in ("error", "warning"):
        first = next((m for m in result.messages if m.severity == severity), None)
        if first is not None:
            more = sum(m.severity == severity for m in result.messages) - 1
            return f"{first.where}: {first.text}" + (f" (+{more} more)" if more else "")
    return ""


def artifact_rows(results: list[FileResult]) -> list[dict]:
    """One row per file for the run's table artifact: status, periods in Chinese, and the reason."""
    return [{"file": r.file_name, "status": r.status, "periods": period_labels(r.periods),
             "observations": r.n_observations, "revised": r.n_revised, "warnings": r.n_warnings,
             "errors": r.n_errors, "reason": reason(r)} for r in results]


def description(summary: dict, results: list[FileResult]) -> str:
    """The artifact's headline: counts, then each rejected file with its reason."""
    head = (f"# Ingest: {summary['n_loaded']} loaded, {summary['n_duplicate']} duplicate, "
            f"{summary['n_rejected']} rejected; {summary['n_observations']} observations")
    rejected = [f"- **{r.file_name}** rejected: {reason(r)}" for r in results if r.status == "rejected"]
    return "\n".join([head, *rejected])


def log_lines(result: FileResult) -> list[tuple[str, str]]:
    """(level, line) for the run's log: what happened to one file, each rejection with its reasons."""
    where = f" -> {result.stored_path}" if result.stored_path else ""
    if result.status == "rejected":
        lines = [("warning", f"rejected {result.file_name}{where}: {result.n_errors} error(s)")]
        errors = [m for m in result.messages if m.severity == "error"]
        lines += [("warning", f"  {result.file_name}: {m.line()}") for m in errors[:MAX_MESSAGES_LOGGED]]
        if len(errors) > MAX_MESSAGES_LOGGED:
            lines.append(("warning", f"  ... {len(errors) - MAX_MESSAGES_LOGGED} more in {result.file_name}.errors.txt"))
        return lines
    lines = [("info", f"{result.status} {result.file_name}: {period_labels(result.periods) or 'no periods'}, "
                      f"{result.n_observations} observations, {result.n_revised} revised")]
    warnings = [m for m in result.messages if m.severity == "warning"]
    lines += [("warning", f"  {result.file_name}: {m.line()}") for m in warnings[:MAX_MESSAGES_LOGGED]]
    if len(warnings) > MAX_MESSAGES_LOGGED:
        lines.append(("warning", f"  ... {len(warnings) - MAX_MESSAGES_LOGGED} more warnings (raw.file_messages)"))
    return lines


def state_message(summary: dict) -> str:
    names = ", ".join(item["file"] for item in summary["rejected"])
    return f"{summary['n_rejected']} file(s) rejected: {names}; see quarantine/ and the run's logs"
