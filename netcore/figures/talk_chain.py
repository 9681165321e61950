"""The dependency chain of the last two layers of a one-neuron-per-layer network (a diagram)."""

from __future__ import annotations

from netcore.figures.registry import FigureSpec, register

# (label, x, y, highlighted): the last layer, which the slides differentiate, is highlighted.
NODES = {
    "a2": (r"$a^{(L-2)}$", 0.0, 0.0, False),
    "w1": (r"$w^{(L-1)}$", 1.6, 1.5, False),
    "b1": (r"$b^{(L-1)}$", 1.6, -1.5, False),
    "z1": (r"$z^{(L-1)}$", 2.6, 0.0, False),
    "a1": (r"$a^{(L-1)}$", 4.6, 0.0, True),
    "w": (r"$w^{(L)}$", 5.8, 1.5, True),
    "b": (r"$b^{(L)}$", 5.8, -1.5, True),
    "z": (r"$z^{(L)}$", 6.9, 0.0, True),
    "a": (r"$a^{(L)}$", 8.7, 0.0, True),
    "y": (r"$y$", 10.0, -1.5, True),
    "c": (r"$C_x$", 10.6, 0.0, True),
}
EDGES = [("a2", "z1"), ("w1", "z1"), ("b1", "z1"), ("z1", "a1"), ("a1", "z"), ("w", "z"), ("b", "z"), ("z", "a"), ("a", "c"), ("y", "c")]
EDGE_LABELS = {("z1", "a1"): r"$\sigma$", ("z", "a"): r"$\sigma$", ("a", "c"): r"$(a-y)^2$"}


def draw_chain(ctx):
    theme = ctx.theme
    p = ctx.palette
    plt = theme.use(p)
    fig, ax = plt.subplots(figsize=theme.FULL, layout="constrained")
    ax.axis("off")
    ax.grid(False)
    boxes = {}
    for key, (label, x, y, hot) in NODES.items():
        colour = p.warm if hot else p.faint
        boxes[key] = ax.text(x, y, label, ha="center", va="center", fontsize=theme.TITLE_SIZE + 4, zorder=3,
                             color=p.ink if hot else p.muted,
                             bbox={"boxstyle": "round,pad=0.45", "facecolor": p.panel, "edgecolor": colour, "linewidth": 2.5})
    for start, end in EDGES:
        hot = NODES[start][3] and NODES[end][3]
        ax.annotate("", xy=NODES[end][1:3], xytext=NODES[start][1:3], zorder=2,
                    arrowprops={"arrowstyle": "-|>,head_width=0.4,head_length=0.8", "lw": 2.5,
                                "color": p.blue if hot else p.faint,
                                "patchA": boxes[start], "patchB": boxes[end], "shrinkA": 4, "shrinkB": 4})
        if (start, end) in EDGE_LABELS:
            mx = (NODES[start][1] + NODES[end][1]) / 2
            ax.text(mx, 0.35, EDGE_LABELS[(start, end)], ha="center", va="bottom", fontsize=theme.MATH_SIZE)
    ax.text(1.3, 2.6, "earlier layers", ha="center", fontsize=theme.FONT_SIZE, color=p.muted)
    ax.text(7.6, 2.6, "last layer and cost", ha="center", fontsize=theme.FONT_SIZE, color=p.warm)
    ax.text(6.0, -2.75, r"$z^{(L)} = w^{(L)} a^{(L-1)} + b^{(L)}$", ha="center", fontsize=theme.MATH_SIZE)
    ax.set_xlim(-0.8, 11.4)
    ax.set_ylim(-3.3, 3.2)
    return fig


register(
    FigureSpec(
        name="talk-dependency-chain",
        format="svg",
        alt=(
            "Dependency diagram of a network with one neuron per layer. The weight w(L), the previous "
            "activation a(L-1) and the bias b(L) point into z(L); z(L) points through sigma into a(L); a(L) and "
            "the target y point into the cost Cx of one example x. Further left, in grey, w(L-1), b(L-1) and a(L-2) point into "
            "z(L-1), which points through sigma into a(L-1)."
        ),
        caption="What depends on what, from a parameter to the cost.",
        draw=draw_chain,
    )
)
