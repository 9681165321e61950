"""Mini-batch stochastic gradient descent, compiled once into a list of numpy calls.

`Network.backprop` is the readable reference: it builds new arrays for every z,
activation and delta. At a batch of 32 the arithmetic of a step takes a few
tens of microseconds, so making arrays, looking up functions and parsing
arguments would cost as much as the maths. `MiniBatchSgd` makes every buffer
once and writes each step as a fixed list of numpy calls on them (a "program"),
so a step is little more than those calls. The program uses four layouts that
change nothing in the maths:

- Examples are columns, as in the talk's matrix form a' = f(W a + b): z has one
  row per neuron and one column per example.
- Biases ride in the weights. Each layer's parameters are one (in + 1, out)
  block, W transposed with the bias as its last row, and every activation
  matrix ends in a row of ones; one product then gives z, and one gives the
  weight and bias gradients together.
- Pixels enter as 0..255 and the first block is stored divided by 255 (the
  input's constant entry is 255, not 1), so gathering a batch is a plain type
  conversion. The step size of that block is scaled to match: its updates are
  exactly those of the [0, 1] network.
- It computes in float32: the two 784-wide matrix products and the pixel
  conversion are most of a step, and single precision halves their memory
  traffic. The network itself stays float64 for evaluation, figures and the
  browser export; `sync()` writes the trained values back.

tests/test_netcore_step.py checks one step against the reference backpropagation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

import numpy as np

from netcore import activations, costs
from netcore.network import Network

TRAINING_DTYPE = np.float32
PIXEL_MAX = 255.0  # inputs are uint8 pixels; the network sees them divided by this


class MiniBatchSgd:
    """Trains `net`: epoch(order, rate) takes one step per mini-batch of the rows `order`.

    The network's parameters are read once, here, and written back after every epoch.

    images: uint8 rows (n, pixels). labels: each image's class; the wanted output is
    that class's one-hot vector.
    weight_decay: L2 strength; it shrinks the weights, never the biases.
    """

    def __init__(self, net: Network, images: np.ndarray, labels: np.ndarray, cost: str, batch_size: int,
                 weight_decay: float = 0.0, dtype: type = TRAINING_DTYPE):
        self.net, self.images, self.batch_size, self.weight_decay = net, images, batch_size, weight_decay
        self.dtype = dtype
        self.targets_by_column = np.take(np.eye(net.layers[-1], dtype=dtype), labels, axis=1)  # one-hot columns
        self.cost = cost
        shapes = [(fan_in + 1, fan_out) for fan_in, fan_out in zip(net.layers[:-1], net.layers[1:])]
        self.params, self.blocks = _blocks(shapes, dtype)
        self.steps, self.step_blocks = _blocks(shapes, dtype)  # rate x gradient, laid out like params
        self.decay, decay_blocks = _blocks(shapes, dtype)  # multiplies params each step
        for decay in decay_blocks:
            decay[-1] = 1.0  # bias rows never shrink
        self._decay_weights = [decay[:-1] for decay in decay_blocks]
        self._load()
        self._programs: dict[int, _StepProgram] = {}

    def epoch(self, order: np.ndarray, rate: float) -> Iterator[np.ndarray]:
        """Yields each batch's outputs (one column per example); `net` is updated at the end."""
        for weights in self._decay_weights:
            weights[...] = 1.0 - rate * self.weight_decay
        full = self._program(self.batch_size, rate)
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            yield (full if len(rows) == self.batch_size else self._program(len(rows), rate))(rows)
        self.sync()

    def sync(self) -> None:
        """Write the trained parameters into the network, undoing the first block's 1/255."""
        for block, w, b, scale in zip(self.blocks, self.net.weights, self.net.biases, self._storage_scales()):
            w[...] = block[:-1].T.astype(np.float64) * scale
            b[...] = block[-1].astype(np.float64) * scale

    def _load(self) -> None:
        for block, w, b, scale in zip(self.blocks, self.net.weights, self.net.biases, self._storage_scales()):
            block[:-1], block[-1] = w.T / scale, b / scale

    def _storage_scales(self) -> list[float]:
        """Each block holds its layer's parameters divided by this: 255 for the first, else 1."""
        return [PIXEL_MAX] + [1.0] * (len(self.blocks) - 1)

    def _program(self, n: int, rate: float) -> "_StepProgram":
        """The step program for batches of n examples (made once), set to this learning rate."""
        program = self._programs.get(n)
        if program is None:
            program = self._programs[n] = _StepProgram(self, n)
        program.factor[...] = rate / n
        return program


