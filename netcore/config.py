"""The network's configuration: one frozen, validated value that keys the cache.

The deck's `slides/deck.yaml` has a `network:` mapping whose keys are exactly
the fields below; `NetworkConfig.from_mapping` turns it into this object.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from netcore.errors import ConfigError

HIDDEN_ACTIVATIONS = ("sigmoid", "relu")
OUTPUT_ACTIVATIONS = ("sigmoid", "softmax")
COSTS = ("quadratic", "cross_entropy")


@dataclass(frozen=True)
class NetworkConfig:
    """Everything that determines the trained network (and so the cache key).

    The learning rate for epoch e (counting from 0) is
    `learning_rate * lr_decay ** e`: a simple exponential schedule.
    `weight_decay` is the L2 penalty (weight_decay / 2) * sum(w^2) added to the
    cost; it shrinks weights (not biases) a little every step.
    `validation_size` images are carved off the end of the 60,000 training
    images for tuning; the test set is never used for any choice.
    `data_dir` = None means the MNIST copy bundled in netcore/data/mnist.
    """

    layers: tuple[int, ...] = (784, 16, 16, 10)
    hidden_activation: str = "relu"
    output_activation: str = "softmax"
    cost: str = "cross_entropy"
    learning_rate: float = 0.2
    lr_decay: float = 0.9
    weight_decay: float = 1e-3
    batch_size: int = 32
    epochs: int = 30
    seed: int = 0
    validation_size: int = 10_000
    data_dir: str | None = field(default=None)

    def __post_init__(self) -> None:
        _validate(self)

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any] | None) -> "NetworkConfig":
        """Build from the deck's `network:` mapping; unknown keys get a 'did you mean'."""
        if mapping is None:
            return cls()
        if not isinstance(mapping, Mapping):
            raise ConfigError("network", f"must be a mapping of settings, got {type(mapping).__name__}")
        names = [f.name for f in dataclasses.fields(cls)]
        for key in mapping:
            if key not in names:
                close = difflib.get_close_matches(str(key), names, n=1)
                hint = f"; did you mean '{close[0]}'?" if close else f"; known keys: {', '.join(names)}"
                raise ConfigError(str(key), f"unknown network setting{hint}")
        values = dict(mapping)
        if "layers" in values and isinstance(values["layers"], list):
            values["layers"] = tuple(values["layers"])
        for key in ("learning_rate", "lr_decay", "weight_decay"):
            if isinstance(values.get(key), int) and not isinstance(values.get(key), bool):
                values[key] = float(values[key])
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (layers as a list)."""
        out = dataclasses.asdict(self)
        out["layers"] = list(self.layers)
        return out

    def digest(self) -> str:
        """SHA-256 of everything that affects training (not where the data lives)."""
        values = self.to_dict()
        values.pop("data_dir")  # the data's checksums stand in for its location
        text = json.dumps(values, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    def learning_rate_at(self, epoch: int) -> float:
        """Learning rate used during `epoch` (0-based)."""
        return self.learning_rate * self.lr_decay**epoch

    @property
    def activations(self) -> list[str]:
        """One activation name per weight layer."""
        return [self.hidden_activation] * (len(self.layers) - 2) + [self.output_activation]


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _choice(key: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        close = difflib.get_close_matches(str(value), allowed, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise ConfigError(key, f"must be one of {', '.join(allowed)}, got {value!r}{hint}")


def _number_hint(value: Any) -> str:
    if isinstance(value, str):
        return " (YAML reads numbers like 1e-1 as text; write 0.1 or 1.0e-1)"
    return ""


def _validate(cfg: NetworkConfig) -> None:
    layers = cfg.layers
    if not isinstance(layers, tuple) or len(layers) < 2:
        raise ConfigError("layers", f"must be a list of at least two layer sizes, got {layers!r}")
    for size in layers:
        if not _is_int(size) or size < 1:
            raise ConfigError("layers", f"layer sizes must be positive integers, got {size!r}")
    _choice("hidden_activation", cfg.hidden_activation, HIDDEN_ACTIVATIONS)
    _choice("output_activation", cfg.output_activation, OUTPUT_ACTIVATIONS)
    _choice("cost", cfg.cost, COSTS)
    if not _is_number(cfg.learning_rate) or cfg.learning_rate <= 0:
        raise ConfigError("learning_rate", f"must be a number > 0, got {cfg.learning_rate!r}{_number_hint(cfg.learning_rate)}")
    if not _is_number(cfg.lr_decay) or not 0 < cfg.lr_decay <= 1:
        raise ConfigError("lr_decay", f"must be a number in (0, 1], got {cfg.lr_decay!r}{_number_hint(cfg.lr_decay)}")
    if not _is_number(cfg.weight_decay) or cfg.weight_decay < 0:
        raise ConfigError("weight_decay", f"must be a number >= 0, got {cfg.weight_decay!r}{_number_hint(cfg.weight_decay)}")
    if not _is_int(cfg.batch_size) or cfg.batch_size < 1:
        raise ConfigError("batch_size", f"must be an integer >= 1, got {cfg.batch_size!r}")
    if not _is_int(cfg.epochs) or cfg.epochs < 1:
        raise ConfigError("epochs", f"must be an integer >= 1, got {cfg.epochs!r}")
    if not _is_int(cfg.seed) or cfg.seed < 0:
        raise ConfigError("seed", f"must be an integer >= 0, got {cfg.seed!r}")
    if not _is_int(cfg.validation_size) or cfg.validation_size < 0:
        raise ConfigError("validation_size", f"must be an integer >= 0, got {cfg.validation_size!r}")
    if cfg.data_dir is not None and (not isinstance(cfg.data_dir, str) or not cfg.data_dir):
        raise ConfigError("data_dir", f"must be a directory path or null, got {cfg.data_dir!r}")
