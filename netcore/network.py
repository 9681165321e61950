"""A multilayer perceptron: forward pass and backpropagation over a whole mini-batch.

Conventions: a mini-batch is a matrix X with one example per row, shape (n, 784).
Layer l has weights W[l] of shape (out, in) and biases b[l] of shape (out,), so
    z = a_prev @ W.T + b,   a = f(z)
is the row-wise form of the textbook a = f(W a_prev + b).

This is the readable reference. Training runs netcore.step, which computes the
same step with preallocated buffers; tests/test_netcore_step.py holds the two
together.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from netcore import activations, costs


@dataclass
class Network:
    layers: list[int]
    activations: list[str]  # one per weight layer
    weights: list[np.ndarray]
    biases: list[np.ndarray]

    @classmethod
    def initialise(cls, layers: list[int], activation_names: list[str], rng: np.random.Generator) -> "Network":
        """Random start scaled to each layer's activation so signals neither vanish nor explode.

        He (std sqrt(2/fan_in)) for ReLU; Glorot/Xavier (std sqrt(2/(fan_in+fan_out)))
        for sigmoid and softmax. Biases start at zero.
        """
        weights, biases = [], []
        for fan_in, fan_out, name in zip(layers[:-1], layers[1:], activation_names):
            std = np.sqrt(2.0 / fan_in) if name == "relu" else np.sqrt(2.0 / (fan_in + fan_out))
            weights.append(rng.normal(0.0, std, size=(fan_out, fan_in)))
            biases.append(np.zeros(fan_out))
        return cls(list(layers), list(activation_names), weights, biases)

    @property
    def parameter_count(self) -> int:
        return self.weight_count + self.bias_count

    @property
    def weight_count(self) -> int:
        return sum(w.size for w in self.weights)

    @property
    def bias_count(self) -> int:
        return sum(b.size for b in self.biases)

    def forward(self, x: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Return (zs, activations); activations[0] is the input itself."""
        zs, acts = [], [x]
        for w, b, name in zip(self.weights, self.biases, self.activations):
            z = acts[-1] @ w.T + b
            zs.append(z)
            acts.append(activations.get(name).forward(z))
        return zs, acts

    def feedforward(self, x: np.ndarray) -> np.ndarray:
        """Output activations only."""
        return self.forward(x)[1][-1]

    def predict(self, x: np.ndarray, chunk: int = 10_000) -> np.ndarray:
        """Most active output neuron per row, in chunks to bound memory."""
        return np.concatenate([self.feedforward(x[i : i + chunk]).argmax(axis=1) for i in range(0, len(x), chunk)])

    def backprop(self, x: np.ndarray, y: np.ndarray, cost_name: str) -> tuple[list[np.ndarray], list[np.ndarray], np.ndarray]:
        """Gradients of the mean cost over the rows of (x, y), plus the output activations.

        delta = dC/dz for one layer; moving back one layer multiplies by W and by f'(z).
        The sum over examples happens inside the matrix product delta.T @ a_prev.
        """
        zs, acts = self.forward(x)
        n = len(x)
        output = activations.get(self.activations[-1])
        if costs.output_delta_shortcut(cost_name, output.name):
            delta = acts[-1] - y
        else:
            cost = costs.get(cost_name, output.name)
            delta = output.backward(zs[-1], acts[-1], cost.gradient(acts[-1], y))
        delta = delta / n
        grad_w: list[np.ndarray] = [np.empty(0)] * len(self.weights)
        grad_b: list[np.ndarray] = [np.empty(0)] * len(self.weights)
        for l in range(len(self.weights) - 1, -1, -1):
            grad_w[l] = delta.T @ acts[l]
            grad_b[l] = delta.sum(axis=0)
            if l > 0:
                hidden = activations.get(self.activations[l - 1])
                delta = hidden.backward(zs[l - 1], acts[l], delta @ self.weights[l])
        return grad_w, grad_b, acts[-1]

    def copy(self) -> "Network":
        return Network(list(self.layers), list(self.activations), [w.copy() for w in self.weights], [b.copy() for b in self.biases])
