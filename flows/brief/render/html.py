"""Turn a briefing's context into its text and HTML parts with Jinja2, CSS inlined for mail clients.

Autoescape is on for every .html.j2 template, so a place name like `<script>` arrives as text.
The templates only format; they receive the context as `c`.
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import css_inline
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from flows.brief.render import charts
from flows.config.settings import TEMPLATES_DIR


@dataclass(frozen=True)
class Rendered:
    text: str
    html: str


def display_width(text: str) -> int:
    """Columns a terminal or monospace mail reader gives the text: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def pad(text: object, width: int) -> str:
    """Left-align to a display width, so Chinese labels line up in the text part's tables."""
    text = str(text)
    return text + " " * max(0, width - display_width(text))


def pad_left(text: object, width: int) -> str:
    """Right-align to a display width (heat map columns: 10月 under 10月, a rank under its month)."""
    text = str(text)
    return " " * max(0, width - display_width(text)) + text


@cache
def environment(templates_dir: Path = TEMPLATES_DIR) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates_dir)),
        autoescape=select_autoescape(enabled_extensions=("html", "html.j2"), default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["pad"] = pad
    env.filters["pad_left"] = pad_left
    return env


_compiling = threading.Lock()


def template(name: str):
    """A compiled template. One at a time: render threads asking for the same new template at once
    would each compile it (Jinja2 caches it only once compiled), and compiling holds the GIL anyway."""
    with _compiling:
        return environment().get_template(name)


# keep_style_tags: the class rules (data-css-inline="ignore" in base.html.j2) must stay in the head
_INLINER = css_inline.CSSInliner(keep_style_tags=True, load_remote_stylesheets=False)


def render(kind: str, context: object, subject: str, chart_cid: str | None = None) -> Rendered:
    """Text and HTML of one briefing; the layout rules are copied onto the elements, the class rules stay in <style>."""
    values = {"c": context, "subject": subject, "chart_cid": chart_cid, "chart_width": charts.DISPLAY_WIDTH}
    text = template(f"{kind}.txt.j2").render(values)
    html = template(f"{kind}.html.j2").render(values)
    return Rendered(text=_tidy(text), html=_INLINER.inline(html))


def _tidy(text: str) -> str:
    """No runs of blank lines in the reading version; one newline at the end."""
    lines, blank = [], 0
    for line in text.splitlines():
        blank = blank + 1 if not line.strip() else 0
        if blank <= 1:
            lines.append(line.rstrip())
    return "\n".join(lines).strip("\n") + "\n"
