"""The talk's formulas, checked numerically: the slides must hold up to an expert.

Each test restates one formula exactly as the slides write it (sigma, sigma',
ReLU, the layer equation, the costs, the chain-rule products, the sum over
paths, delta and its recursion, softmax with cross-entropy, the schedule and
weight decay) and compares it with finite differences or with netcore's code;
the numpy on the slides is run and must take netcore's own training step.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from netcore import activations, costs
from netcore.config import NetworkConfig
from netcore.network import Network

H = 1e-6  # central differences: error O(H^2), far below the tolerances used


def sigma(z):
    """The slide's sigma(z) = 1 / (1 + e^{-z})."""
    return 1.0 / (1.0 + np.exp(-z))


def sigma_prime(z):
    """The slide's sigma'(z) = sigma(z) (1 - sigma(z))."""
    return sigma(z) * (1.0 - sigma(z))


def central(f, x: float) -> float:
    return (f(x + H) - f(x - H)) / (2 * H)


Z = np.linspace(-8, 8, 33)


def test_sigmoid_matches_netcore_and_stays_in_the_open_interval():
    assert np.allclose(sigma(Z), activations.sigmoid(Z), atol=1e-15)
    assert np.all((sigma(Z) > 0) & (sigma(Z) < 1))


def test_sigmoid_derivative_identity_by_finite_differences():
    numeric = np.array([central(sigma, z) for z in Z])
    assert np.allclose(sigma_prime(Z), numeric, atol=1e-9)
    assert sigma_prime(0.0) == pytest.approx(0.25)  # "never more than one quarter" (slide on ReLU)
    assert sigma_prime(Z).max() <= 0.25


def test_relu_is_max_zero_z_with_slope_one_for_positive_inputs():
    assert np.array_equal(activations.relu(Z), np.maximum(0.0, Z))
    positive = Z[Z > 0.5]
    assert np.allclose([central(activations.relu, z) for z in positive], 1.0)


def test_layer_equation_is_netcores_forward_pass():
    """a^(l) = sigma(W^(l) a^(l-1) + b^(l)) as a matrix-vector product, layer by layer."""
    rng = np.random.default_rng(1)
    net = Network.initialise([6, 4, 3], ["sigmoid", "sigmoid"], rng)
    a = rng.uniform(0, 1, 6)
    expected = a
    for w, b in zip(net.weights, net.biases):
        expected = sigma(w @ expected + b)
    assert np.allclose(net.feedforward(a[None])[0], expected, atol=1e-12)


def test_parameter_count_formula_equals_netcore():
    """Sum over layers of n_in * n_out + n_out, the slide's arithmetic, against netcore."""
    for layers in ([784, 16, 16, 10], [784, 30, 10], [4, 3, 2]):
        by_formula = sum(n_in * n_out + n_out for n_in, n_out in zip(layers[:-1], layers[1:]))
        net = Network.initialise(layers, ["sigmoid"] * (len(layers) - 1), np.random.default_rng(0))
        assert net.parameter_count == by_formula
    default = NetworkConfig()
    assert sum(i * o + o for i, o in zip(default.layers[:-1], default.layers[1:])) == 13_002  # the number


def test_quadratic_cost_of_one_example_and_the_average_match_netcore():
    rng = np.random.default_rng(2)
    a = rng.uniform(0, 1, (5, 10))
    y = np.eye(10)[rng.integers(0, 10, 5)]
    per_example = ((a - y) ** 2).sum(axis=1)  # C_x = sum_j (a_j - y_j)^2
    assert costs.QUADRATIC.value(a, y) == pytest.approx(per_example.mean())  # C = (1/n) sum_x C_x


# --- the chain of one neuron per layer --------------------------------------------------------

W1, B1, W2, B2, A0, Y = 0.8, -0.3, -1.4, 0.6, 0.7, 1.0  # two links: a0 -> a1 -> a2 = a^(L)


def chain_cost(w1=W1, b1=B1, w2=W2, b2=B2, a0=A0):
    a1 = sigma(w1 * a0 + b1)
    a2 = sigma(w2 * a1 + b2)
    return (a2 - Y) ** 2  # C_0 = (a^(L) - y)^2


