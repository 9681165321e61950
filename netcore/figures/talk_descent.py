"""Gradient descent pictures from exact functions: a 1-D cost with two valleys, and a 2-D
least-squares cost descended with full-batch and mini-batch gradients (seeded).

The two 2-D paths get the same compute, counted in per-point gradients: a full-batch
step costs POINTS of them, a mini-batch step BATCH, so mini-batch takes POINTS / BATCH
times as many steps. Comparing equal step counts instead would hide why SGD wins."""

from __future__ import annotations

import numpy as np

from netcore.figures.registry import FigureSpec, register

# 1-D: C(w) = (w^2 - 4)^2 / 8 + w/2 + 3 has valleys near w = -2 (lower) and w = +2 (higher).
START_1D, RATE_1D, STEPS_1D = 3.2, 0.05, 30

# 2-D: fit y = w x + b to seeded points; cost = mean squared error.
POINTS, BATCH, RATE_2D, SEED_2D = 300, 10, 0.1, 7
FULL_STEPS = 10  # the budget: ten full-batch steps ...
BUDGET = FULL_STEPS * POINTS  # ... = this many per-point gradients for either method
MINI_STEPS = BUDGET // BATCH
START_2D = (-1.0, 3.5)


def cost_1d(w: np.ndarray | float) -> np.ndarray | float:
    return (w * w - 4.0) ** 2 / 8.0 + 0.5 * w + 3.0


def slope_1d(w: float) -> float:
    return (w * w - 4.0) * w / 2.0 + 0.5


def descend_1d() -> np.ndarray:
    """Positions visited by gradient descent from START_1D."""
    path = [START_1D]
    for _ in range(STEPS_1D):
        path.append(path[-1] - RATE_1D * slope_1d(path[-1]))
    return np.array(path)


def line_data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(SEED_2D)
    x = rng.uniform(0.0, 4.0, POINTS)
    y = 1.5 * x - 1.0 + rng.normal(0.0, 0.5, POINTS)
    return x, y


