"""Figure geometry and fonts, chosen together with how ``report.html`` shows a PNG.

The arithmetic (one place, used by every figure module and by the report):

* a figure is ``FIG_WIDTH`` inches wide; it is saved at ``DPI`` pixels per inch, so its
  PNG is ``FIG_WIDTH * DPI`` pixels wide;
* the report shows the PNG at CSS width ``png_px / (DPI / CSS_DPI)`` px, i.e. at its size in
  CSS inches (``CSS_DPI`` = 96 CSS px per inch); ``DPI = 2 * CSS_DPI`` keeps it sharp on
  high-density screens;
* a font of ``p`` points is then ``p * CSS_DPI / 72`` CSS px on the page: the smallest font
  we use, ``MIN_FONT_PT`` = 8 pt, renders at 10.7 px, the body of the report at 13.3 px;
* the page's content column is ``PAGE_PX`` = 900 CSS px wide (``max-width`` in the report's
  CSS), so a figure up to ``PAGE_PX / CSS_DPI`` = 9.4 inches is never shrunk; ours are
  ``FIG_WIDTH`` = 6.5 in (624 px, a LaTeX text width). If the browser window is narrower the
  image shrinks with it (``max-width: 100%``), as does every other element.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "CSS_DPI",
    "DPI",
    "FIG_WIDTH",
    "FONT_PT",
    "MIN_FONT_PT",
    "PAGE_PX",
    "normalize",
    "rendered_px",
]

CSS_DPI = 96
"""CSS pixels per inch (fixed by the CSS specification)."""
DPI = 2 * CSS_DPI
"""Resolution of the PNGs the report embeds."""
PAGE_PX = 900
"""Width of the report's content column in CSS px (``body{max-width}`` minus padding)."""
FIG_WIDTH = 6.5
"""Width of every figure, inches (624 CSS px; fits ``PAGE_PX``)."""
FONT_PT = 10.0
"""Axis labels, titles."""
MIN_FONT_PT = 8.0
"""Tick labels and legends: the smallest text in any figure."""


def rendered_px(points: float) -> float:
    """CSS px of a font of ``points`` pt when the PNG is shown at its size in CSS inches."""
    return points * CSS_DPI / 72


def normalize(fig: Any) -> dict[str, float]:
    """Bring a figure to the report's geometry: ``FIG_WIDTH`` wide (aspect kept) and no text
    under ``MIN_FONT_PT``; re-run the layout. Returns what was measured after the change:
    ``width_in``, ``height_in`` and ``min_font_pt`` (every visible text artist: tick labels,
    axis labels, titles, legends, annotations).
    """
    from matplotlib.text import Text

    w, h = fig.get_size_inches()
    if abs(w - FIG_WIDTH) > 1e-6:
        fig.set_size_inches(FIG_WIDTH, h * FIG_WIDTH / w)
    texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    for t in texts:
        if t.get_fontsize() < MIN_FONT_PT:
            t.set_fontsize(MIN_FONT_PT)
    if fig.get_layout_engine() is None and not fig.legends:
        fig.tight_layout()
    w, h = fig.get_size_inches()
    return {
        "width_in": float(w),
        "height_in": float(h),
        "min_font_pt": float(min((t.get_fontsize() for t in texts), default=FONT_PT)),
    }
