"""Backpropagation must agree with finite differences for every network variant."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from netcore import costs
from netcore.network import Network


def _cost(net: Network, x, y, cost_name) -> float:
    return costs.get(cost_name, net.activations[-1]).value(net.feedforward(x), y)


@pytest.mark.parametrize(
    "hidden, output, cost_name",
    list(itertools.product(["sigmoid", "relu"], ["sigmoid", "softmax"], ["quadratic", "cross_entropy"])),
)
def test_backprop_matches_finite_differences(hidden, output, cost_name):
    rng = np.random.default_rng(7)
    net = Network.initialise([5, 4, 3, 3], [hidden, hidden, output], rng)
    # Non-zero biases so ReLU kinks are unlikely to sit exactly at a probed point.
    net.biases = [rng.normal(0, 0.5, b.shape) for b in net.biases]
    x = rng.uniform(0, 1, size=(6, 5))
    y = np.eye(3)[rng.integers(0, 3, size=6)]
    grad_w, grad_b, _ = net.backprop(x, y, cost_name)
    eps = 1e-6
    for params, grads in ((net.weights, grad_w), (net.biases, grad_b)):
        for p, g in zip(params, grads):
            numeric = np.zeros_like(p)
            for i in np.ndindex(p.shape):
                old = p[i]
                p[i] = old + eps
                plus = _cost(net, x, y, cost_name)
                p[i] = old - eps
                minus = _cost(net, x, y, cost_name)
                p[i] = old
                numeric[i] = (plus - minus) / (2 * eps)
            np.testing.assert_allclose(g, numeric, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("output", ["sigmoid", "softmax"])
def test_cross_entropy_shortcut_equals_general_chain_rule(output, monkeypatch):
    """The (a - y) shortcut is an optimisation; the general path must give the same gradient."""
    rng = np.random.default_rng(3)
    net = Network.initialise([4, 5, 3], ["relu", output], rng)
    x = rng.uniform(0, 1, size=(8, 4))
    y = np.eye(3)[rng.integers(0, 3, size=8)]
    fast = net.backprop(x, y, "cross_entropy")
    monkeypatch.setattr(costs, "output_delta_shortcut", lambda cost, act: False)
    slow = net.backprop(x, y, "cross_entropy")
    for a, b in zip(fast[0] + fast[1], slow[0] + slow[1]):
        np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-12)


def test_parameter_count_of_default_network():
    net = Network.initialise([784, 16, 16, 10], ["relu", "relu", "softmax"], np.random.default_rng(0))
    assert net.weight_count == 784 * 16 + 16 * 16 + 16 * 10
    assert net.bias_count == 16 + 16 + 10
    assert net.parameter_count == 13002
    assert net.weights[0].shape == (16, 784)
