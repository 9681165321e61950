"""What the first hidden layer learned: each neuron's 784 weights as a 28x28 image."""

from __future__ import annotations

import math


from netcore.figures.registry import FigureSpec, register


def _grid(count: int, size: tuple[float, float]) -> tuple[int, int]:
    """Rows and columns that make each tile as large as possible on the figure."""
    width, height = size[0] * 0.85, size[1]
    best = max(range(1, count + 1), key=lambda r: min(width / math.ceil(count / r), height / r))
    return best, math.ceil(count / best)


def draw_first_layer(ctx):
    theme = ctx.theme
    p = ctx.palette
    plt = theme.use(p)
    weights = ctx.network.weights[0]  # (hidden, 784)
    side = int(math.isqrt(weights.shape[1]))
    count = len(weights)
    rows, cols = _grid(count, theme.FULL)
    fig, axes = plt.subplots(rows, cols, figsize=theme.FULL, squeeze=False)
    fig.subplots_adjust(left=0.01, right=0.84, bottom=0.01, top=0.94, wspace=0.08, hspace=0.22)
    low, high = theme.symmetric_limits(weights, percentile=99.5)
    image = None
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < count:
            image = ax.imshow(weights[i].reshape(side, side), cmap=p.weights, vmin=low, vmax=high, interpolation="nearest")
            ax.set_title(f"{i + 1}", fontsize=theme.SMALL, pad=4)
    bar = fig.colorbar(image, cax=fig.add_axes((0.86, 0.08, 0.025, 0.8)), extend="both")
    bar.set_label("weight")
    return fig


register(
    FigureSpec(
        name="first-layer-weights",
        format="png",
        alt=(
            "A grid of small 28 by 28 heat maps, one per neuron of the first hidden layer, showing the "
            "weight it gives each pixel: orange for positive, blue for negative, the background colour for zero. The patterns "
            "are blotchy and mostly noise-like rather than clean strokes."
        ),
        caption="First-layer weights of the trained network, one 28x28 image per hidden neuron.",
        draw=draw_first_layer,
    )
)
