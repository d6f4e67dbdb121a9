"""The weekly trend chart: the key indicators' ranks as small multiples, a PNG for an inline (CID) image.

One small panel per indicator, titled with its Chinese name, rank 1 at the top, the top-three band
shaded and the latest rank written at the end of the line: eight lines in one plot with a legend
could not be told apart on a phone. Text is set in the bundled Noto Sans SC (fonts.py).
Drawn with matplotlib's Agg canvas directly (no pyplot state), always in the same one thread of the
process (trend_png): matplotlib keeps the fonts it loaded per thread, so every render thread would
load the 8 MB CJK font and lay its glyphs out again, and drawing holds the GIL, so threads drawing
at once only wait for each other.
"""

from __future__ import annotations

import io
import os
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from flows.brief.content.trends import Chart
from flows.brief.render.fonts import cjk

LINE, TOP3_BAND, GRID = "#0072b2", "#e3f2e6", "#dddddd"
COLUMNS = 2            # two panels a row still read at 375 px
# Drawn for the width it is shown at: DISPLAY_WIDTH CSS px (the template's <img width>, inside a 375 px
# phone's 347 px text column, so never shrunk), one figure inch per 100 CSS px; every text at least
# MIN_TEXT_PT points = 12.5 CSS px. The PNG has DPI px per inch (2x, sharp on a phone's screen).
DISPLAY_WIDTH = 340
FIG_WIDTH_IN = DISPLAY_WIDTH / 100
CSS_PX_PER_PT = 100 / 72
MIN_TEXT_PT = 9.0
DPI = 200
PANEL_HEIGHT_IN = 0.9
TITLE_IN = 0.22        # above the first row's panel titles (the chart's title is the email's heading above it)


def trend_figure(chart: Chart) -> Figure:
    """The figure, for trend_png and for tests that read its text back."""
    n = max(len(chart.series), 1)
    rows = -(-n // COLUMNS)
    height = TITLE_IN + 0.25 + PANEL_HEIGHT_IN * rows
    fig = Figure(figsize=(FIG_WIDTH_IN, height), dpi=100)
    FigureCanvasAgg(fig)
    top = max(chart.n_places, 3)
    xs = list(range(len(chart.x_labels)))
    axes = fig.subplots(rows, COLUMNS, squeeze=False, sharex=True, sharey=True)
    for i, ax in enumerate(axes.flat):
        if i >= len(chart.series):
            ax.set_visible(False)
            continue
        _panel(ax, chart.series[i], xs, top)
    ticks = [1, 3] + ([top] if top > 3 else [])
    for ax in axes.flat:
        ax.set_ylim(top + 0.5, 0.5)  # rank 1 at the top
        ax.set_yticks(ticks)
        ax.set_xticks([xs[0], xs[-1]] if len(xs) > 1 else xs)
        ax.set_xticklabels([chart.x_labels[0], chart.x_labels[-1]] if len(xs) > 1 else chart.x_labels)
        for label in ax.get_xticklabels() + ax.get_yticklabels():
            label.set_fontproperties(cjk(MIN_TEXT_PT))
    # fixed margins in inches instead of tight_layout, which measures every label on every draw
    fig.subplots_adjust(left=0.22 / FIG_WIDTH_IN, right=1 - 0.3 / FIG_WIDTH_IN, top=1 - TITLE_IN / height,
                        bottom=0.25 / height, hspace=0.75, wspace=0.3)
    return fig


def _panel(ax, series, xs: list[int], top: int) -> None:
    ax.axhspan(0.5, 3.5, color=TOP3_BAND, zorder=0)
    ax.grid(axis="y", linewidth=0.4, color=GRID)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    points = [(x, r) for x, r in zip(xs, series.ranks, strict=True) if r is not None]
    if points:
        ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", linewidth=1.4, markersize=2.5,
                color=LINE)
        x, r = points[-1]
        # the latest rank beside its point: what the reader looks for first
        ax.annotate(f"第{r}", (x, r), xytext=(3, 0), textcoords="offset points", va="center",
                    fontproperties=cjk(MIN_TEXT_PT), color=LINE, annotation_clip=False)
    ax.set_title(series.label, fontproperties=cjk(MIN_TEXT_PT), loc="left", pad=2)


_drawer: tuple[int, ThreadPoolExecutor] | None = None
_lock = threading.Lock()
# recipients of the same county share one chart (Chart is frozen, so hashable): (chart, dpi) -> PNG
_drawn: OrderedDict[tuple[Chart, int], bytes] = OrderedDict()
DRAWN_MAX = 256


def _pool() -> ThreadPoolExecutor:
    """The process's one chart thread (a forked child has the pool object but not its thread: a new one)."""
    global _drawer
    with _lock:
        if _drawer is None or _drawer[0] != os.getpid():
            _drawer = (os.getpid(), ThreadPoolExecutor(max_workers=1, thread_name_prefix="bipin-charts"))
        return _drawer[1]


def _cached(key: tuple[Chart, int]) -> bytes | None:
    with _lock:
        png = _drawn.get(key)
        if png is not None:
            _drawn.move_to_end(key)
        return png


def trend_png(chart: Chart, dpi: int = DPI) -> bytes:
    """PNG bytes, identical for identical input (no timestamp or software metadata).

    A chart drawn already comes from the cache in the caller's thread; a new one is drawn by the
    process's one chart thread, where render threads asking for the same chart at once queue and all
    but the first find it drawn."""
    return _cached((chart, dpi)) or _pool().submit(_draw, chart, dpi).result()


def draw_soon(chart: Chart | None, dpi: int = DPI) -> None:
    """Start drawing a chart that trend_png will be asked for, while the caller goes on (reading its
    tables: DuckDB works outside the GIL). A failure is not kept: trend_png draws again and raises it."""
    if chart is not None and _cached((chart, dpi)) is None:
        _pool().submit(_draw, chart, dpi)


def _draw(chart: Chart, dpi: int) -> bytes:
    """In the chart thread: the cached PNG, or a new one drawn and cached."""
    png = _cached((chart, dpi))
    if png is None:
        png = _render(chart, dpi)
        with _lock:
            _drawn[(chart, dpi)] = png
            while len(_drawn) > DRAWN_MAX:
                _drawn.popitem(last=False)
    return png


def _render(chart: Chart, dpi: int) -> bytes:
    buf = io.BytesIO()
    trend_figure(chart).savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()
