"""From a Briefing to an email ready to go: render, draw the chart, build the XLSX, assemble the message."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flows.brief.content.collect import Briefing
from flows.brief.delivery import message
from flows.brief.delivery.send import Outgoing
from flows.brief.render import charts, xlsx
from flows.brief.render import html as render
from flows.config.delivery import DeliveryConfig


def compose(b: Briefing, cfg: DeliveryConfig, as_of: datetime, to_name: str, to_address: str,
            timezone: str = "Asia/Shanghai") -> Outgoing:
    """Everything derives from the briefing and as_of, so the same data renders the same bytes."""
    digest = message.content_hash(b.context, b.sheets)
    msg_id = message.message_id(b.kind, b.period_key, to_address, digest, cfg.message_domain)
    chart = getattr(b.context, "chart", None)
    png = charts.trend_png(chart) if chart else None
    cid = message.chart_cid(msg_id) if png else None
    parts = render.render(b.kind, b.context, b.subject, cid)
    when = as_of if as_of.tzinfo else as_of.replace(tzinfo=ZoneInfo(timezone))
    attachment = xlsx.workbook_bytes(b.sheets, as_of) if b.sheets else None
    msg = message.build_message(
        subject=b.subject, from_name=cfg.from_name, from_address=cfg.from_address, to_name=to_name,
        to_address=to_address, text=parts.text, html=parts.html, msg_id=msg_id, date=when, kind=b.kind,
        period_key=b.period_key, png=png, cid=cid, xlsx=attachment, attachment_name=b.attachment_name,
        attachment_fallback=f"bipin-{b.kind}-{b.period_key}-{b.recipient.place if b.recipient else 'data'}.xlsx")
    return Outgoing(kind=b.kind, period_key=b.period_key, email=to_address, name=to_name,
                    subject=message.header_safe(b.subject), message=msg, html=parts.html,
                    content_hash=digest, message_id=msg_id, data_as_of=b.data_as_of)
