"""The one visual theme of every figure: big lettering, colour-blind-safe colours.

Figures are drawn at the size they are shown at on the 1280x720 slide (inches
at `DPI` = pixels / 100), so a point in a figure is a fixed number of screen
pixels: no text is smaller than `SMALL` (18 pt = 25 px at 1280x720, over the
legibility check's 24 px). Use `SMALL` for the least important lettering, never
a size computed below it.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np

# Okabe & Ito's palette, distinguishable with every common colour-vision deficiency.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}
TRAIN_COLOUR = OKABE_ITO["blue"]
VALIDATION_COLOUR = OKABE_ITO["green"]
TEST_COLOUR = OKABE_ITO["vermillion"]
CYCLE = [OKABE_ITO[k] for k in ("blue", "vermillion", "green", "orange", "purple", "sky_blue", "black")]
DIVERGING_CMAP = "RdBu_r"  # negative weights blue, positive red, white at zero
GREY_CMAP = "gray_r"  # ink on paper for digit images

DPI = 100
# The figure layout shows a figure at most 1232 px wide and 520 px tall (templates/theme/projector.css).
WIDE = (9.24, 5.2)  # inches: a 16:9 figure as the figure layout shows it, 924x520 px
FULL = (12.32, 5.2)  # the figure layout's whole width, 1232x520 px
SMALL = 18  # points: 25 px, the smallest text any figure draws
FONT_SIZE = 19  # 26 px: labels and annotations
TITLE_SIZE = 21  # 29 px
MATH_SIZE = 25  # 35 px: mathtext with indices, whose sub- and superscripts are drawn at 0.7 (24 px)
LINE_WIDTH = 3.0

RC = {
    "font.size": FONT_SIZE,
    "axes.titlesize": TITLE_SIZE,
    "axes.labelsize": FONT_SIZE,
    "xtick.labelsize": SMALL,
    "ytick.labelsize": SMALL,
    "legend.fontsize": SMALL,
    "lines.linewidth": LINE_WIDTH,
    "axes.linewidth": 1.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "font.family": "DejaVu Sans",  # ships with matplotlib: same glyphs on every machine
    "svg.fonttype": "path",  # text as paths: no font needed where the deck is shown
    "svg.hashsalt": "netcore",  # fixed ids -> byte-identical SVGs
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "path.simplify": False,
}


def use() -> Any:
    """Select the Agg backend, apply the theme and return pyplot (call inside draw)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from cycler import cycler

    plt.rcdefaults()
    plt.rcParams.update(RC)
    plt.rcParams["axes.prop_cycle"] = cycler(color=CYCLE)
    return plt


def frame_image(ax: Any) -> None:
    """Style axes that show an image: no ticks or grid, a thin frame all round."""
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(True)


def symmetric_limits(values: np.ndarray, percentile: float = 100.0) -> tuple[float, float]:
    """(-m, m) with m = the given percentile of |value| (default: the maximum), so zero
    sits at the centre of a diverging map. A percentile below 100 keeps a few extreme
    values from washing out everything else (those are drawn at full colour)."""
    m = float(np.percentile(np.abs(values), percentile)) or 1.0
    return -m, m


def save(fig: Any, fmt: str) -> bytes:
    """Render to bytes with no timestamps or version stamps, so rebuilds are identical."""
    return render(fig, fmt)[0]


def render(fig: Any, fmt: str) -> tuple[bytes, float | None]:
    """The figure's bytes (as ``save``) and the smallest text drawn in them, in pixels, for the legibility check."""
    import matplotlib.pyplot as plt

    from deck.legibility import recording_fonts, smallest

    buffer = io.BytesIO()
    metadata = {"Date": None, "Creator": None} if fmt == "svg" else {"Software": None}
    with recording_fonts(DPI) as sizes:
        fig.savefig(buffer, format=fmt, metadata=metadata, dpi=DPI)
    plt.close(fig)
    return buffer.getvalue(), smallest(sizes)


def pixel_size(fig: Any) -> tuple[int, int]:
    width, height = fig.get_size_inches()
    return int(round(width * DPI)), int(round(height * DPI))


def luminance(colour: Any) -> float:
    """WCAG relative luminance of a matplotlib colour."""
    from matplotlib.colors import to_rgb

    def linear(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(v) for v in to_rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: Any, b: Any) -> float:
    """WCAG contrast ratio of two colours (1 to 21; text needs 4.5)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def ink_on(background: Any) -> str:
    """Black or white, whichever reads better on ``background`` (for numbers printed on cells)."""
    return "black" if contrast("black", background) >= contrast("white", background) else "white"
