"""How a briefing looks: Jinja2 HTML/text, the chart, the XLSX attachment, composed into an outgoing email."""