def chain_values():
    z1 = W1 * A0 + B1
    a1 = sigma(z1)
    z2 = W2 * a1 + B2
    a2 = sigma(z2)
    return z1, a1, z2, a2


def test_dc_dw_is_the_three_factor_product():
    _, a1, z2, a2 = chain_values()
    product = a1 * sigma_prime(z2) * 2 * (a2 - Y)  # a^(L-1) sigma'(z^(L)) 2(a^(L) - y)
    assert product == pytest.approx(central(lambda w: chain_cost(w2=w), W2), rel=1e-7)


def test_dc_db_drops_the_first_factor():
    _, _, z2, a2 = chain_values()
    product = sigma_prime(z2) * 2 * (a2 - Y)
    assert product == pytest.approx(central(lambda b: chain_cost(b2=b), B2), rel=1e-7)


def test_dc_da_previous_carries_the_weight_and_recurses_one_layer_back():
    z1, a1, z2, a2 = chain_values()
    dc_da1 = W2 * sigma_prime(z2) * 2 * (a2 - Y)  # w^(L) sigma'(z^(L)) 2(a^(L) - y)

    def cost_of_a1(value):
        return (sigma(W2 * value + B2) - Y) ** 2

    assert dc_da1 == pytest.approx(central(cost_of_a1, a1), rel=1e-7)
    # "repeat the whole argument one layer back": dC/dw^(L-1) = a^(L-2) sigma'(z^(L-1)) dC/da^(L-1)
    assert A0 * sigma_prime(z1) * dc_da1 == pytest.approx(central(lambda w: chain_cost(w1=w), W1), rel=1e-6)


# --- many neurons per layer: indices and the sum over paths ------------------------------------


@pytest.fixture
def last_layer():
    rng = np.random.default_rng(3)
    a_prev = rng.uniform(0, 1, 5)  # a^(L-1), k = 0..4
    w = rng.normal(0, 1, (3, 5))  # w^(L)_{jk}
    b = rng.normal(0, 1, 3)
    y = np.array([0.0, 1.0, 0.0])
    return a_prev, w, b, y


def layer_cost(a_prev, w, b, y):
    return float(((sigma(w @ a_prev + b) - y) ** 2).sum())


def test_indexed_weight_derivative(last_layer):
    a_prev, w, b, y = last_layer
    z = w @ a_prev + b
    a = sigma(z)
    formula = np.outer(sigma_prime(z) * 2 * (a - y), a_prev)  # [j, k] = a_k sigma'(z_j) 2(a_j - y_j)
    numeric = np.zeros_like(w)
    for j in range(w.shape[0]):
        for k in range(w.shape[1]):
            def f(value, j=j, k=k):
                nudged = w.copy()
                nudged[j, k] = value
                return layer_cost(a_prev, nudged, b, y)
            numeric[j, k] = central(f, w[j, k])
    assert np.allclose(formula, numeric, rtol=1e-6, atol=1e-10)


def test_previous_activation_derivative_sums_over_all_paths(last_layer):
    a_prev, w, b, y = last_layer
    z = w @ a_prev + b
    a = sigma(z)
    formula = np.array([sum(w[j, k] * sigma_prime(z[j]) * 2 * (a[j] - y[j]) for j in range(len(z))) for k in range(len(a_prev))])
    numeric = []
    for k in range(len(a_prev)):
        def f(value, k=k):
            nudged = a_prev.copy()
            nudged[k] = value
            return layer_cost(nudged, w, b, y)
        numeric.append(central(f, a_prev[k]))
    assert np.allclose(formula, numeric, rtol=1e-6, atol=1e-10)
    # a single path (one j) would not do: the sum matters for this example
    one_path = w[0] * sigma_prime(z[0]) * 2 * (a[0] - y[0])
    assert not np.allclose(one_path, numeric)


def test_slide_formulas_agree_with_netcore_backprop_for_sigmoid_and_quadratic(last_layer):
    """netcore's matrix backprop on one example equals the indexed formulas of the slides."""
    a_prev, w, b, y = last_layer
    net = Network([5, 3], ["sigmoid"], [w.copy()], [b.copy()])
    grad_w, grad_b, _ = net.backprop(a_prev[None], y[None], "quadratic")
    z = w @ a_prev + b
    delta = sigma_prime(z) * 2 * (sigma(z) - y)
    assert np.allclose(grad_w[0], np.outer(delta, a_prev), atol=1e-12)
    assert np.allclose(grad_b[0], delta, atol=1e-12)


