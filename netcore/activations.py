"""Activation functions and how to push a gradient back through them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class Activation:
    """An activation a = f(z) applied to each row of z (one row per example).

    `backward(z, a, grad)` turns dC/da into dC/dz. For element-wise functions
    that is grad * f'(z); softmax mixes the outputs of a row, so it needs the
    full Jacobian-vector product.
    """

    name: str
    forward: Callable[[np.ndarray], np.ndarray]
    backward: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray], np.ndarray] | None = None  # element-wise ones only


def sigmoid(z: np.ndarray) -> np.ndarray:
    """1 / (1 + e^-z), written via tanh so large |z| never overflows."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def sigmoid_prime(z: np.ndarray) -> np.ndarray:
    s = sigmoid(z)
    return s * (1.0 - s)


def relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0)


def relu_prime(z: np.ndarray) -> np.ndarray:
    """Step function; we take the derivative at exactly 0 to be 0."""
    return (z > 0).astype(z.dtype)


def softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise softmax, shifted by the row maximum for numerical safety."""
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _softmax_backward(z: np.ndarray, a: np.ndarray, grad: np.ndarray) -> np.ndarray:
    # dC/dz_i = a_i * (dC/da_i - sum_j dC/da_j a_j)
    return a * (grad - (grad * a).sum(axis=-1, keepdims=True))


SIGMOID = Activation("sigmoid", sigmoid, lambda z, a, g: g * a * (1.0 - a), sigmoid_prime)
RELU = Activation("relu", relu, lambda z, a, g: g * (z > 0), relu_prime)
SOFTMAX = Activation("softmax", softmax, _softmax_backward)

ACTIVATIONS = {f.name: f for f in (SIGMOID, RELU, SOFTMAX)}


def get(name: str) -> Activation:
    return ACTIVATIONS[name]
