"""The one visual theme of every figure: big lettering, colour-blind-safe colours.

Sizes assume a 16:9 slide projected in a lecture hall: figures are drawn at
their final size (inches at `DPI`), so 20-point text stays 20-point on screen.
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
WIDE = (12.0, 6.75)  # inches: a 16:9 figure filling most of a slide at 1200x675 px
FONT_SIZE = 20
TITLE_SIZE = 24
LINE_WIDTH = 3.0

RC = {
    "font.size": FONT_SIZE,
    "axes.titlesize": TITLE_SIZE,
    "axes.labelsize": FONT_SIZE,
    "xtick.labelsize": FONT_SIZE - 2,
    "ytick.labelsize": FONT_SIZE - 2,
    "legend.fontsize": FONT_SIZE - 2,
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
