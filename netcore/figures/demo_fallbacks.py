"""Static stand-ins for the live demos, shown when the deck is printed or exported to PDF.

Each image is drawn from the same things the live demo uses: the trained network and
real test digits, the same cost surface, the same default numbers. The descent and
backprop constants mirror templates/demos/descent.js and backprop.js (a browser test
checks the surface agrees); change them together.
"""

from __future__ import annotations

import math

import numpy as np

from netcore.data import as_inputs
from netcore.figures.registry import FigureSpec, register

# --- shared with templates/demos/descent.js -----------------------------------------------
XMIN, XMAX, YMIN, YMAX = -3.0, 3.0, -2.25, 2.25
BOWL_A, BOWL_B = 0.5, 1.6
DIPS = ((1.5, 0.55, 1.3, 0.55), (-1.6, -0.9, 0.9, 0.5))  # x, y, depth, width
N_EXAMPLES, BATCH = 48, 4
DESCENT_SEED, DESCENT_START, DESCENT_LR = 7, (-2.5, 1.8), 0.1

# --- shared with templates/demos/backprop.js and neuron.js ---------------------------------
CHAIN_W, CHAIN_B, CHAIN_X, CHAIN_Y = (0.8, -1.4, 2.1), (0.3, 0.5, -0.7), 0.9, 1.0
NEURON_W, NEURON_X, NEURON_B = (1.5, -2.0, 0.8), (0.9, 0.2, 0.6), -0.5

DARK = "#14161c"
ACCENT = "#E69F00"


def mulberry32(seed: int):
    """The demo's seeded generator, bit for bit, so the printed mini-batch path is the live one."""
    state = seed & 0xFFFFFFFF

    def imul(a: int, b: int) -> int:
        return (a * b) & 0xFFFFFFFF

    def next_value() -> float:
        nonlocal state
        state = (state + 0x6D2B79F5) & 0xFFFFFFFF
        t = state
        t = imul(t ^ (t >> 15), t | 1)
        t ^= (t + imul(t ^ (t >> 7), t | 61)) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296

    return next_value


def descent_examples(seed: int = DESCENT_SEED) -> np.ndarray:
    """Per-example bowl centres (u, v), centred so the full-batch bowl sits at the origin."""
    rnd = mulberry32(seed)
    points = []
    for _ in range(N_EXAMPLES):
        u1, u2 = max(rnd(), 1e-12), rnd()
        radius = math.sqrt(-2 * math.log(u1))
        points.append((0.9 * radius * math.cos(2 * math.pi * u2), 0.6 * radius * math.sin(2 * math.pi * u2)))
    centres = np.array(points)
    return centres - centres.mean(axis=0)


def _dips(x, y):
    value, gx, gy = 0.0, 0.0, 0.0
    for cx, cy, depth, width in DIPS:
        dx, dy, s2 = x - cx, y - cy, width * width
        e = depth * np.exp(-(dx * dx + dy * dy) / (2 * s2))
        value, gx, gy = value - e, gx + e * dx / s2, gy + e * dy / s2
    return value, gx, gy


def descent_cost(x, y, centres: np.ndarray):
    """Mean of the per-example costs 0.5*(A(x-u)^2 + B(y-v)^2) + dips, in closed form."""
    var_u, var_v = (centres ** 2).mean(axis=0)
    return 0.5 * (BOWL_A * (x * x + var_u) + BOWL_B * (y * y + var_v)) + _dips(x, y)[0]


def descent_path(centres: np.ndarray, lr: float, steps: int, mini: bool, seed: int = DESCENT_SEED) -> np.ndarray:
    """Gradient steps from the demo's start, full batch or random mini-batches of BATCH examples."""
    rnd = mulberry32(seed * 7919 + 1)
    x, y = DESCENT_START
    path = [(x, y)]
    for _ in range(steps):
        if mini:
            idx: list[int] = []
            while len(idx) < BATCH:
                k = int(rnd() * N_EXAMPLES)
                if k not in idx:
                    idx.append(k)
            mu, mv = centres[idx].mean(axis=0)
        else:
            mu, mv = centres.mean(axis=0)
        _, gx, gy = _dips(x, y)
        x, y = x - lr * (BOWL_A * (x - mu) + gx), y - lr * (BOWL_B * (y - mv) + gy)
        path.append((x, y))
    return np.array(path)


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def chain_values(w=CHAIN_W, b=CHAIN_B, x=CHAIN_X, y=CHAIN_Y) -> dict[str, list[float]]:
    """Forward and backward pass of the one-neuron-per-layer chain, plus central differences."""

    def cost(ws, bs):
        a = x
        for wl, bl in zip(ws, bs):
            a = _sigmoid(wl * a + bl)
        return (a - y) ** 2

    acts, zs = [x], []
    for wl, bl in zip(w, b):
        zs.append(wl * acts[-1] + bl)
        acts.append(float(_sigmoid(zs[-1])))
    d_a = 2 * (acts[-1] - y)
    dws, dbs = [0.0] * len(w), [0.0] * len(w)
    for layer in reversed(range(len(w))):
        d_z = d_a * acts[layer + 1] * (1 - acts[layer + 1])
        dws[layer], dbs[layer] = d_z * acts[layer], d_z
        d_a = d_z * w[layer]
    h = 1e-5
    fd_w, fd_b = [], []
    for layer in range(len(w)):
        up, down = list(w), list(w)
        up[layer] += h
        down[layer] -= h
        fd_w.append((cost(up, b) - cost(down, b)) / (2 * h))
        up, down = list(b), list(b)
        up[layer] += h
        down[layer] -= h
        fd_b.append((cost(w, up) - cost(w, down)) / (2 * h))
    return {"z": zs, "a": acts, "C": [float(cost(w, b))], "dw": dws, "db": dbs, "fd_w": fd_w, "fd_b": fd_b}


