"""Sigmoid versus ReLU, each with its derivative: exact functions, no training involved."""

from __future__ import annotations

import numpy as np

from netcore import activations
from netcore.figures.registry import FigureSpec, register


def draw_activations(ctx):
    theme = ctx.theme
    p = ctx.palette
    plt = theme.use(p)
    z = np.linspace(-6, 6, 601)
    # 460 px tall, not the layout's 520: the slide has a line of text under the figure.
    fig, axes = plt.subplots(1, 2, figsize=(theme.WIDE[0], 4.6), layout="constrained", sharex=True)
    # Short labels, so each legend fits left of z = 0, where the curves are low; the formulas are on the slide.
    panels = [
        (axes[0], "sigmoid", activations.sigmoid, activations.sigmoid_prime, "function", "slope"),
        (axes[1], "ReLU", activations.relu, activations.relu_prime, "function", "slope"),
    ]
    for ax, title, f, df, f_label, df_label in panels:
        ax.plot(z, f(z), color=p.blue, label=f_label)
        slope = np.where(z == 0, np.nan, df(z))  # break the line where ReLU' jumps
        ax.plot(z, slope, "--", color=p.warm, label=df_label)
        ax.axhline(0, color=p.ink, linewidth=1)
        ax.axvline(0, color=p.ink, linewidth=1)
        ax.set_title(title)
        ax.set_xlabel("weighted input $z$")
        ax.legend(loc="upper left", frameon=False, fontsize=theme.SMALL, handlelength=1.2, borderaxespad=0.2)
    axes[0].set_ylim(-0.1, 1.25)
    axes[1].set_ylim(-0.3, 6.3)
    return fig


register(
    FigureSpec(
        name="activations",
        format="svg",
        alt=(
            "Two panels. Left: the S-shaped sigmoid rising from 0 to 1 and its derivative, a bump peaking at "
            "0.25 at z = 0 and vanishing for large |z|. Right: ReLU, zero for negative z and equal to z for "
            "positive z, and its derivative, a step from 0 to 1 at z = 0."
        ),
        caption="Sigmoid and ReLU (solid) with their derivatives (dashed).",
        draw=draw_activations,
    )
)
