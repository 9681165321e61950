"""Overfitting in our own run: training against validation cost after every epoch.

Both curves come from the history netcore.training records (validation is the
held-out split, never trained on); the test set stays out of this picture
because it is only looked at once, at the end.
"""

from __future__ import annotations

from netcore.facts_talk import best_validation_epoch  # the same epoch the slides quote
from netcore.figures.registry import FigureSpec, register


def draw_overfitting(ctx):
    theme = ctx.theme
    p = ctx.palette
    plt = theme.use(p)
    from matplotlib.ticker import MaxNLocator

    history = [h for h in ctx.history if h["epoch"] > 0]  # epoch 0 (random weights) would squash the curves
    epochs = [h["epoch"] for h in history]
    fig, ax = plt.subplots(figsize=theme.WIDE, layout="constrained")
    ax.plot(epochs, [h["train_cost"] for h in history], "-o", color=p.blue, markersize=6,
            label="training images (the ones it learns from)")
    if history and history[-1]["validation_cost"] is not None:
        ax.plot(epochs, [h["validation_cost"] for h in history], "--s", color=p.green, markersize=6,
                label="validation images (held out)")
        best = best_validation_epoch(ctx.history)
        ax.axvline(best, color=p.muted, linestyle=":", linewidth=2)
        ax.text(best - 0.4, 0.55, f"lowest validation\ncost: epoch {best}", transform=ax.get_xaxis_transform(),
                ha="right", va="center", color=p.muted)
        last = history[-1]
        ax.annotate("", xy=(last["epoch"] + 0.4, last["train_cost"]), xytext=(last["epoch"] + 0.4, last["validation_cost"]),
                    arrowprops={"arrowstyle": "<->", "color": p.ink, "lw": 2})
        ax.text(last["epoch"] - 0.2, (last["train_cost"] + last["validation_cost"]) / 2, "gap", ha="right", va="center")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("epoch")
    ax.set_ylabel(f"average {ctx.config.cost.replace('_', '-')} cost")
    ax.legend(loc="upper left", bbox_to_anchor=(0.1, 1.0), frameon=False)  # clear of the best-epoch line on the right
    return fig


register(
    FigureSpec(
        name="talk-overfitting",
        format="svg",
        alt=(
            "Line chart of the trained network's average cost after each epoch, on the training images it "
            "learns from (solid) and on the held-out validation images (dashed). Both fall steeply over the "
            "first epochs. Afterwards the training cost keeps creeping down while the validation cost levels "
            "off, so a gap opens between them, marked by a double arrow at the last epoch; a dotted vertical "
            "line marks the epoch with the lowest validation cost."
        ),
        caption="Our run: cost on digits it trains on, and on digits it never sees",
        draw=draw_overfitting,
    ),
)
