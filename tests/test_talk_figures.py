"""The talk's figures: drawn from exact functions or the network, deterministic, described.

A randomly initialised network (no training) stands in for the trained one:
the figures and talk facts must work for any weights, and this keeps the test fast.
"""

from __future__ import annotations

import numpy as np
import pytest

from netcore import facts_talk
from netcore.config import NetworkConfig
from netcore.data import as_inputs
from netcore.figures import registry, talk_descent, talk_edge, talk_nudges
from netcore.figures.context import FigureContext
from netcore.model import TrainedModel
from netcore.network import Network

SPECS = {name: spec for name, spec in registry.discover().items() if name.startswith("talk-")}


def record(epoch: int, train_cost: float, validation_cost: float | None) -> dict:
    """One history entry with every key netcore.training writes."""
    return {"epoch": epoch, "learning_rate": None if epoch == 0 else 0.2, "train_cost": train_cost, "train_accuracy": 0.5,
            "validation_cost": validation_cost, "validation_accuracy": None if validation_cost is None else 0.5,
            "test_cost": validation_cost or train_cost, "test_accuracy": 0.1, "seconds": 0.0, "elapsed": 0.0}


# Validation is lowest at epoch 2, then rises while the training cost keeps falling: overfitting.
HISTORY = [record(0, 2.3, 2.3), record(1, 0.6, 0.62), record(2, 0.4, 0.45), record(3, 0.3, 0.47), record(4, 0.25, 0.5)]


@pytest.fixture(scope="module")
def ctx() -> FigureContext:
    cfg = NetworkConfig()
    net = Network.initialise(list(cfg.layers), cfg.activations, np.random.default_rng(5))
    model = TrainedModel(cfg, net, HISTORY, [net.copy() for _ in HISTORY], 0.0, 50_000, 10_000, 10_000, {})
    return FigureContext(model)


def test_the_eleven_talk_figures_are_registered_with_alt_text_and_captions():
    assert sorted(SPECS) == sorted([
        "talk-network-layers", "talk-digit-grid", "talk-edge-detector", "talk-cost-1d", "talk-cost-surface",
        "talk-dependency-chain", "talk-confusion-matrix", "talk-misclassified", "talk-noise-output",
        "talk-overfitting", "talk-backprop-nudges",
    ])
    for spec in SPECS.values():
        assert len(spec.alt.split()) >= 20, spec.name  # describes what it shows, not just names it
        assert spec.caption.strip(), spec.name


@pytest.mark.parametrize("name", sorted(SPECS))
def test_each_talk_figure_draws_identically_twice(ctx, name):
    from netcore.figures import theme

    spec = SPECS[name]
    first = theme.save(spec.draw(ctx), spec.format)
    second = theme.save(spec.draw(ctx), spec.format)
    assert len(first) > 5_000
    assert first == second


def test_edge_detector_numbers_match_its_alt_text():
    weights = talk_edge.edge_weights()
    assert weights.sum() == pytest.approx(0.0, abs=1e-12)
    scores = [float((weights * ink).sum()) for _, ink in talk_edge.example_inputs()]
    assert scores[0] == pytest.approx(20.0)
    assert -5 < scores[1] < 0
    assert scores[2] == pytest.approx(0.0, abs=1e-12)
    assert "scores 20" in SPECS["talk-edge-detector"].alt


def test_one_dimensional_descent_settles_in_the_local_not_the_global_minimum():
    path = talk_descent.descend_1d()
    costs = talk_descent.cost_1d(path)
    assert np.all(np.diff(costs) < 0)  # every step goes downhill
    steps = np.abs(np.diff(path))
    assert steps[0] > 5 * steps[-1]  # steps shrink as the slope flattens
    assert abs(talk_descent.slope_1d(path[-1])) < 0.05
    assert path[-1] > 0  # the right-hand valley ...
    w = np.linspace(-3, 0, 3001)
    assert talk_descent.cost_1d(w).min() < costs[-1] - 1  # ... while the left one is lower