class _StepProgram:
    """The numpy calls of one SGD step for mini-batches of exactly n examples."""

    def __init__(self, sgd: MiniBatchSgd, n: int):
        dtype, sizes, names = sgd.dtype, sgd.net.layers, sgd.net.activations
        self.sgd, self.n = sgd, n
        self.raw = np.empty((n, sizes[0]), sgd.images.dtype)
        self.x = np.full((n, sizes[0] + 1), PIXEL_MAX, dtype)  # pixels, then the constant 255
        self.y = np.empty((sizes[-1], n), dtype)
        self.factor = np.zeros((), dtype)  # rate / n, set for each epoch
        zs = [np.empty((size, n), dtype) for size in sizes[1:]]
        deltas = [np.empty((size, n), dtype) for size in sizes[1:]]
        # acts[l] is the input to layer l as columns; hidden ones end in a row of ones.
        acts = [self.x.T] + [np.ones((size + 1, n), dtype) for size in sizes[1:-1]] + [np.empty((sizes[-1], n), dtype)]
        self.output = acts[-1]
        ops: list[Callable[[], object]] = []
        last = len(names) - 1
        for l, block in enumerate(sgd.blocks):
            ops.append(partial(np.dot, block.T, acts[l], zs[l]))
            ops += _forward(names[l], zs[l], acts[l + 1] if l == last else acts[l + 1][:-1])
        ops += _output_delta(sgd.cost, names[-1], zs[-1], acts[-1], self.y, deltas[-1])
        ops.append(partial(np.multiply, deltas[-1], self.factor, deltas[-1]))  # deltas become steps
        for l in range(last, -1, -1):
            if l == 0:  # the first block is stored divided by 255, and its input is 255 times larger
                ops.append(partial(np.multiply, deltas[0], dtype(1.0 / PIXEL_MAX**2), deltas[0]))
            ops.append(partial(np.dot, acts[l], deltas[l].T, sgd.step_blocks[l]))  # weights and bias at once
            if l > 0:
                ops.append(partial(np.dot, sgd.blocks[l][:-1], deltas[l], deltas[l - 1]))
                ops += _backward(names[l - 1], zs[l - 1], acts[l][:-1], deltas[l - 1])
        if sgd.weight_decay:
            ops.append(partial(np.multiply, sgd.params, sgd.decay, sgd.params))
        ops.append(partial(np.subtract, sgd.params, sgd.steps, sgd.params))
        self.ops = ops

    def __call__(self, rows: np.ndarray) -> np.ndarray:
        sgd = self.sgd
        np.take(sgd.images, rows, 0, self.raw)
        np.copyto(self.x[:, :-1], self.raw)
        np.take(sgd.targets_by_column, rows, 1, self.y)
        for op in self.ops:
            op()
        return self.output


def _forward(name: str, z: np.ndarray, a: np.ndarray) -> list[Callable[[], object]]:
    """Calls that write a = f(z); the same equations as activations.py, over columns."""
    if name == "relu":
        return [partial(np.maximum, z, z.dtype.type(0), out=a)]
    if name == "sigmoid":  # 0.5 * (1 + tanh(z / 2)): never overflows
        return [partial(np.multiply, z, 0.5, a), partial(np.tanh, a, a), partial(np.add, a, 1.0, a), partial(np.multiply, a, 0.5, a)]
    if name == "softmax":  # shifted by each column's maximum so exp() cannot overflow
        top, total = np.empty((1, z.shape[1]), z.dtype), np.empty((1, z.shape[1]), z.dtype)
        return [partial(np.maximum.reduce, z, 0, None, top, True), partial(np.subtract, z, top, a), partial(np.exp, a, a),
                partial(np.add.reduce, a, 0, None, total, True), partial(np.divide, a, total, a)]
    raise ValueError(f"no step program for the activation {name!r}")


def _backward(name: str, z: np.ndarray, a: np.ndarray, grad: np.ndarray) -> list[Callable[[], object]]:
    """Calls that turn grad (dC/da of a hidden layer) into dC/dz in place."""
    if name == "relu":
        mask = np.empty(z.shape, bool)
        return [partial(np.greater, z, z.dtype.type(0), mask), partial(np.multiply, grad, mask, grad)]
    if name == "sigmoid":  # grad * a * (1 - a)
        spare = np.empty_like(a)
        return [partial(np.subtract, 1.0, a, spare), partial(np.multiply, grad, a, grad), partial(np.multiply, grad, spare, grad)]
    raise ValueError(f"no step program for the hidden activation {name!r}")


def _output_delta(cost_name: str, name: str, z: np.ndarray, a: np.ndarray, y: np.ndarray, delta: np.ndarray) -> list[Callable[[], object]]:
    """Calls that write dC/dz of the output layer for each example (each column)."""
    if costs.output_delta_shortcut(cost_name, name):  # cross-entropy: simply a - y
        return [partial(np.subtract, a, y, delta)]
    cost, output = costs.get(cost_name, name), activations.get(name)
    return [lambda: np.copyto(delta, output.backward(z.T, a.T, cost.gradient(a.T, y.T)).T)]


def _blocks(shapes: list[tuple[int, int]], dtype: type) -> tuple[np.ndarray, list[np.ndarray]]:
    """One flat buffer and a C-ordered view of it for each shape, back to back."""
    flat = np.empty(sum(rows * cols for rows, cols in shapes), dtype)
    views, offset = [], 0
    for rows, cols in shapes:
        views.append(flat[offset : offset + rows * cols].reshape(rows, cols))
        offset += rows * cols
    return flat, views
