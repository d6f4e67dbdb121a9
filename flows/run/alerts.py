"""Tell the operators by email when a flow run fails: the run's name, the failing step and the error.

Attach `alert_operators` as an on_failure hook (`@flow(on_failure=[alert_operators])`). Operators are
`alerts.recipients` in config/settings.yaml, else every recipient who gets the digest (Config.operator_addresses).
The mail travels like the briefings (config `delivery:`): an .eml under <outbox>/alerts in outbox
mode, else through the briefings' SMTP session (flows/brief/delivery/send.py: UTF-8 AUTH, retries,
the password redacted). An alert that cannot be sent never raises (the hook must not hide the failure
it reports) but is not lost either: it is kept as <outbox>/alerts/*-unsent.eml with the reason in its
X-Bipin-Not-Sent header, logged as an error in the run's log, and listed by `bipin status` and `bipin run`.
"""

from __future__ import annotations

import logging
import traceback
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from pathlib import Path

from flows.brief.delivery.send import Outgoing, SendFailure, SmtpSession
from flows.config.delivery import DeliveryConfig
from flows.config.model import ConfigError
from flows.config.settings import PROJECT_ROOT, Settings, load_settings

log = logging.getLogger("bipin.alerts")
NOT_SENT = "X-Bipin-Not-Sent"


def operator_addresses(settings: Settings) -> list[str]:
    """Who is told when a run fails (Config.operator_addresses)."""
    return settings.config.operator_addresses()


def where_it_broke(exc: BaseException | None) -> str | None:
    """The innermost line of bipin's own code in the traceback: flows/rank/marts.py:88 in rebuild."""
    if exc is None or exc.__traceback__ is None:
        return None
    ours = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith(str(PROJECT_ROOT / "flows"))]
    if not ours:
        return None
    f = ours[-1]
    return f"{Path(f.filename).relative_to(PROJECT_ROOT)}:{f.lineno} in {f.name}"


def compose_alert(
    cfg: DeliveryConfig, to: list[str], flow_name: str, run_name: str, steps: list[str],
    error: str, where: str | None, when: datetime, run_url: str | None = None,
) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = f"【bipin 运行失败】{flow_name} / {run_name}"
    msg["From"] = formataddr((cfg.from_name, cfg.from_address))
    msg["To"] = ", ".join(to) or "operators"
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = make_msgid("alert", domain=cfg.message_domain)
    lines = [
        f"Flow run {run_name!r} of flow {flow_name!r} failed at {when:%Y-%m-%d %H:%M:%S %Z}.",
        "",
        f"Failing step: {', '.join(steps) if steps else 'the flow itself'}",
        f"Error: {error}",
    ]
    if where:
        lines.append(f"Where: {where}")
    if run_url:
        lines.append(f"Run: {run_url}")
    lines += ["", "The next run retries; the send ledger keeps it from sending anything twice.",
              "See docs/OPERATIONS.md (failure alerts) for what to do."]
    msg.set_content("\n".join(lines))
    return msg


def deliver_alert(msg: EmailMessage, settings: Settings, cfg: DeliveryConfig) -> Path | None:
    """Write the alert to the outbox (outbox mode) or send it over SMTP; returns the .eml path if written.

    Raises SendFailure (its text scrubbed of the password) when SMTP will not take it.
    """
    if cfg.mode == "outbox" or msg["To"] == "operators":
        return _keep(msg, settings, "alert")
    session = SmtpSession(cfg)  # reads the password and registers it for redaction first
    try:
        for address in [a.strip() for a in msg["To"].split(",")]:
            session.send(Outgoing(kind="alert", period_key=str(msg["Date"]), email=address, name=address,
                                  subject=str(msg["Subject"]), message=msg, html="", content_hash="",
                                  message_id=str(msg["Message-ID"])), on_attempt=lambda: None)
    finally:
        session.close()
    return None


def _keep(msg: EmailMessage, settings: Settings, suffix: str) -> Path:
    folder = settings.outbox / "alerts"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{datetime.now():%Y%m%dT%H%M%S%f}-{suffix}.eml"
    path.write_bytes(bytes(msg))
    return path


def unsent_alerts(settings: Settings, since: float | None = None) -> list[tuple[Path, str]]:
    """Alerts that could not be sent (newest first), with why: for `bipin status` and `bipin run`."""
    import email
    from email import policy

    folder = settings.outbox / "alerts"
    found = []
    for path in sorted(folder.glob("*-unsent.eml"), reverse=True) if folder.is_dir() else []:
        if since is not None and path.stat().st_mtime < since:  # since: seconds since the epoch
            continue
        msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        found.append((path, str(msg[NOT_SENT] or "unknown reason")))
    return found


def failed_steps(flow_run_id) -> list[str]:
    """Names of the task runs and subflows that failed in this run, as the Prefect UI shows them."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowRunFilter,
        FlowRunFilterId,
        TaskRunFilter,
        TaskRunFilterState,
    )

    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])),
            task_run_filter=TaskRunFilter(state=TaskRunFilterState(type={"any_": ["FAILED", "CRASHED"]})),
        )
    return [r.name for r in runs]


def alert_operators(flow, flow_run, state) -> None:
    """on_failure hook: email the operators; if that fails, keep the alert and say so (never raise)."""
    msg = settings = None
    try:
        params = flow_run.parameters or {}  # a run may name its own home/config (the stage flows take these)
        settings = load_settings(params.get("config_dir"), params.get("db_path"), params.get("home"))
        try:
            cfg, to = settings.config.delivery, settings.config.operator_addresses()
        except ConfigError as err:  # a broken config must not swallow the alert: it goes to the outbox
            log.error("alert: config unusable (%s); writing the alert to the outbox", err.one_line())
            cfg, to = DeliveryConfig(), []
        exc = state.result(raise_on_failure=False) if state.data is not None else None
        exc = exc if isinstance(exc, BaseException) else None
        try:
            steps = failed_steps(flow_run.id)
        except Exception:  # no API reachable: the alert still goes, without the step list
            steps = []
        error = f"{type(exc).__name__}: {exc}" if exc else (state.message or state.name)
        msg = compose_alert(cfg, to, flow.name, flow_run.name, steps, error, where_it_broke(exc),
                            datetime.now().astimezone())
        path = deliver_alert(msg, settings, cfg)
        log.warning("alert sent for failed run %s%s", flow_run.name, f" ({path})" if path else "")
    except Exception as exc:
        reason = str(exc) if isinstance(exc, SendFailure) else f"{type(exc).__name__}: {exc}"
        kept = None
        if msg is not None and settings is not None:
            msg[NOT_SENT] = reason
            kept = _keep(msg, settings, "unsent")
        log.error("failure alert for run %s NOT sent to the operators: %s%s; fix delivery.smtp in config and "
                  "see docs/OPERATIONS.md (failure alerts)", getattr(flow_run, "name", "?"), reason,
                  f" (kept in {kept})" if kept else "")
