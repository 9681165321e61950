"""Backpropagation as a picture: the nudges one output neuron asks of the layer before it.

Real numbers, not a cartoon: the network at its random start (snapshot 0, when the
wishes are large) reads the first test image of TARGET. For a softmax output with
cross-entropy, dC/dz of output j is delta_j = a_j - y_j, so
- the weight from hidden neuron k into the target output should change by
  -eta delta a_k: in proportion to that neuron's activation;
- the target output wishes hidden neuron k's activation to change by -delta w_k:
  in proportion to the weight;
- the ten outputs' wishes add up to -(W^T delta)_k, the backward step of the recursion.
"""

from __future__ import annotations

import numpy as np

from netcore.data import as_inputs
from netcore.figures.registry import FigureSpec, register

TARGET = 2  # the digit of the notes' example ("say a two")
HEADROOM = 8.5  # rows above the top neuron: room for the bars' three-line legend


def target_example(labels: np.ndarray) -> int:
    """Index of the first test image of TARGET: a fixed choice, not a picked one."""
    return int(np.flatnonzero(labels == TARGET)[0])


def nudges(net, image: np.ndarray) -> dict[str, np.ndarray]:
    """Activations and wishes of the last two layers for one image whose label is TARGET."""
    _, acts = net.forward(as_inputs(image[None]))
    hidden, output = acts[-2][0], acts[-1][0]
    wanted = np.eye(len(output))[TARGET]
    delta = output - wanted  # softmax + cross-entropy: dC/dz at the output
    weights = net.weights[-1]
    return {
        "hidden": hidden,
        "output": output,
        "delta": delta,
        "weight_nudge": -delta[TARGET] * hidden,  # direction of change of w_{TARGET,k}
        "one_wish": -delta[TARGET] * weights[TARGET],  # what output TARGET asks of a_k
        "all_wishes": -(weights.T @ delta),  # summed over every output
    }


def draw_nudges(ctx):
    theme = ctx.theme
    p = ctx.palette
    plt = theme.use(p)
    net = ctx.snapshots[0]
    n = nudges(net, ctx.test_images[target_example(ctx.test_labels)])
    hidden = n["hidden"]
    rows = np.arange(len(hidden))[::-1].astype(float)  # neuron 0 at the top
    orange, blue, red = p.orange, p.blue, p.warm
    fig, (diagram, bars) = plt.subplots(1, 2, figsize=theme.FULL, layout="constrained", width_ratios=[1, 1.25])

    diagram.axis("off")
    out_y = rows.mean()
    brightest = float(hidden.max()) or 1.0
    for row, a in zip(rows, hidden):
        if a > 0:
            diagram.plot([0, 3], [row, out_y], color=orange, linewidth=1 + 9 * a / brightest, solid_capstyle="round", zorder=1)
        else:
            diagram.plot([0, 3], [row, out_y], color=p.faint, linewidth=1, linestyle=":", zorder=1)
        shade = p.greys(0.85 * a / brightest)  # paper for a silent neuron, towards ink for the brightest
        diagram.scatter([0], [row], s=260, c=[shade], edgecolors=p.ink, linewidths=1.5, zorder=2)
    diagram.scatter([3], [out_y], s=2600, c=p.panel, edgecolors=red, linewidths=3, zorder=2)
    diagram.text(3, out_y, str(TARGET), ha="center", va="center", fontsize=theme.TITLE_SIZE + 4, zorder=3)
    diagram.annotate("", xy=(3.75, out_y + 3), xytext=(3.75, out_y + 0.4),
                     arrowprops={"arrowstyle": "-|>,head_width=0.5,head_length=0.8", "color": red, "lw": 4})
    diagram.text(3, out_y - 2.6, f"now {n['output'][TARGET]:.2f}\nwanted 1", ha="center", va="top", color=p.muted)
    diagram.text(-0.5, rows.max() + 1.3, f"last hidden layer ({len(hidden)})", ha="left", va="bottom")
    diagram.text(1.5, rows.min() - 1.0, "line width: how much\nthe weight should grow", ha="center", va="top", color=p.muted)
    diagram.set_xlim(-0.6, 4.3)
    diagram.set_ylim(rows.min() - 3.6, rows.max() + HEADROOM)
    # the bars' rows must line up with the neurons: same data range per inch on both sides

    height = 0.38
    bars.barh(rows + height / 2, n["one_wish"], height, color=blue, label=f"asked by output {TARGET}\n(in proportion to its weight)")
    bars.barh(rows - height / 2, n["all_wishes"], height, color=red, label="summed over all ten outputs")
    bars.axvline(0, color=p.ink, linewidth=1.5)
    bars.set_yticks([])
    bars.grid(axis="y", visible=False)
    bars.spines["left"].set_visible(False)
    bars.set_ylim(rows.min() - 3.6, rows.max() + HEADROOM)
    bars.set_xlabel("wished change of each activation")
    bars.legend(loc="upper center", ncol=1, fontsize=theme.SMALL,
                frameon=True, facecolor=p.panel, edgecolor="none", framealpha=1.0)  # hides the zero line behind it
    return fig


register(
    FigureSpec(
        name="talk-backprop-nudges",
        format="svg",
        alt=(
            "Left: the sixteen neurons of the last hidden layer of the untrained network, shaded by their "
            "activation for a test image of a two, each joined to the output neuron for two, which is barely "
            "lit and has an arrow saying it should rise. The lines are drawn thicker the brighter the hidden "
            "neuron, because that is how much each weight should grow; lines from silent neurons are thin and "
            "dotted. Right: one pair of bars per hidden neuron, on the same rows: the change of activation the "
            "output for two asks for, proportional to its weight and positive or negative with it, and the "
            "total once the wishes of all ten outputs are added up. The totals differ from the single output's "
            "wishes but mostly keep their sign, because at the random start the output for two is the one "
            "furthest from its target."
        ),
        caption="What one output asks of the layer before, and what all ten ask together",
        draw=draw_nudges,
    ),
)
