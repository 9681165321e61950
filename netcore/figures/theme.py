"""The look of every figure, per deck theme: big lettering, colour-blind-safe colours.

Figures are drawn at the size they are shown at on the 1280x720 slide (inches
at `DPI` = pixels / 100), so a point in a figure is a fixed number of screen
pixels: no text is smaller than `SMALL` (18 pt = 25 px at 1280x720, over the
legibility check's 24 px). Use `SMALL` for the least important lettering, never
a size computed below it.

Colours come from a `Palette`, one per deck theme (`projector`: ink on paper for
bright rooms; `hall`: light ink on the dark slide colour for dim halls), so a
figure sits on its slide's own background. A figure takes its colours from
``ctx.palette`` (only the demo stills name their own, for the live demos' dark
panel and its colour surface): every text colour in a palette is at least 4.5:1
on its paper (WCAG AA; tests/test_themes.py checks), every line colour 3:1.

Weights have one colour map wherever they appear: negative blue, zero the
surface they are drawn on, positive orange (`Palette.weights`). The live
replay demo draws on the dark demo panel in either theme, so its map is the
hall palette's (`WEIGHT_STOPS["hall"]`, the demo panel's --demo-neg and
--demo-pos), and the theme CSS files carry the same stops as --weight-neg,
--weight-zero and --weight-pos.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
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
# negative, zero, positive: zero is the paper the weights are drawn on
WEIGHT_STOPS = {
    "projector": ("#0b4f8a", "#fbfbf8", "#b84300"),
    "hall": ("#4ea8ff", "#15181d", "#ff9f1c"),
}


@dataclass(frozen=True)
class Palette:
    """One theme's colours for figures. Text colours (ink, muted, blue, warm, green, diagonal_ink)
    reach 4.5:1 on paper; faint is for lines and marks that carry no text."""

    name: str
    paper: str  # figure background: the slide's own colour
    ink: str  # text, axes, outlines
    muted: str  # secondary text
    faint: str  # grid, inactive lines and outlines (no text)
    panel: str  # fill behind a label that sits on lines (boxes, legends)
    blue: str  # the accent: the main curve, the training split
    warm: str  # the thing to look at (vermillion); the test split
    green: str  # the validation split, a minimum
    orange: str  # highlighted connections
    light_blue: str  # a second blue: the other bars, the mini-batch path
    purple: str
    diagonal: str  # the confusion matrix's correct answers (neutral, not a count colour) ...
    diagonal_ink: str  # ... and their numbers
    weight_stops: tuple[str, str, str]  # negative, zero, positive
    counts: tuple[str, str]  # the colour of 0 and of the largest count (confusion matrix's mistakes)

    @property
    def cycle(self) -> list[str]:
        return [self.blue, self.warm, self.green, self.orange, self.purple, self.light_blue, self.ink]

    @property
    def weights(self) -> Any:
        """The one colour map for weights: negative blue, zero on paper, positive orange."""
        from matplotlib.colors import LinearSegmentedColormap

        return LinearSegmentedColormap.from_list(f"weights-{self.name}", list(self.weight_stops), N=256)

    @property
    def greys(self) -> Any:
        """Digit images: a pixel's ink drawn in the theme's ink on its paper (0 is paper)."""
        from matplotlib.colors import LinearSegmentedColormap

        return LinearSegmentedColormap.from_list(f"greys-{self.name}", [self.paper, self.ink], N=256)

    @property
    def count_map(self) -> Any:
        from matplotlib.colors import LinearSegmentedColormap

        return LinearSegmentedColormap.from_list(f"counts-{self.name}", list(self.counts), N=256)


PROJECTOR = Palette(
    # Okabe-Ito's hues, darkened where the light ones fade on paper (orange, sky blue and purple are
    # 2.2-3:1 on it; every line colour here is 3:1 or more, every text colour 4.5:1)
    name="projector", paper="#fbfbf8", ink="#111418", muted="#4a5058", faint="#8c9096", panel="#fbfbf8",
    blue=OKABE_ITO["blue"], warm="#b84f00", green="#007a5a", orange="#c47f00",
    light_blue="#2f8fd0", purple="#b8608f",
    diagonal="#d9e8f5", diagonal_ink="#1f4e79", weight_stops=WEIGHT_STOPS["projector"], counts=("#fbfbf8", "#c04a00"),
)
HALL = Palette(
    name="hall", paper="#15181d", ink="#eceff3", muted="#aab2bd", faint="#6b7380", panel="#15181d",
    blue="#56b4e9", warm="#ff8c42", green="#3fc1a0", orange=OKABE_ITO["orange"],
    light_blue="#a6dcf7", purple="#e08fc0",
    diagonal="#23384d", diagonal_ink="#cfe6ff", weight_stops=WEIGHT_STOPS["hall"], counts=("#15181d", "#ff9f1c"),
)
PALETTES = {p.name: p for p in (PROJECTOR, HALL)}


def palette(theme: str) -> Palette:
    """The palette of a deck theme; a theme netcore does not know (a talk's own CSS) is drawn as projector."""
    return PALETTES.get(theme, PROJECTOR)


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
    "path.simplify": False,
}


def use(p: Palette) -> Any:
    """Select the Agg backend, apply the lettering and ``p``'s colours, and return pyplot (call inside draw)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from cycler import cycler

    plt.rcdefaults()
    plt.rcParams.update(RC)
    plt.rcParams.update({
        "figure.facecolor": p.paper, "savefig.facecolor": p.paper, "axes.facecolor": p.paper,
        "text.color": p.ink, "axes.labelcolor": p.ink, "axes.edgecolor": p.ink, "axes.titlecolor": p.ink,
        "xtick.color": p.ink, "ytick.color": p.ink, "grid.color": p.faint, "patch.edgecolor": p.ink,
        "legend.facecolor": p.panel, "legend.edgecolor": p.faint, "legend.labelcolor": p.ink,
        "lines.markeredgecolor": p.ink, "hatch.color": p.ink,
    })
    plt.rcParams["axes.prop_cycle"] = cycler(color=p.cycle)
    return plt


def frame_image(ax: Any, p: Palette | None = None) -> None:
    """Style axes that show an image: no ticks or grid, a thin frame all round (in ``p``'s faint line colour)."""
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(True)
        if p is not None:
            spine.set_color(p.faint)


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
