"""Talk figures about the network's shape: the layer diagram and one digit as input activations."""

from __future__ import annotations

import numpy as np

from netcore import data
from netcore.figures.registry import FigureSpec, register

SHOWN_PER_LAYER = 16  # a 784-neuron column cannot be drawn; a sample of it can
DIGIT_INDEX = 0  # the first test image: the same digit on every build
ZOOM = 7  # side of the zoomed patch whose values are printed


def _layer_positions(size: int) -> tuple[np.ndarray, bool]:
    """Vertical positions of the drawn neurons (centred) and whether some are left out."""
    shown = min(size, SHOWN_PER_LAYER)
    return np.linspace((shown - 1) / 2, -(shown - 1) / 2, shown), shown < size  # first neuron on top


def _shades(values: np.ndarray, shown: int) -> np.ndarray:
    """Activations scaled to [0, 1] per layer (ReLU is unbounded); big layers sampled evenly."""
    top = float(values.max())
    scaled = values / top if top > 0 else values
    if len(values) > shown:
        return scaled[np.linspace(0, len(values) - 1, shown).round().astype(int)]
    return scaled


def draw_layers(ctx):
    """Every layer as a column of neurons, shaded by the real activations for one test digit."""
    theme = ctx.theme
    p = ctx.palette
    plt = theme.use(p)
    layers = list(ctx.config.layers)
    image = ctx.test_images[DIGIT_INDEX]
    _, acts = ctx.network.forward(data.as_inputs(image[None]))
    fig, ax = plt.subplots(figsize=theme.WIDE, layout="constrained")
    ax.axis("off")
    ax.grid(False)
    xs = np.arange(len(layers)) * 3.0 + 3.0
    positions = [_layer_positions(size) for size in layers]
    for l in range(len(layers) - 1):
        for y0 in positions[l][0]:
            for y1 in positions[l + 1][0]:
                ax.plot([xs[l], xs[l + 1]], [y0, y1], color=p.faint, linewidth=0.4, alpha=0.5, zorder=1)
    cmap = p.greys
    for l, size in enumerate(layers):
        ys, cut = positions[l]
        shades = _shades(acts[l][0], len(ys))
        ax.scatter(np.full(len(ys), xs[l]), ys, s=260, c=cmap(0.08 + 0.92 * shades), edgecolors=p.ink, linewidths=1.2, zorder=3)
        if cut:
            ax.text(xs[l], 0, "⋮", ha="center", va="center", fontsize=theme.TITLE_SIZE, zorder=4,
                    bbox={"boxstyle": "round", "facecolor": p.panel, "edgecolor": "none"})
        role = "input" if l == 0 else ("output" if l == len(layers) - 1 else f"hidden {l}")
        ax.text(xs[l], -SHOWN_PER_LAYER / 2 - 0.9, f"{role}\n{size:,} neurons", ha="center", va="top", fontsize=theme.FONT_SIZE)
    out_ys = positions[-1][0]
    for digit, y in enumerate(out_ys):
        ax.text(xs[-1] + 0.45, y, str(digit), ha="left", va="center", fontsize=theme.SMALL)
    inset = ax.inset_axes([-0.2, -3.0, 2.2, 6.0], transform=ax.transData)
    inset.imshow(image, cmap=p.greys, interpolation="nearest")
    theme.frame_image(inset)
    inset.set_title("input digit", fontsize=theme.SMALL)
    ax.set_xlim(-0.5, xs[-1] + 1.2)
    ax.set_ylim(-SHOWN_PER_LAYER / 2 - 3.2, SHOWN_PER_LAYER / 2 + 0.5)
    return fig


def _zoom_corner(image: np.ndarray) -> tuple[int, int]:
    """Top-left corner of the ZOOM x ZOOM patch with the most varied ink (it crosses a stroke)."""
    best, corner = -1.0, (0, 0)
    side = image.shape[0]
    for r in range(side - ZOOM + 1):
        for c in range(side - ZOOM + 1):
            spread = float(image[r : r + ZOOM, c : c + ZOOM].std())
            if spread > best:
                best, corner = spread, (r, c)
    return corner


def draw_digit_grid(ctx):
    """The whole digit as a 28x28 grid, and a zoomed patch with each activation printed."""
    theme = ctx.theme
    p = ctx.palette
    plt = theme.use(p)
    from matplotlib.patches import Rectangle

    image = ctx.test_images[DIGIT_INDEX]
    values = data.as_inputs(image[None])[0].reshape(image.shape)
    side = image.shape[0]
    fig, (left, right) = plt.subplots(1, 2, figsize=theme.FULL, layout="constrained")
    for ax in (left, right):
        ax.grid(False)
    left.imshow(values, cmap=p.greys, vmin=0, vmax=1, interpolation="nearest")
    left.set_xticks(np.arange(-0.5, side, 1), minor=True)
    left.set_yticks(np.arange(-0.5, side, 1), minor=True)
    left.grid(which="minor", color=p.faint, linewidth=0.4, alpha=1)
    left.tick_params(which="both", length=0)
    left.set_xticks([0, side - 1])
    left.set_yticks([0, side - 1])
    left.set_title(f"{side} × {side} = {side * side} activations")
    r, c = _zoom_corner(values)
    left.add_patch(Rectangle((c - 0.5, r - 0.5), ZOOM, ZOOM, fill=False, edgecolor=p.warm, linewidth=3))
    patch = values[r : r + ZOOM, c : c + ZOOM]
    right.imshow(patch, cmap=p.greys, vmin=0, vmax=1, interpolation="nearest")
    for i in range(ZOOM):
        for j in range(ZOOM):
            v = patch[i, j]
            right.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=theme.SMALL,
                       color=theme.ink_on(p.greys(v)))
    theme.frame_image(right)
    for spine in right.spines.values():
        spine.set_color(p.warm)
        spine.set_linewidth(3)
    right.set_title("zoomed: 0 = blank, 1 = full ink")
    return fig


register(
    FigureSpec(
        name="talk-network-layers",
        format="svg",
        alt=(
            "Diagram of the trained network, left to right: a handwritten test digit, the input layer (a sample "
            "of its pixel neurons, the rest marked by dots), each hidden layer and the ten output neurons "
            "labelled 0 to 9, with thin lines joining every pair of neurons in neighbouring layers. Each "
            "neuron is shaded by its real activation for that digit: the more active, the more strongly inked "
            "(darker on a light slide, brighter on a dark one)."
        ),
        caption="Our network, shaded by its activations for one test digit.",
        draw=draw_layers,
    ),
    FigureSpec(
        name="talk-digit-grid",
        format="png",
        alt=(
            "Left: a handwritten test digit drawn as a 28 by 28 grid of grey cells, one per pixel, with a "
            "small square outlined. Right: that 7 by 7 square enlarged, every cell printed with its "
            "activation, from 0.00 for blank paper to 1.00 for full ink."
        ),
        caption="One test digit as 784 input activations.",
        draw=draw_digit_grid,
    ),
)