# --- drawing -------------------------------------------------------------------------------


def _dark_axes(ax):
    ax.set_facecolor(DARK)
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_xticks([])
    ax.set_yticks([])


def draw_draw_digit(ctx):
    """A real test digit, the network's layers as grey-level neurons, and its ten outputs."""
    theme = ctx.theme
    p = ctx.palette
    plt = theme.use(p)
    net = ctx.network
    images, labels = ctx.test_images, ctx.test_labels
    index = 0
    _, acts = net.forward(as_inputs(images[index : index + 1]))
    acts = [a[0] for a in acts]
    guess = int(np.argmax(acts[-1]))

    fig = plt.figure(figsize=theme.WIDE)
    grid = fig.add_gridspec(1, 3, width_ratios=[1.1, 1.9, 1.2], left=0.02, right=0.96, top=0.88, bottom=0.16, wspace=0.15)
    ax_img = fig.add_subplot(grid[0])
    ax_img.imshow(images[index], cmap="gray", vmin=0, vmax=255, interpolation="nearest")
    _dark_axes(ax_img)
    ax_img.set_title(f"test digit #{index}\nlabel {int(labels[index])}", fontsize=theme.FONT_SIZE)

    ax_net = fig.add_subplot(grid[1])
    _dark_axes(ax_net)
    layers = acts[1:]
    xs = np.linspace(0.1, 0.9, len(layers))
    positions = []
    for x, a in zip(xs, layers):
        ys = np.linspace(0.95, 0.05, len(a)) if len(a) > 1 else np.array([0.5])
        positions.append(ys)
        # brightness relative to the layer's largest activation above 1, as the live demo (ReLU is unbounded)
        ax_net.scatter([x] * len(a), ys, s=min(260, 9000 / len(a)), c=a, cmap="gray", vmin=0, vmax=max(1.0, float(np.max(a))),
                       edgecolors="#888888", linewidths=1, zorder=3)
    # strongest contributions into the winning output
    last_w = net.weights[-1][guess] * layers[-2] if len(layers) > 1 else None
    if last_w is not None:
        top = np.argsort(-np.abs(last_w))[:6]
        peak = np.abs(last_w[top]).max() or 1.0
        for k in top:
            colour = ACCENT if last_w[k] > 0 else p.light_blue
            ax_net.plot([xs[-2], xs[-1]], [positions[-2][k], positions[-1][guess]], color=colour,
                        linewidth=1 + 4 * abs(last_w[k]) / peak, zorder=2)
    for d, y in enumerate(positions[-1]):
        ax_net.text(xs[-1] + 0.05, y, str(d), color="white", va="center", fontsize=theme.SMALL)
    ax_net.set_xlim(0, 1.05)
    ax_net.set_ylim(0, 1)
    ax_net.set_title("brightness = activation", fontsize=theme.FONT_SIZE)

    ax_bar = fig.add_subplot(grid[2])
    out = acts[-1]
    colours = [ACCENT if d == guess else p.blue for d in range(len(out))]
    ax_bar.barh(range(len(out)), out, color=colours)
    ax_bar.set_yticks(range(len(out)))
    ax_bar.set_yticklabels([str(d) for d in range(len(out))])
    ax_bar.invert_yaxis()
    ax_bar.set_xlim(0, 1)
    ax_bar.set_xlabel("output activation")
    ax_bar.set_title(f"network says {guess}", fontsize=theme.FONT_SIZE)
    fig.suptitle("Draw a digit: the trained network reads a test digit", fontsize=theme.TITLE_SIZE)
    return fig