# --- the general equations: delta, its recursion, the real cost, the numpy slide -------------------

SLIDES = Path(__file__).resolve().parents[1] / "slides"
LAYERS = [6, 5, 4, 3]  # small, with two ReLU layers like the talk's network


def softmax(z):
    e = np.exp(z - z.max(axis=0))
    return e / e.sum(axis=0)


def relu_softmax_net(seed: int) -> Network:
    return Network.initialise(LAYERS, ["relu", "relu", "softmax"], np.random.default_rng(seed))


def slide_backprop(net: Network, x: np.ndarray, y: np.ndarray):
    """The slides' equations for one example (columns): delta^(L) = a - y,
    delta^(l) = ((W^(l+1))^T delta^(l+1)) * 1[z^(l) > 0], dC/dW = delta a^T, dC/db = delta."""
    zs, acts = [], [x]
    for l, (w, b) in enumerate(zip(net.weights, net.biases)):
        zs.append(w @ acts[-1] + b)
        acts.append(softmax(zs[-1]) if l == len(net.weights) - 1 else np.maximum(zs[-1], 0.0))
    deltas = [None] * len(net.weights)
    deltas[-1] = acts[-1] - y
    for l in range(len(net.weights) - 2, -1, -1):
        deltas[l] = (net.weights[l + 1].T @ deltas[l + 1]) * (zs[l] > 0)
    return [np.outer(d, a) for d, a in zip(deltas, acts[:-1])], deltas


def cross_entropy(net: Network, x: np.ndarray, label: int) -> float:
    return float(-np.log(net.feedforward(x[None])[0][label]))


def test_delta_recursion_reproduces_netcores_gradients():
    rng = np.random.default_rng(11)
    net = relu_softmax_net(4)
    x, label = rng.uniform(0, 1, LAYERS[0]), 1
    y = np.eye(LAYERS[-1])[label]
    grad_w, deltas = slide_backprop(net, x, y)
    ref_w, ref_b, _ = net.backprop(x[None], y[None], "cross_entropy")
    for l in range(len(LAYERS) - 1):
        assert np.allclose(grad_w[l], ref_w[l], atol=1e-12), l
        assert np.allclose(deltas[l], ref_b[l], atol=1e-12), l  # dC/db^(l) = delta^(l)


def test_delta_recursion_matches_finite_differences_for_every_weight():
    rng = np.random.default_rng(12)
    net = relu_softmax_net(5)
    x, label = rng.uniform(0, 1, LAYERS[0]), 2
    grad_w, _ = slide_backprop(net, x, np.eye(LAYERS[-1])[label])
    for l, w in enumerate(net.weights):
        numeric = np.zeros_like(w)
        for index in np.ndindex(w.shape):
            keep = w[index]
            w[index] = keep + H
            up = cross_entropy(net, x, label)
            w[index] = keep - H
            down = cross_entropy(net, x, label)
            w[index] = keep
            numeric[index] = (up - down) / (2 * H)
        assert np.allclose(grad_w[l], numeric, atol=1e-6), l


def test_softmax_with_cross_entropy_gives_output_delta_a_minus_y():
    rng = np.random.default_rng(13)
    z, label = rng.normal(0, 2, 10), 7
    a = softmax(z)
    numeric = [(-np.log(softmax(z + H * e)[label]) + np.log(softmax(z - H * e)[label])) / (2 * H) for e in np.eye(10)]
    assert np.allclose(a - np.eye(10)[label], numeric, atol=1e-8)
    assert a.sum() == pytest.approx(1.0) and np.all(a > 0)  # "positive and add up to one"


def test_relu_slope_is_the_indicator_of_a_positive_input():
    z = np.array([-2.0, -1e-9, 0.0, 1e-9, 3.0])
    assert np.array_equal(activations.relu_prime(z), (z > 0).astype(float))


