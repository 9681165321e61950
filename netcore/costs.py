"""Cost functions. Values are per-example sums over the outputs, averaged over examples.

quadratic:      C_x = sum_j (a_j - y_j)^2            (the one the talk derives; no 1/2)
cross_entropy:  C_x = -sum_j y_j ln a_j               with a softmax output
                C_x = -sum_j [y_j ln a_j + (1-y_j) ln(1-a_j)]  with sigmoid outputs
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

_EPS = 1e-12  # keeps ln() finite when an output saturates at exactly 0 or 1


@dataclass(frozen=True)
class Cost:
    """`value(a, y)` is the mean cost over rows; `gradient(a, y)` is dC_x/da per row."""

    name: str
    value: Callable[[np.ndarray, np.ndarray], float]
    gradient: Callable[[np.ndarray, np.ndarray], np.ndarray]


def _quadratic_value(a: np.ndarray, y: np.ndarray) -> float:
    return float(((a - y) ** 2).sum() / len(a))


def _categorical_value(a: np.ndarray, y: np.ndarray) -> float:
    return float(-(y * np.log(a + _EPS)).sum() / len(a))


def _binary_value(a: np.ndarray, y: np.ndarray) -> float:
    return float(-(y * np.log(a + _EPS) + (1 - y) * np.log(1 - a + _EPS)).sum() / len(a))


QUADRATIC = Cost("quadratic", _quadratic_value, lambda a, y: 2.0 * (a - y))
CATEGORICAL_CROSS_ENTROPY = Cost("cross_entropy", _categorical_value, lambda a, y: -y / (a + _EPS))
BINARY_CROSS_ENTROPY = Cost(
    "cross_entropy", _binary_value, lambda a, y: (a - y) / ((a + _EPS) * (1 - a + _EPS))
)


def get(name: str, output_activation: str) -> Cost:
    """The cost object for a name; cross-entropy's form depends on the output layer."""
    if name == "quadratic":
        return QUADRATIC
    if name == "cross_entropy":
        return CATEGORICAL_CROSS_ENTROPY if output_activation == "softmax" else BINARY_CROSS_ENTROPY
    raise KeyError(name)


def output_delta_shortcut(cost: str, output_activation: str) -> bool:
    """True when dC/dz at the output is simply (a - y): cross-entropy with softmax or sigmoid.

    Using the shortcut avoids dividing by a saturated output; the gradient check
    confirms it equals the general chain-rule path.
    """
    return cost == "cross_entropy"