def draw_neuron(ctx):
    """The one-neuron demo at its starting values: sigmoid and ReLU with the weighted sum marked."""
    theme = ctx.theme
    p = ctx.palette
    plt = theme.use(p)
    z = float(np.dot(NEURON_W, NEURON_X) + NEURON_B)
    fig, axes = plt.subplots(1, 2, figsize=theme.WIDE, layout="constrained")
    grid_z = np.linspace(-8, 8, 400)
    for ax, name, f in ((axes[0], "sigmoid", _sigmoid), (axes[1], "ReLU", lambda v: np.maximum(0.0, v))):
        ax.plot(grid_z, f(grid_z), color=p.blue)
        a = float(f(np.array(z)))
        ax.plot([z], [a], "o", color=p.warm, markersize=14)
        ax.axvline(z, color=p.warm, linestyle=":", linewidth=2)
        ax.set_title(f"{name}(z):  z = {z:.2f} → {a:.3f}")
        ax.set_xlabel("weighted sum z")
    terms = " + ".join(f"{w:g}·{x:g}" for w, x in zip(NEURON_W, NEURON_X))
    fig.suptitle(f"One neuron (live demo): z = {terms} + ({NEURON_B:g})", fontsize=theme.TITLE_SIZE)
    return fig


def draw_descent(ctx):
    """The demo's cost surface with a full-batch and a mini-batch descent path."""
    theme = ctx.theme
    p = ctx.palette
    plt = theme.use(p)
    centres = descent_examples()
    xs = np.linspace(XMIN, XMAX, 300)
    ys = np.linspace(YMIN, YMAX, 225)
    gx, gy = np.meshgrid(xs, ys)
    cost = descent_cost(gx, gy, centres)
    fig, ax = plt.subplots(figsize=theme.WIDE, layout="constrained")
    ax.contourf(gx, gy, np.sqrt(cost - cost.min()), levels=14, cmap="plasma")
    ax.contour(gx, gy, np.sqrt(cost - cost.min()), levels=14, colors="black", linewidths=0.8, alpha=0.5)
    full = descent_path(centres, DESCENT_LR, 60, mini=False)
    mini = descent_path(centres, DESCENT_LR, 60, mini=True)
    ax.plot(full[:, 0], full[:, 1], "-o", color="white", markersize=4, label="full batch")
    ax.plot(mini[:, 0], mini[:, 1], "-o", color=p.light_blue, markersize=4, label=f"mini-batch of {BATCH}")
    ax.plot(*DESCENT_START, "o", color=p.orange, markersize=16, markeredgecolor="black")
    ax.set_xlim(XMIN, XMAX)
    ax.set_ylim(YMIN, YMAX)
    ax.set_aspect("equal")
    ax.grid(False)
    ax.set_xlabel("w₁")
    ax.set_ylabel("w₂")
    ax.legend(loc="lower right")
    ax.set_title(f"Rolling downhill (live demo): 60 steps with learning rate {DESCENT_LR}")
    return fig


def draw_backprop(ctx):
    """The chain network at the demo's starting values, with every derivative and its check."""
    theme = ctx.theme
    p = ctx.palette
    plt = theme.use(p)
    v = chain_values()
    n = len(CHAIN_W)
    fig, ax = plt.subplots(figsize=theme.WIDE)
    fig.subplots_adjust(left=0.02, right=0.98, top=0.9, bottom=0.02)
    ax.axis("off")
    xs = np.linspace(0.07, 0.93, n + 2)
    for i, x in enumerate(xs):
        label = "C" if i == n + 1 else ("x" if i == 0 else f"a{i}")
        value = v["C"][0] if i == n + 1 else v["a"][i]
        ax.add_patch(plt.Circle((x, 0.78), 0.05, color=p.diagonal, ec=p.ink, transform=ax.transAxes))
        ax.text(x, 0.78, f"{value:.3f}", ha="center", va="center", fontsize=theme.SMALL, color=p.diagonal_ink, transform=ax.transAxes)
        ax.text(x, 0.66, label, ha="center", fontsize=theme.FONT_SIZE, transform=ax.transAxes)
        if i < n + 1:
            ax.annotate("", xy=(xs[i + 1] - 0.05, 0.78), xytext=(x + 0.05, 0.78), xycoords="axes fraction",
                        arrowprops={"arrowstyle": "->", "lw": 2})
        if i < n:
            ax.text((x + xs[i + 1]) / 2, 0.88, f"w={CHAIN_W[i]:g}, b={CHAIN_B[i]:g}", ha="center",
                    fontsize=theme.SMALL, transform=ax.transAxes)
    rows = [[str(l + 1), f"{v['z'][l]:.5f}", f"{v['a'][l + 1]:.5f}", f"{v['dw'][l]:.6f}", f"{v['fd_w'][l]:.6f}",
             f"{v['db'][l]:.6f}", f"{v['fd_b'][l]:.6f}"] for l in range(n)]
    table = ax.table(cellText=rows, colLabels=["layer", "z", "a", "∂C/∂w", "finite diff.", "∂C/∂b", "finite diff."],
                     loc="lower center", bbox=(0.02, 0.05, 0.96, 0.48))
    table.auto_set_font_size(False)
    table.set_fontsize(theme.SMALL)
    for cell in table.get_celld().values():  # cells are white with black edges unless told: paper and faint lines
        cell.set_facecolor(p.paper)
        cell.set_edgecolor(p.faint)
    ax.set_title(f"Backpropagation step by step (live demo): y = {CHAIN_Y:g}, C = (a{n} − y)²", fontsize=theme.TITLE_SIZE)
    return fig