def cost_2d(w: np.ndarray, b: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Mean squared error of the line (w, b) on (x, y), broadcast over grids of w and b.

    The error is a quadratic in w and b, so five means of the data give it at every grid
    point: mean((w x + b - y)^2) expanded, with no pass over the points per grid point."""
    xx, x1, xy, y1, yy = (x * x).mean(), x.mean(), (x * y).mean(), y.mean(), (y * y).mean()
    return w * w * xx + 2.0 * w * b * x1 + b * b - 2.0 * w * xy - 2.0 * b * y1 + yy


def gradient_2d(w: float, b: float, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    residual = w * x + b - y
    return np.array([2.0 * (residual * x).mean(), 2.0 * residual.mean()])


def steps_for(batch: int | None) -> int:
    """Steps that spend the shared BUDGET of per-point gradients."""
    return BUDGET // (POINTS if batch is None else batch)


def descend_2d(batch: int | None, steps: int | None = None) -> np.ndarray:
    """Path of (w, b); batch=None uses every point per step, otherwise shuffled mini-batches.
    By default each method takes the steps the shared compute budget pays for."""
    x, y = line_data()
    rng = np.random.default_rng(SEED_2D + 1)
    point = np.array(START_2D)
    path, order, cursor = [point.copy()], rng.permutation(POINTS), 0
    for _ in range(steps_for(batch) if steps is None else steps):
        if batch is None:
            idx = slice(None)
        else:
            if cursor + batch > POINTS:
                order, cursor = rng.permutation(POINTS), 0
            idx = order[cursor : cursor + batch]
            cursor += batch
        point = point - RATE_2D * gradient_2d(point[0], point[1], x[idx], y[idx])
        path.append(point.copy())
    return np.array(path)


def draw_cost_1d(ctx):
    theme = ctx.theme
    p = ctx.palette
    plt = theme.use(p)
    w = np.linspace(-3.2, 3.6, 500)
    path = descend_1d()
    fig, ax = plt.subplots(figsize=theme.WIDE, layout="constrained")
    ax.plot(w, cost_1d(w), color=p.blue, label="cost $C(w)$")
    ax.plot(path, cost_1d(path), "o", color=p.warm, markersize=11, zorder=3, label="gradient steps")
    for a, b in zip(path[:-1], path[1:]):
        if abs(b - a) > 0.08:
            ax.annotate("", xy=(b, cost_1d(b)), xytext=(a, cost_1d(a)),
                        arrowprops={"arrowstyle": "->", "color": p.warm, "lw": 2})
    ax.annotate("start", xy=(path[0], cost_1d(path[0])), xytext=(path[0] - 0.9, cost_1d(path[0]) + 0.3),
                arrowprops={"arrowstyle": "-", "color": p.ink, "lw": 1})
    lows = w[1:-1][(cost_1d(w[1:-1]) < cost_1d(w[:-2])) & (cost_1d(w[1:-1]) < cost_1d(w[2:]))]
    for low in lows:
        label = "global minimum" if cost_1d(low) == min(cost_1d(lows)) else "local minimum:\nwhere we stop"
        ax.annotate(label, xy=(low, cost_1d(low)), xytext=(low, cost_1d(low) - 1.1), ha="center", va="top",
                    arrowprops={"arrowstyle": "->", "color": p.ink, "lw": 1.5})
    ax.set_xlabel("one parameter $w$")
    ax.set_ylabel("cost")
    ax.set_ylim(min(cost_1d(w)) - 2.3, 11.0)
    ax.legend(loc="upper center", frameon=False)
    return fig


def least_squares_minimum() -> np.ndarray:
    x, y = line_data()
    return np.linalg.lstsq(np.column_stack([x, np.ones_like(x)]), y, rcond=None)[0]


def path_costs(path: np.ndarray) -> np.ndarray:
    """Cost (on all points) after each step of a path."""
    x, y = line_data()
    return cost_2d(path[:, 0], path[:, 1], x, y)


def draw_cost_surface(ctx):
    theme = ctx.theme
    p = ctx.palette
    plt = theme.use(p)
    x, y = line_data()
    ws, bs = np.meshgrid(np.linspace(-1.6, 3.0, 241), np.linspace(-4.0, 4.2, 241))
    costs = cost_2d(ws, bs, x, y)
    full, mini = descend_2d(None), descend_2d(BATCH)
    best = least_squares_minimum()
    blue, red = p.blue, p.warm
    fig, (ax, curve) = plt.subplots(1, 2, figsize=theme.FULL, layout="constrained", width_ratios=[1.1, 1])
    ax.grid(False)
    levels = np.geomspace(costs.min() * 1.05, costs.max(), 14)
    ax.contour(ws, bs, costs, levels=levels, colors=p.faint, linewidths=1.2)
    ax.plot(mini[:, 0], mini[:, 1], "-", color=red, linewidth=1.5)
    ax.plot(full[:, 0], full[:, 1], "-o", color=blue, markersize=7)
    ax.plot(*START_2D, "s", color=p.ink, markersize=12)
    ax.plot(best[0], best[1], "*", color=p.green, markersize=24, markeredgecolor=p.ink)
    ax.annotate("start", xy=START_2D, xytext=(START_2D[0] - 0.1, START_2D[1] - 0.9), ha="center")
    ax.set_xlabel("slope $w$")
    ax.set_ylabel("intercept $b$")
    spent = np.arange(len(full)) * POINTS / 1000, np.arange(len(mini)) * BATCH / 1000
    curve.plot(spent[1], path_costs(mini), "-", color=red, linewidth=2, label=f"{MINI_STEPS} steps of {BATCH} points")
    curve.plot(spent[0], path_costs(full), "-o", color=blue, markersize=7, label=f"{FULL_STEPS} steps of all {POINTS}")
    curve.axhline(float(cost_2d(np.array(best[0]), np.array(best[1]), x, y)), color=p.green,
                  linestyle="--", linewidth=2, label="minimum")
    curve.set_yscale("log")
    curve.tick_params(axis="y", which="both", labelsize=theme.MATH_SIZE)  # 10^k: the exponent stays over 24 px
    curve.set_xlabel("gradients computed (thousands)")
    curve.set_ylabel("cost")
    curve.legend(loc="center right", frameon=False)
    fig.suptitle(f"Same compute for both: {BUDGET:,} point gradients", fontsize=theme.TITLE_SIZE)
    return fig


register(
    FigureSpec(
        name="talk-cost-1d",
        format="svg",
        alt=(
            "A cost curve over one parameter w with two valleys, the left one lower. Dots joined by arrows "
            "mark gradient descent steps starting high on the right: the first steps are large where the curve "
            "is steep, then they shrink and settle in the right-hand valley, a local minimum, not the lower "
            "global minimum on the left."
        ),
        caption="Gradient descent in one dimension: steps shrink as the slope flattens.",
        draw=draw_cost_1d,
    ),
    FigureSpec(
        name="talk-cost-surface",
        format="svg",
        alt=(
            "Left: contour map of the mean squared error of fitting a straight line to a few hundred seeded "
            "points, over slope and intercept, a long diagonal valley with its minimum marked by a star. Both "
            "methods start at the same square and get the same compute. The ten full-batch steps move smoothly "
            "but stop far short of the valley floor; the mini-batch path, thirty times as many noisy steps, "
            "zig-zags down and ends jittering close to the star. Right: the cost against gradients computed, "
            "on a log scale: the mini-batch curve drops to near the minimum while the full-batch curve is "
            "still high when the budget runs out."
        ),
        caption="Full-batch versus mini-batch gradient descent at equal compute.",
        draw=draw_cost_surface,
    ),
)
