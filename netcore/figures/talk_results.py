"""What the trained network does on data: confusion matrix, a gallery of its mistakes, its answer to noise."""

from __future__ import annotations

import numpy as np

from netcore import facts_talk
from netcore.figures.registry import FigureSpec, register

GALLERY_COLUMNS = 8


def draw_confusion(ctx):
    """Counts of (true, predicted); the diagonal in a neutral shade so the mistakes carry the colour."""
    theme = ctx.theme
    p = ctx.palette
    plt = theme.use(p)
    classes = ctx.network.layers[-1]
    counts = facts_talk.confusion_matrix(ctx.test_labels, ctx.test_predictions, classes)
    off = counts.astype(float)
    np.fill_diagonal(off, np.nan)
    fig, ax = plt.subplots(figsize=theme.FULL, layout="constrained")
    ax.grid(False)
    top = max(1.0, float(np.nanmax(off)))
    image = ax.imshow(off, cmap=p.count_map, vmin=0, vmax=top, aspect="auto")
    for i in range(classes):
        ax.add_patch(plt.Rectangle((i - 0.5, i - 0.5), 1, 1, facecolor=p.diagonal, edgecolor="none"))
    for i in range(classes):
        for j in range(classes):
            value = counts[i, j]
            ink = p.diagonal_ink if i == j else theme.ink_on(image.cmap(image.norm(value)))
            ax.text(j, i, str(value), ha="center", va="center", fontsize=theme.SMALL,
                    color=ink, fontweight="bold" if i == j else "normal")
    ax.set_xticks(range(classes))
    ax.set_yticks(range(classes))
    ax.set_xlabel("network's answer")
    ax.set_ylabel("true digit")
    ax.tick_params(length=0)
    bar = fig.colorbar(image, ax=ax, shrink=0.9, pad=0.02)
    bar.set_label("mistakes")
    return fig


def draw_misclassified(ctx):
    """The first wrongly classified test digits, in test-set order, labelled true → guess."""
    theme = ctx.theme
    p = ctx.palette
    plt = theme.use(p)
    wrong = facts_talk.misclassified(ctx.test_labels, ctx.test_predictions)[: facts_talk.GALLERY_SIZE]
    rows = max(1, -(-len(wrong) // GALLERY_COLUMNS))
    fig, axes = plt.subplots(rows, GALLERY_COLUMNS, figsize=theme.WIDE, squeeze=False, layout="constrained")
    for ax in axes.flat:
        ax.axis("off")
    for ax, index in zip(axes.flat, wrong):
        ax.imshow(ctx.test_images[index], cmap=p.greys, interpolation="nearest")
        ax.set_title(f"{ctx.test_labels[index]} → {ctx.test_predictions[index]}", fontsize=theme.SMALL, pad=3)
    fig.suptitle("true digit → network's guess", fontsize=theme.FONT_SIZE)
    return fig


def draw_noise(ctx):
    """A seeded uniform-noise image beside the network's ten outputs for it."""
    theme = ctx.theme
    p = ctx.palette
    plt = theme.use(p)
    image = facts_talk.noise_image(ctx.test_images.shape[1:])
    outputs = facts_talk.noise_outputs(ctx.network, ctx.test_images.shape[1:])
    guess = int(outputs.argmax())
    fig, (left, right) = plt.subplots(1, 2, figsize=theme.WIDE, width_ratios=[1, 1.6], layout="constrained")
    left.imshow(image, cmap=p.greys, vmin=0, vmax=255, interpolation="nearest")
    theme.frame_image(left)
    left.set_title("input: random pixels")
    colours = [p.warm if d == guess else p.light_blue for d in range(len(outputs))]
    right.bar(range(len(outputs)), outputs, color=colours, edgecolor=p.ink)
    right.set_xticks(range(len(outputs)))
    right.set_xlabel("output neuron (digit)")
    right.set_ylabel("output activation")
    right.set_ylim(0, 1.05)
    right.grid(axis="x", visible=False)
    right.text(guess, outputs[guess] + 0.02, f"{outputs[guess]:.2f}", ha="center", va="bottom", fontsize=theme.FONT_SIZE)
    right.set_title(f"the network answers: {guess}")
    return fig


register(
    FigureSpec(
        name="talk-confusion-matrix",
        format="svg",
        alt=(
            "A 10 by 10 confusion matrix of the trained network on the test set: rows are the true digits, "
            "columns the network's answers, each cell printed with its count. The diagonal, holding the "
            "correct answers, is shaded a neutral blue; off-diagonal mistakes are shaded orange, darker for more "
            "frequent confusions between similar digits."
        ),
        caption="Test set: true digit against the network's answer.",
        draw=draw_confusion,
    ),
    FigureSpec(
        name="talk-misclassified",
        format="png",
        alt=(
            "A gallery of handwritten test digits that the trained network classified wrongly, taken in "
            "test-set order, each titled with its true label, an arrow and the network's guess. Some are "
            "ambiguous or badly written; others are clear to a person."
        ),
        caption="The first test digits the network got wrong: true label → guess.",
        draw=draw_misclassified,
    ),
    FigureSpec(
        name="talk-noise-output",
        format="png",
        alt=(
            "Left: a 28 by 28 image of uniformly random grey pixels, no digit at all. Right: a bar chart of the "
            "trained network's ten output activations for that image, with the largest bar highlighted and "
            "labelled: the network still picks a digit."
        ),
        caption="The network's answer to random pixels.",
        draw=draw_noise,
    ),
)
