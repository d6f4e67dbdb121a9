"""The weekly trend chart: rank lines of the key indicators as a small PNG for an inline (CID) image.

Drawn with matplotlib's Agg canvas directly (no pyplot state, safe in worker threads). Every label in
the image is ASCII or a number so no CJK font is needed; Chinese titles stay in the HTML.
"""

from __future__ import annotations

import io
from functools import lru_cache

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from flows.brief.content.trends import Chart

# eight clearly different hues (Okabe-Ito plus two), so the key indicators never share a colour
COLOURS = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#d55e00", "#56b4e9", "#000000", "#8c564b")


@lru_cache(maxsize=256)  # recipients of the same county share one chart; Chart is frozen, so hashable
def trend_png(chart: Chart, dpi: int = 100) -> bytes:
    """PNG bytes, identical for identical input (no timestamp or software metadata)."""
    fig = Figure(figsize=(6.0, 2.8), dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    xs = list(range(len(chart.x_labels)))
    for i, s in enumerate(chart.series):
        points = [(x, r) for x, r in zip(xs, s.ranks, strict=True) if r is not None]
        if points:
            ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", linewidth=1.6, markersize=3,
                    color=COLOURS[i % len(COLOURS)], label=s.code)
    top = max(chart.n_places, 3)
    ax.set_ylim(top + 0.5, 0.5)  # rank 1 at the top
    ax.axhspan(0.5, 3.5, color="#e3f2e6", zorder=0)  # the top-three band
    ax.set_yticks(range(1, top + 1) if top <= 10 else sorted({1, 3, *range(5, top + 1, 5), top}))
    ax.set_xticks(xs)
    ax.set_xticklabels(chart.x_labels, fontsize=7)
    ax.tick_params(axis="y", labelsize=7)
    ax.set_ylabel("rank", fontsize=8)
    ax.grid(axis="y", linewidth=0.4, color="#cccccc")
    if chart.series:
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    fig.tight_layout()
    # tight_layout leaves a placeholder layout engine, for which savefig draws the figure once more
    # before the real draw (~15 ms); without an engine the PNG bytes are the same
    fig.set_layout_engine(None)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()