def test_sgd_figure_compares_equal_compute_and_mini_batches_get_closer():
    """The point of SGD: for the same number of per-point gradients, many cheap steps beat a few exact ones."""
    x, y = talk_descent.line_data()
    full, mini = talk_descent.descend_2d(None), talk_descent.descend_2d(talk_descent.BATCH)
    assert (len(full) - 1) * talk_descent.POINTS == (len(mini) - 1) * talk_descent.BATCH == talk_descent.BUDGET
    best = np.linalg.lstsq(np.column_stack([x, np.ones_like(x)]), y, rcond=None)[0]

    def cost(p):
        return float(talk_descent.cost_2d(np.array(p[0]), np.array(p[1]), x, y))

    assert np.linalg.norm(mini[-1] - best) < 0.5 * np.linalg.norm(full[-1] - best)
    assert cost(mini[-1]) < cost(full[-1])
    full_costs = [cost(p) for p in full]
    assert all(b <= a + 1e-12 for a, b in zip(full_costs, full_costs[1:]))  # full batch never goes uphill
    mini_costs = [cost(p) for p in mini]
    assert any(b > a for a, b in zip(mini_costs, mini_costs[1:]))  # the mini-batch path is noisy
    alt = SPECS["talk-cost-surface"].alt.lower()
    assert "equal compute" in alt or "same compute" in alt or "same number of" in alt, alt


def test_nudges_are_the_last_layers_gradient_from_netcores_backprop(ctx):
    """The picture's line widths and bars are -dC/dw and -dC/da of the reference backpropagation."""
    net = ctx.snapshots[0]
    index = talk_nudges.target_example(ctx.test_labels)
    assert ctx.test_labels[index] == talk_nudges.TARGET
    image = ctx.test_images[index]
    n = talk_nudges.nudges(net, image)
    wanted = np.eye(net.layers[-1])[talk_nudges.TARGET]
    grad_w, _, _ = net.backprop(as_inputs(image[None]), wanted[None], ctx.config.cost)
    assert np.allclose(n["weight_nudge"], -grad_w[-1][talk_nudges.TARGET], atol=1e-12)

    def cost_of_hidden(a):
        z = net.weights[-1] @ a + net.biases[-1]
        return float(-np.log(np.exp(z - z.max())[talk_nudges.TARGET] / np.exp(z - z.max()).sum()))

    h = 1e-6
    numeric = np.array([(cost_of_hidden(n["hidden"] + h * e) - cost_of_hidden(n["hidden"] - h * e)) / (2 * h)
                        for e in np.eye(len(n["hidden"]))])
    assert np.allclose(n["all_wishes"], -numeric, atol=1e-6)  # summed wishes = minus the slope of the cost
    assert np.allclose(n["one_wish"], -n["delta"][talk_nudges.TARGET] * net.weights[-1][talk_nudges.TARGET])


def test_overfitting_marks_the_epoch_with_the_lowest_validation_cost():
    assert facts_talk.best_validation_epoch(HISTORY) == 2
    assert facts_talk.best_validation_epoch([record(0, 2.3, None), record(1, 0.5, None)]) is None
    assert facts_talk.best_validation_epoch(HISTORY[:1]) is None  # epoch 0 is the random start, not a choice


def test_backprop_cost_counts_one_multiplication_per_weight_and_propagation():
    net = Network.initialise([784, 16, 16, 10], ["relu", "relu", "softmax"], np.random.default_rng(0))
    forward, backward = facts_talk.multiplications(net)
    assert forward == net.weight_count == 784 * 16 + 16 * 16 + 16 * 10
    assert backward == forward + 16 * 16 + 16 * 10  # no delta for the pixels
    speedup = facts_talk.backprop_speedup(net)
    assert speedup % 100 == 0
    assert abs(speedup - (net.parameter_count + 1) * forward / (forward + backward)) <= 50


def test_talk_facts_on_any_network(ctx):
    facts = facts_talk.compute(ctx)
    counts = facts_talk.confusion_matrix(ctx.test_labels, ctx.test_predictions, 10)
    assert counts.sum() == len(ctx.test_labels)
    assert np.trace(counts) == int((ctx.test_predictions == ctx.test_labels).sum())
    assert sum(facts["talk_layer_parameters"]) == ctx.network.parameter_count
    outputs = facts_talk.noise_outputs(ctx.network)
    assert facts["talk_noise_guess"] == int(outputs.argmax())
    assert facts["talk_noise_confidence"] == pytest.approx(outputs.max())
    assert np.array_equal(facts_talk.noise_image(), facts_talk.noise_image())  # seeded
    assert facts["talk_epoch1_test_accuracy_percent"] == "10.0%"
    assert facts["talk_best_validation_epoch"] == 2
    assert facts["talk_mnist_train_images"] == 60_000  # the 50,000 trained on plus the 10,000 held out
    assert facts["talk_finite_difference_passes"] == ctx.network.parameter_count + 1
    assert facts["talk_forward_multiplies"] == ctx.network.weight_count
