"""The fast SGD program must take exactly the step the reference backpropagation prescribes."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from netcore.network import Network
from netcore.step import MiniBatchSgd

LAYERS = [6, 5, 4, 3]
COMBINATIONS = list(itertools.product(["sigmoid", "relu"], ["sigmoid", "softmax"], ["quadratic", "cross_entropy"]))


def _problem(hidden: str, output: str, seed: int = 11):
    rng = np.random.default_rng(seed)
    net = Network.initialise(LAYERS, [hidden, hidden, output], rng)
    net.biases = [rng.normal(0, 0.5, b.shape) for b in net.biases]  # keep ReLU kinks away from the data
    images = rng.integers(0, 256, size=(20, LAYERS[0])).astype(np.uint8)
    labels = rng.integers(0, LAYERS[-1], size=20)
    return net, images, labels


def _reference_epoch(net: Network, images, labels, order, cost, batch_size, rate, weight_decay) -> Network:
    """Nielsen's update written with Network.backprop: w <- (1 - rate*wd) w - rate * mean gradient."""
    net, targets = net.copy(), np.eye(LAYERS[-1])[labels]
    for start in range(0, len(order), batch_size):
        rows = order[start : start + batch_size]
        grad_w, grad_b, _ = net.backprop(images[rows] / 255.0, targets[rows], cost)
        net.weights = [(1 - rate * weight_decay) * w - rate * g for w, g in zip(net.weights, grad_w)]
        net.biases = [b - rate * g for b, g in zip(net.biases, grad_b)]
    return net


@pytest.mark.parametrize("hidden, output, cost", COMBINATIONS)
@pytest.mark.parametrize("dtype, tolerance", [(np.float64, 1e-12), (np.float32, 2e-5)])
def test_epoch_matches_reference_steps(hidden, output, cost, dtype, tolerance):
    """Three full batches of 6 and a short one of 2, with weight decay, in both precisions."""
    net, images, labels = _problem(hidden, output)
    order = np.random.default_rng(2).permutation(20)
    expected = _reference_epoch(net, images, labels, order, cost, 6, 0.3, 0.01)
    trained = net.copy()
    outputs = list(MiniBatchSgd(trained, images, labels, cost, 6, 0.01, dtype=dtype).epoch(order, 0.3))
    assert [o.shape for o in outputs] == [(3, 6)] * 3 + [(3, 2)]
    for got, want in zip(trained.weights + trained.biases, expected.weights + expected.biases):
        assert got.dtype == np.float64
        np.testing.assert_allclose(got, want, rtol=tolerance, atol=tolerance)


def test_outputs_are_the_forward_pass_before_each_step():
    net, images, labels = _problem("relu", "softmax")
    order = np.arange(12)
    before = net.copy()
    first = next(iter(MiniBatchSgd(net, images, labels, "cross_entropy", 6, dtype=np.float64).epoch(order, 0.1)))
    np.testing.assert_allclose(first.T, before.feedforward(images[:6] / 255.0), rtol=1e-12)


def test_learning_rate_is_set_per_epoch():
    """The same trainer object, reused across epochs, applies each epoch's own rate."""
    net, images, labels = _problem("relu", "softmax")
    order = np.arange(20)
    sgd = MiniBatchSgd(net, images, labels, "cross_entropy", 6, 0.01, dtype=np.float64)
    for rate in (0.3, 0.03):
        want = _reference_epoch(net, images, labels, order, "cross_entropy", 6, rate, 0.01)
        list(sgd.epoch(order, rate))
        np.testing.assert_allclose(net.weights[0], want.weights[0], rtol=1e-12, atol=1e-12)


def test_first_layer_scaling_is_exact_at_zero_rate():
    """Loading into the 1/255-scaled training layout and writing back changes no parameter."""
    net, images, labels = _problem("relu", "softmax")
    before = net.copy()
    list(MiniBatchSgd(net, images, labels, "cross_entropy", 6, dtype=np.float64).epoch(np.arange(20), 0.0))
    for got, want in zip(net.weights + net.biases, before.weights + before.biases):
        np.testing.assert_allclose(got, want, rtol=1e-15, atol=0)
