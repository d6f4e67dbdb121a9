"""The CJK font the charts are drawn in: Noto Sans SC, shipped by a pip package the project depends on.

A system font cannot be counted on (a fresh machine or CI has none), and matplotlib's default
DejaVu Sans has no Chinese glyphs: every label became boxes, so the charts used to speak ASCII codes.
The font file is registered with matplotlib's font manager from its path, once per process.
"""

from __future__ import annotations

import threading
from functools import cache

from matplotlib import font_manager
from matplotlib.font_manager import FontProperties
from pylopdf_fonts_zh_cn import sans_path

_LOCK = threading.Lock()


@cache
def cjk_family() -> str:
    """Register the bundled Noto Sans SC and return its family name ("Noto Sans SC")."""
    path = sans_path()
    if not path.exists():
        raise FileNotFoundError(f"{path}: the CJK font is missing; reinstall with `pip install -e .`")
    with _LOCK:  # render tasks run in threads; the font manager's list is not guarded
        font_manager.fontManager.addfont(str(path))
    return FontProperties(fname=str(path)).get_name()


def cjk(size: float) -> FontProperties:
    """Font properties for one text artist: the CJK family first, DejaVu Sans for what it lacks.
    Only the regular weight ships (8 MB a weight), so emphasis is by size and colour, not bold."""
    return FontProperties(family=[cjk_family(), "DejaVu Sans"], size=size)
