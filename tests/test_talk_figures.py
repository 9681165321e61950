"""The talk's figures: drawn from exact functions or the network, deterministic, described.

A randomly initialised network (no training) stands in for the trained one:
the figures and talk facts must work for any weights, and this keeps the test fast.
"""

from __future__ import annotations

import numpy as np
import pytest

from netcore import facts_talk
from netcore.config import NetworkConfig
from netcore.figures import registry, talk_descent, talk_edge
from netcore.figures.context import FigureContext
from netcore.model import TrainedModel
from netcore.network import Network

SPECS = {name: spec for name, spec in registry.discover().items() if name.startswith("talk-")}


@pytest.fixture(scope="module")
def ctx() -> FigureContext:
    cfg = NetworkConfig()
    net = Network.initialise(list(cfg.layers), cfg.activations, np.random.default_rng(5))
    record = {"epoch": 0, "test_accuracy": 0.1, "train_cost": 1.0, "test_cost": 1.0}
    model = TrainedModel(cfg, net, [record], [net.copy()], 0.0, 50_000, 10_000, 10_000, {})
    return FigureContext(model)


def test_the_nine_talk_figures_are_registered_with_alt_text_and_captions():
    assert sorted(SPECS) == sorted([
        "talk-network-layers", "talk-digit-grid", "talk-edge-detector", "talk-cost-1d", "talk-cost-surface",
        "talk-dependency-chain", "talk-confusion-matrix", "talk-misclassified", "talk-noise-output",
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


def test_full_batch_and_mini_batch_paths_both_descend_to_the_same_region():
    x, y = talk_descent.line_data()
    full, mini = talk_descent.descend_2d(None), talk_descent.descend_2d(talk_descent.BATCH)
    best = np.linalg.lstsq(np.column_stack([x, np.ones_like(x)]), y, rcond=None)[0]

    def cost(p):
        return float(talk_descent.cost_2d(np.array(p[0]), np.array(p[1]), x, y))

    start = cost(talk_descent.START_2D)
    assert cost(full[-1]) < 0.2 * start and cost(mini[-1]) < 0.2 * start
    assert np.linalg.norm(full[-1] - mini[-1]) < 0.5 * np.linalg.norm(np.array(talk_descent.START_2D) - best)
    full_costs = [cost(p) for p in full]
    assert all(b <= a + 1e-12 for a, b in zip(full_costs, full_costs[1:]))  # full batch never goes uphill
    mini_costs = [cost(p) for p in mini]
    assert any(b > a for a, b in zip(mini_costs, mini_costs[1:]))  # the mini-batch path is noisy


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
    assert facts["talk_epoch1_test_accuracy_percent"] is None  # no epoch recorded in this stand-in