def test_sigmoid_layers_shrink_delta_and_relu_layers_pass_it_on():
    """The vanishing slope, paid off: through the same weights, sigmoid deltas fade towards the input."""
    rng = np.random.default_rng(14)
    sizes = [16] * 8
    weights = [rng.normal(0, np.sqrt(2 / 16), (16, 16)) for _ in sizes[1:]]
    x = rng.uniform(0, 1, 16)
    for name, slope in (("sigmoid", sigma_prime), ("relu", lambda z: (z > 0).astype(float))):
        f = sigma if name == "sigmoid" else (lambda z: np.maximum(z, 0.0))
        zs, a = [], x
        for w in weights:
            zs.append(w @ a)
            a = f(zs[-1])
        delta = np.ones(16) * slope(zs[-1])
        norms = [np.linalg.norm(delta)]
        for l in range(len(weights) - 2, -1, -1):
            delta = (weights[l + 1].T @ delta) * slope(zs[l])
            norms.append(np.linalg.norm(delta))
        if name == "sigmoid":
            assert norms[-1] < 0.01 * norms[0], norms
        else:
            assert norms[-1] > 0.05 * norms[0], norms


def test_learning_rate_schedule_and_weight_decay_are_the_slides_formulas():
    cfg = NetworkConfig()
    for t in range(cfg.epochs):
        assert cfg.learning_rate_at(t) == pytest.approx(cfg.learning_rate * cfg.lr_decay**t)  # eta_t = eta_0 gamma^t
    w = np.random.default_rng(15).normal(size=(3, 4))
    lam = cfg.weight_decay
    numeric = np.array([(lam / 2 * ((w + H * e) ** 2).sum() - lam / 2 * ((w - H * e) ** 2).sum()) / (2 * H)
                        for e in np.eye(w.size).reshape(w.size, *w.shape)]).reshape(w.shape)
    assert np.allclose(numeric, lam * w, atol=1e-8)  # d/dw of (lambda/2) sum w^2 is lambda w


def slide_code() -> dict:
    """Run the numpy block of the calculus slides and return its functions."""
    text = (SLIDES / "11-calculus.md").read_text(encoding="utf-8")
    match = re.search(r"```\{ \.python data-line-numbers=\"[0-9|-]+\" \}\n(.*?)\n```", text, re.S)
    assert match, "the numpy slide's code block with code-line steps"
    lines = match.group(1).split("\n")
    assert 15 <= len(lines) <= 25, len(lines)
    namespace: dict = {"np": np}
    exec(compile(match.group(1), "11-calculus.md", "exec"), namespace)
    return namespace


def test_the_numpy_slide_takes_the_same_step_as_netcores_trainer():
    from netcore.step import MiniBatchSgd

    rng = np.random.default_rng(16)
    net = relu_softmax_net(6)
    images = rng.integers(0, 256, size=(8, LAYERS[0]), dtype=np.uint8)
    labels = rng.integers(0, LAYERS[-1], size=8)
    eta, lam = 0.3, 0.01
    ws = [w.copy() for w in net.weights]
    bs = [b[:, None].copy() for b in net.biases]
    slide_code()["sgd_step"](ws, bs, images.T / 255.0, np.eye(LAYERS[-1])[labels].T, eta, lam)
    sgd = MiniBatchSgd(net, images, labels, "cross_entropy", batch_size=8, weight_decay=lam, dtype=np.float64)
    for _ in sgd.epoch(np.arange(8), eta):
        pass
    for l in range(len(LAYERS) - 1):
        assert np.allclose(ws[l], net.weights[l], atol=1e-10), l
        assert np.allclose(bs[l][:, 0], net.biases[l], atol=1e-10), l


def test_equal_starting_weights_never_separate_and_random_ones_do():
    """Why the start must be random: identical neurons get identical deltas and stay copies."""
    from netcore.step import MiniBatchSgd

    rng = np.random.default_rng(17)
    images = rng.integers(0, 256, size=(64, LAYERS[0]), dtype=np.uint8)
    labels = rng.integers(0, LAYERS[-1], size=64)
    for equal in (True, False):
        net = relu_softmax_net(7)
        if equal:
            net.weights = [np.full_like(w, 0.3) for w in net.weights]
        sgd = MiniBatchSgd(net, images, labels, "cross_entropy", batch_size=8, dtype=np.float64)
        for _ in range(3):
            for _ in sgd.epoch(rng.permutation(64), 0.1):
                pass
        first = net.weights[0]
        same = np.allclose(first, first[0], atol=1e-12)
        assert same == equal
