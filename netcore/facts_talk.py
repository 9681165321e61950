"""Talk-specific facts (a `facts_*.py` module: netcore.facts merges in what `compute` returns).

The slides quote these instead of typed numbers: what the network answers for
pure noise, its most common confusion, how the parameters split by layer, the
best validation epoch and what one gradient costs by backpropagation or by nudging.
The noise image lives here so the fact and the talk-noise-output figure agree.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from netcore.data import as_inputs

NOISE_SEED = 20_261_121  # fixed: the same noise image on every build
GALLERY_SIZE = 24  # misclassified digits shown in the talk-misclassified figure


def noise_image(shape: tuple[int, int] = (28, 28)) -> np.ndarray:
    """uint8 image with every pixel drawn uniformly from 0..255 (seeded)."""
    return np.random.default_rng(NOISE_SEED).integers(0, 256, size=shape, dtype=np.uint8)


def noise_outputs(network, shape: tuple[int, int] = (28, 28)) -> np.ndarray:
    """The network's ten output activations for the noise image."""
    return network.feedforward(as_inputs(noise_image(shape)[None]))[0]


def confusion_matrix(labels: np.ndarray, predictions: np.ndarray, classes: int) -> np.ndarray:
    """counts[true, predicted] over the test set."""
    counts = np.zeros((classes, classes), dtype=int)
    np.add.at(counts, (labels.astype(int), predictions.astype(int)), 1)
    return counts


def misclassified(labels: np.ndarray, predictions: np.ndarray) -> np.ndarray:
    """Indices of wrongly classified test images, in test-set order (no cherry-picking)."""
    return np.flatnonzero(labels != predictions)


def best_validation_epoch(history: list[dict]) -> int | None:
    """Trained epoch with the lowest validation cost (the first on ties); None without validation."""
    validated = [h for h in history if h["epoch"] > 0 and h.get("validation_cost") is not None]
    return int(min(validated, key=lambda h: h["validation_cost"])["epoch"]) if validated else None


def multiplications(network) -> tuple[int, int]:
    """Multiplications per example of (forward pass, backward pass), counting the matrix products.

    Forward: one per weight. Backward: one per weight for the weight gradients, and one per
    weight of every layer but the first to carry delta back (the pixels need no delta).
    """
    forward = sum(int(w.size) for w in network.weights)
    return forward, forward + sum(int(w.size) for w in network.weights[1:])


def backprop_speedup(network) -> int:
    """How many times less work one gradient costs by backpropagation than by nudging each
    parameter (one forward pass per parameter plus the unnudged one), to the nearest hundred."""
    forward, backward = multiplications(network)
    ratio = (network.parameter_count + 1) * forward / (forward + backward)
    return int(round(ratio, -2))


def compute(ctx) -> dict[str, Any]:
    net = ctx.network
    labels, predictions = ctx.test_labels, ctx.test_predictions
    outputs = noise_outputs(net, ctx.test_images.shape[1:])
    guess = int(outputs.argmax())
    counts = confusion_matrix(labels, predictions, net.layers[-1])
    off = counts.copy()
    np.fill_diagonal(off, 0)
    true_digit, predicted_digit = np.unravel_index(int(off.argmax()), off.shape)  # first maximum: deterministic
    history = ctx.history
    forward, backward = multiplications(net)
    return {
        "talk_mnist_train_images": int(ctx.model.train_size + ctx.model.validation_size),
        "talk_best_validation_epoch": best_validation_epoch(history),
        "talk_forward_multiplies": forward,
        "talk_backward_multiplies": backward,
        "talk_finite_difference_passes": int(net.parameter_count + 1),
        "talk_backprop_speedup": backprop_speedup(net),
        "talk_noise_guess": guess,
        "talk_noise_confidence": float(outputs[guess]),
        "talk_noise_confidence_percent": f"{outputs[guess] * 100:.0f}%",
        "talk_noise_outputs_sum": float(outputs.sum()),
        "talk_top_confusion_true": int(true_digit),
        "talk_top_confusion_predicted": int(predicted_digit),
        "talk_top_confusion_count": int(off[true_digit, predicted_digit]),
        "talk_misclassified_shown": int(min(GALLERY_SIZE, len(misclassified(labels, predictions)))),
        "talk_layer_parameters": [int(w.size + b.size) for w, b in zip(net.weights, net.biases)],
        "talk_epoch1_test_accuracy_percent": f"{history[1]['test_accuracy'] * 100:.1f}%" if len(history) > 1 else None,
    }