def draw_replay(ctx):
    """Training replay at the last epoch: curves, first-layer weights over time, test predictions."""
    theme = ctx.theme
    p = ctx.palette
    plt = theme.use(p)
    history, snaps = ctx.history, ctx.snapshots
    epochs = [h["epoch"] for h in history]
    picks = sorted({0, len(snaps) // 2, len(snaps) - 1})
    neurons = min(4, snaps[-1].weights[0].shape[0])
    side = int(math.isqrt(snaps[-1].weights[0].shape[1]))
    fig = plt.figure(figsize=theme.WIDE)
    grid = fig.add_gridspec(neurons, 2 + len(picks), width_ratios=[3.2, 0.55] + [1] * len(picks),
                            left=0.11, right=0.98, top=0.86, bottom=0.15, wspace=0.08, hspace=0.12)
    ax = fig.add_subplot(grid[:, 0])
    ax.plot(epochs, [h["test_cost"] for h in history], color=p.warm, label="test cost")
    ax.plot(epochs, [h["train_cost"] for h in history], "--", color=p.blue, label="training cost")
    ax2 = ax.twinx()
    ax2.plot(epochs, [100 * h["test_accuracy"] for h in history], ":", color=p.green, label="test accuracy")
    ax2.set_ylim(0, 100)
    ax2.set_ylabel("test accuracy (%), dotted")
    ax.axvline(epochs[-1], color=p.ink, linewidth=2)
    ax.set_xlabel("epoch")
    ax.set_ylabel("cost")
    ax.legend(loc="center right", frameon=False, fontsize=theme.SMALL)
    for col, e in enumerate(picks):
        w = snaps[e].weights[0]
        low, high = theme.symmetric_limits(w[:neurons])
        for r in range(neurons):
            a = fig.add_subplot(grid[r, col + 2])
            a.imshow(w[r].reshape(side, side), cmap=p.weights, vmin=low, vmax=high, interpolation="nearest")
            a.set_xticks([])
            a.set_yticks([])
            a.grid(False)
            if r == 0:
                a.set_title(f"epoch {epochs[e]}", fontsize=theme.SMALL)
    final = history[-1]["test_accuracy"]
    fig.suptitle(f"Training replay: {100 * final:.1f}% of test digits right after epoch {epochs[-1]}",
                 fontsize=theme.TITLE_SIZE)
    return fig


register(
    FigureSpec(
        name="demo-draw-digit",
        format="png",
        alt=("Still of the draw-a-digit demo: a handwritten test digit, the network's layers drawn as circles whose "
             "brightness is their activation, the strongest connections into the winning output, and ten bars "
             "for the output activations with the prediction highlighted."),
        caption="Draw a digit: the trained network reading a test digit.",
        draw=draw_draw_digit,
    ),
    FigureSpec(
        name="demo-neuron",
        format="svg",
        alt=("Still of the one-neuron demo: the sigmoid and ReLU curves side by side, each with the neuron's "
             "weighted sum z marked as a point on the curve and its output value in the title."),
        caption="One neuron: a weighted sum pushed through sigmoid or ReLU.",
        draw=draw_neuron,
    ),
    FigureSpec(
        name="demo-descent",
        format="png",
        alt=("Still of the gradient-descent demo: a contour map of a cost surface with two valleys; from the same "
             "starting point a smooth full-batch path and a jittery mini-batch path roll down into a minimum."),
        caption="Rolling downhill: full-batch and mini-batch gradient descent.",
        draw=draw_descent,
    ),
    FigureSpec(
        name="demo-backprop",
        format="svg",
        alt=("Still of the backpropagation demo: a chain of one neuron per layer from input x to cost C with each "
             "activation's value, and a table of z, a and the derivatives of C with respect to each weight and "
             "bias next to their finite-difference estimates, which agree."),
        caption="Backpropagation step by step, checked against finite differences.",
        draw=draw_backprop,
    ),
    FigureSpec(
        name="demo-replay",
        format="png",
        alt=("Still of the training-replay demo: cost and accuracy curves over the epochs with a marker at the "
             "last epoch, and first-layer weight images of four hidden neurons at the first, middle and last "
             "recorded epoch."),
        caption="Training replay: how cost, accuracy and weights changed epoch by epoch.",
        draw=draw_replay,
    ),
)
