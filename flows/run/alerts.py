"""Tell the operators by email when a flow run fails: the run's name, the failing step and the error.

Attach `alert_operators` as an on_failure hook (`@flow(on_failure=[alert_operators])`). Operators are
`alerts.recipients` in config/settings.yaml, else every recipient who gets the digest.
The mail travels like the briefings (config `delivery:`): an .eml under <outbox>/alerts in outbox
mode, SMTP otherwise. An alert that cannot be sent is logged, never raised: the hook must not
hide the failure it reports.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import traceback
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from pathlib import Path

import yaml

from flows.config.delivery import DeliveryConfig, load_delivery_config, smtp_password
from flows.config.settings import PROJECT_ROOT, Settings, load_settings

log = logging.getLogger("bipin.alerts")


def operator_addresses(settings: Settings) -> list[str]:
    path = settings.config_dir / "settings.yaml"
    content = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    listed = ((content or {}).get("alerts") or {}).get("recipients") or []
    if listed:
        return [str(a).strip().lower() for a in listed]
    from flows.config.catalog import load_catalog
    from flows.config.recipients import load_recipients

    recipients = load_recipients(settings.config_dir, load_catalog(settings.config_dir))
    return sorted({r.email for r in recipients if "digest" in r.kinds})


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
    """Write the alert to the outbox (outbox mode) or send it over SMTP; returns the .eml path if written."""
    if cfg.mode == "outbox" or msg["To"] == "operators":
        folder = settings.outbox / "alerts"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{datetime.now():%Y%m%dT%H%M%S%f}-alert.eml"
        path.write_bytes(bytes(msg))
        return path
    smtp = cfg.smtp
    context = ssl.create_default_context(cafile=smtp.ca_file)
    cls = smtplib.SMTP_SSL if smtp.security == "ssl" else smtplib.SMTP
    kwargs = {"context": context} if smtp.security == "ssl" else {}
    with cls(smtp.host, smtp.port, timeout=smtp.timeout_s, **kwargs) as server:
        if smtp.security == "starttls":
            server.starttls(context=context)
        if smtp.user:
            server.login(smtp.user, smtp_password(smtp) or "")
        server.send_message(msg)
    return None


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
    """on_failure hook: email the operators; log (never raise) if even that fails."""
    try:
        params = flow_run.parameters or {}  # a run may name its own home/config (the stage flows take these)
        settings = load_settings(params.get("config_dir"), params.get("db") or params.get("db_path"), params.get("home"))
        cfg = load_delivery_config(settings.config_dir)
        exc = state.result(raise_on_failure=False) if state.data is not None else None
        exc = exc if isinstance(exc, BaseException) else None
        try:
            steps = failed_steps(flow_run.id)
        except Exception:  # no API reachable: the alert still goes, without the step list
            steps = []
        try:
            to = operator_addresses(settings)
        except Exception as err:  # broken recipients config must not swallow the alert
            log.warning("alert: could not read the operators' addresses (%s); writing to the outbox", err)
            to = []
        error = f"{type(exc).__name__}: {exc}" if exc else (state.message or state.name)
        msg = compose_alert(cfg, to, flow.name, flow_run.name, steps, error, where_it_broke(exc),
                            datetime.now().astimezone())
        path = deliver_alert(msg, settings, cfg)
        log.warning("alert sent for failed run %s%s", flow_run.name, f" ({path})" if path else "")
    except Exception:
        log.exception("could not send the failure alert for run %s", getattr(flow_run, "name", "?"))
