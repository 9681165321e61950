"""A hand-set 'edge detector': a weight pattern that no training produced, to explain weighted sums."""

from __future__ import annotations

import numpy as np

from netcore.figures.registry import FigureSpec, register

SIDE = 28
BAND_ROWS, BAND_COLS = slice(13, 15), slice(9, 19)  # 2 x 10 positive cells
FRAME_ROWS, FRAME_COLS = slice(11, 17), slice(7, 21)  # 6 x 14 box around the band


def edge_weights() -> np.ndarray:
    """+1 on a short horizontal band, a negative frame around it, summing to exactly zero."""
    w = np.zeros((SIDE, SIDE))
    w[FRAME_ROWS, FRAME_COLS] = 1.0
    frame_cells = w.sum() - w[BAND_ROWS, BAND_COLS].sum()
    band_cells = w[BAND_ROWS, BAND_COLS].size
    w[FRAME_ROWS, FRAME_COLS] = -band_cells / frame_cells
    w[BAND_ROWS, BAND_COLS] = 1.0
    return w


def example_inputs() -> list[tuple[str, np.ndarray]]:
    """Three synthetic inputs (ink = 1): a stroke on the band, the same stroke lower, an even blot."""
    on_band = np.zeros((SIDE, SIDE))
    on_band[BAND_ROWS, BAND_COLS] = 1.0
    lower = np.roll(on_band, 3, axis=0)
    blot = np.zeros((SIDE, SIDE))
    blot[10:18, 6:22] = 1.0
    return [("stroke on the band", on_band), ("same stroke, 3 rows lower", lower), ("evenly inked block", blot)]


def draw_edge_detector(ctx):
    theme = ctx.theme
    p = ctx.palette
    plt = theme.use(p)
    weights = edge_weights()
    fig = plt.figure(figsize=theme.FULL, layout="constrained")
    grid = fig.add_gridspec(3, 2, width_ratios=[2.1, 1])
    big = fig.add_subplot(grid[:, 0])
    image = big.imshow(weights, cmap=p.weights, vmin=-1, vmax=1, interpolation="nearest")
    big.set_title("weights (set by hand)")
    theme.frame_image(big)
    bar = fig.colorbar(image, ax=big, shrink=0.8, pad=0.02)
    bar.set_label("weight (blue < 0 < orange)")
    for row, (label, ink) in enumerate(example_inputs()):
        ax = fig.add_subplot(grid[row, 1])
        ax.imshow(ink, cmap=p.greys, vmin=0, vmax=1, interpolation="nearest")
        theme.frame_image(ax)
        z = float((weights * ink).sum())
        ax.set_title(f"{label}\nz = {z + 0.0:.1f}", fontsize=theme.SMALL)
    return fig


register(
    FigureSpec(
        name="talk-edge-detector",
        format="png",
        alt=(
            "Left: a 28 by 28 weight pattern set by hand, with a short horizontal band of positive weights "
            "(orange) inside a frame of negative weights (blue), zero elsewhere. Right: three inputs and their "
            "weighted sums z: a stroke exactly on the band scores 20, the same stroke three rows lower scores "
            "a little below zero, and an evenly inked block covering band and frame scores 0."
        ),
        caption="A weighted sum as a pattern detector (weights set by hand, not learned)",
        draw=draw_edge_detector,
    )
)
