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
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from netcore.errors import ConfigError

# What training may cost before it starts: a talk's network trains in seconds to minutes.
MAX_TRAIN_SECONDS = 3600.0
MEMORY_SHARE = 0.5  # of this machine's memory
MNIST_TRAIN_IMAGES = 60_000  # for the estimate; another data_dir of similar size gives a similar one
EVAL_CHUNK = 10_000  # training.evaluate's chunk
EVAL_IMAGES = 20_000  # evaluated every epoch besides the validation split: training sample + test set
# This machine class's speed for the vectorised trainer (calibrated on the default talk:
# 46,890 steps of a 13,002-parameter network trained in 6.5-7 s on a shared 2-core machine;
# the estimate says 9 s, so a slower runner is not promised too little).
FLOPS_PER_SECOND = 2.5e10
SECONDS_PER_STEP = 8e-5  # Python and numpy overhead of one mini-batch step

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


def _integer_hint(value: Any) -> str:
    """``epochs: 1e9`` is text to YAML; say so, with the number written out."""
    try:
        number = float(value) if isinstance(value, str) else None
    except ValueError:
        return ""
    if number is None or not math.isfinite(number) or number != int(number):
        return ""
    return f" (YAML reads {value.strip()} as text; write {int(number)})"


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
        raise ConfigError("batch_size", f"must be an integer >= 1, got {cfg.batch_size!r}{_integer_hint(cfg.batch_size)}")
    if not _is_int(cfg.epochs) or cfg.epochs < 1:
        raise ConfigError("epochs", f"must be an integer >= 1, got {cfg.epochs!r}{_integer_hint(cfg.epochs)}")
    if not _is_int(cfg.seed) or cfg.seed < 0:
        raise ConfigError("seed", f"must be an integer >= 0, got {cfg.seed!r}")
    if not _is_int(cfg.validation_size) or cfg.validation_size < 0:
        raise ConfigError("validation_size", f"must be an integer >= 0, got {cfg.validation_size!r}")
    if cfg.data_dir is not None and (not isinstance(cfg.data_dir, str) or not cfg.data_dir):
        raise ConfigError("data_dir", f"must be a directory path or null, got {cfg.data_dir!r}")
    _check_budget(cfg)


@dataclass(frozen=True)
class Estimate:
    """What training ``cfg`` will cost, worked out before anything is allocated."""

    parameters: int
    steps: int
    seconds: float
    network_bytes: int  # weights, gradients and evaluation activations
    batch_bytes: int  # one mini-batch's activations
    history_bytes: int  # a copy of the weights per epoch, kept and written to the cache

    @property
    def total_bytes(self) -> int:
        return self.network_bytes + self.batch_bytes + self.history_bytes + MNIST_TRAIN_IMAGES * 28 * 28


def estimate(cfg: NetworkConfig) -> Estimate:
    layers = cfg.layers
    parameters = sum(a * b + b for a, b in zip(layers, layers[1:]))
    images = max(MNIST_TRAIN_IMAGES - cfg.validation_size, 1)
    batches = math.ceil(images / min(cfg.batch_size, images))
    steps = cfg.epochs * batches
    flops = cfg.epochs * (6 * parameters * images + 2 * parameters * (EVAL_IMAGES + cfg.validation_size))
    seconds = flops / FLOPS_PER_SECOND + steps * SECONDS_PER_STEP
    width = sum(layers)
    return Estimate(
        parameters=parameters,
        steps=steps,
        seconds=seconds,
        network_bytes=8 * (4 * parameters + 3 * EVAL_CHUNK * width),
        batch_bytes=8 * 4 * cfg.batch_size * width,  # the trainer allocates a full batch even beyond the data
        history_bytes=8 * 3 * (cfg.epochs + 1) * parameters,
    )


def describe_seconds(seconds: float) -> str:
    """``40 s``, ``12 min``, ``3.5 h``, ``2,000 days``: an estimate's precision."""
    if seconds < 90:
        return f"{max(seconds, 1):.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:,.0f} days"


def describe_bytes(count: float) -> str:
    for unit, size in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6)):
        if count >= size:
            return f"{count / size:,.1f} {unit}"
    return f"{count / 1e3:.0f} kB"


def machine_memory() -> int:
    """Physical memory in bytes (a generous guess where the platform will not say)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 16 * 2**30


def _check_budget(cfg: NetworkConfig) -> None:
    """Refuse, before any allocation, a network this machine cannot hold or train in reasonable time."""
    guess = estimate(cfg)
    limit = MEMORY_SHARE * machine_memory()
    shape = "-".join(str(size) for size in cfg.layers)
    budget = f"more than {MEMORY_SHARE:.0%} of this machine's {describe_bytes(machine_memory())}"
    if guess.network_bytes > limit:
        raise ConfigError("layers", f"a {shape} network ({guess.parameters:,} parameters) needs about "
                                    f"{describe_bytes(guess.network_bytes)} of memory to train, {budget}; use smaller layers")
    if guess.batch_bytes > limit:
        raise ConfigError("batch_size", f"a batch of {cfg.batch_size:,} needs about {describe_bytes(guess.batch_bytes)} "
                                        f"of memory, {budget}; use a smaller batch_size")
    if guess.seconds > MAX_TRAIN_SECONDS:
        raise ConfigError("epochs", f"training {shape} for {cfg.epochs:,} epochs ({guess.steps:,} steps) would take "
                                    f"about {describe_seconds(guess.seconds)}, more than the {describe_seconds(MAX_TRAIN_SECONDS)} "
                                    "a build may spend; use fewer epochs or smaller layers")
    if guess.total_bytes > limit:
        raise ConfigError("epochs", f"keeping the weights of all {cfg.epochs:,} epochs of a {shape} network needs about "
                                    f"{describe_bytes(guess.total_bytes)}, {budget}; use fewer epochs or smaller layers")
