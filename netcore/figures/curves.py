"""How training went: cost and accuracy after every epoch, on seen and unseen digits."""

from __future__ import annotations

from netcore.figures.registry import FigureSpec, register


def _series(ctx, key):
    epochs = [h["epoch"] for h in ctx.history]
    return epochs, [h[key] for h in ctx.history]


def _plot(ctx, quantity: str, ylabel: str, scale: float = 1.0):
    theme = ctx.theme
    p = ctx.palette
    plt = theme.use(p)
    from matplotlib.ticker import MaxNLocator

    fig, ax = plt.subplots(figsize=theme.WIDE, layout="constrained")
    lines = [("train", "training images", p.blue, "-")]
    if ctx.history[-1][f"validation_{quantity}"] is not None:
        lines.append(("validation", "validation images", p.green, ":"))
    lines.append(("test", "test images (never trained on)", p.warm, "--"))
    for split, label, colour, style in lines:
        epochs, values = _series(ctx, f"{split}_{quantity}")
        # Epoch 0 (the random start) would squash the curves; it is quoted in the title instead.
        ax.plot(epochs[1:], [v * scale for v in values[1:]], style, color=colour, label=label, marker="o", markersize=5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel)
    ax.legend(frameon=False)
    return fig, ax


def draw_cost(ctx):
    fig, ax = _plot(ctx, "cost", f"average cost ({ctx.config.cost.replace('_', '-')})")
    ax.set_title(f"before training (random weights): cost {ctx.history[0]['test_cost']:.2f} on test images",
                 fontsize=ctx.theme.SMALL, loc="left")
    return fig


def draw_accuracy(ctx):
    fig, ax = _plot(ctx, "accuracy", "digits classified correctly (%)", scale=100.0)
    ax.set_title(f"before training (random weights): {ctx.history[0]['test_accuracy']:.1%} of test images",
                 fontsize=ctx.theme.SMALL, loc="left")
    return fig


register(
    FigureSpec(
        name="cost-curves",
        format="svg",
        alt=(
            "Line chart of the average cost after each epoch of training, for training, validation and "
            "unseen test images. The cost falls quickly over the first few epochs and then flattens; the "
            "training cost ends a little below the test cost."
        ),
        caption="Average cost after each epoch of training.",
        draw=draw_cost,
    ),
    FigureSpec(
        name="accuracy-curves",
        format="svg",
        alt=(
            "Line chart of the percentage of digits classified correctly after each epoch, for training, "
            "validation and test images. Accuracy climbs quickly over the first epochs and then levels off, "
            "with the test curve slightly below the training curve."
        ),
        caption="Accuracy after each epoch: training, validation and unseen test digits.",
        draw=draw_accuracy,
    ),
)
