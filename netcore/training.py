"""Seeded mini-batch stochastic gradient descent with a per-epoch record.

Nielsen's loop, vectorised: each epoch shuffles the training images, cuts them
into mini-batches and takes one gradient step per batch. After every epoch we
measure the costs and accuracies and keep a copy of the weights, which the
figures and the training-replay demo show.
"""

from __future__ import annotations

import math
import sys
import time
from dataclasses import dataclass, field

import numpy as np

from netcore import costs
from netcore.config import NetworkConfig
from netcore.data import Dataset, as_inputs
from netcore.errors import ConfigError, DataError, DivergenceError
from netcore.network import Network
from netcore.step import MiniBatchSgd

CHECK_EVERY = 100  # batches between cheap NaN checks inside an epoch
EXPLODED = 1.5  # a training cost this much above the random start's means divergence
TRAIN_EVAL_SIZE = 10_000  # training cost/accuracy are measured on this many training images (the first ones)
STUCK_AFTER = 3  # epochs after which chance-level training accuracy means training failed


@dataclass
class TrainingResult:
    """history records: epoch, learning_rate, train_cost/accuracy (on the first
    TRAIN_EVAL_SIZE training images), validation_cost/accuracy (None without a
    validation split), test_cost/accuracy, seconds (this epoch's SGD) and elapsed."""

    network: Network
    history: list[dict] = field(default_factory=list)  # one record per epoch, epoch 0 = before training
    snapshots: list[Network] = field(default_factory=list)  # weights at the end of each recorded epoch
    seconds: float = 0.0  # wall time of the whole run, evaluation included


def evaluate(net: Network, images: np.ndarray, labels: np.ndarray, cost_name: str, chunk: int = 10_000) -> tuple[float, float]:
    """(mean cost, accuracy) of the network on uint8 images, in chunks to bound memory."""
    return evaluate_inputs(net, as_inputs(images), labels, cost_name, chunk)


def evaluate_inputs(net: Network, inputs: np.ndarray, labels: np.ndarray, cost_name: str, chunk: int = 10_000) -> tuple[float, float]:
    """``evaluate`` on images already turned into network inputs (``as_inputs``)."""
    cost = costs.get(cost_name, net.activations[-1])
    total_cost, correct = 0.0, 0
    classes = net.layers[-1]
    for i in range(0, len(inputs), chunk):
        x = inputs[i : i + chunk]
        y = np.eye(classes)[labels[i : i + chunk]]
        out = net.feedforward(x)
        total_cost += cost.value(out, y) * len(x)
        correct += int((out.argmax(axis=1) == labels[i : i + chunk]).sum())
    return total_cost / len(inputs), correct / len(inputs)


@dataclass(frozen=True)
class Scored:
    """The images every epoch is scored on, turned into inputs once.

    Dividing 30,000 images by 255 costs more than the forward pass over them, so it
    is done before the first epoch instead of in each (same numbers, bit for bit). Their
    190 MB are the slowest memory a cold build first touches: the replay's early points
    (netcore.early) and the figures reuse the same arrays (FigureContext.scored)."""

    train: tuple[np.ndarray, np.ndarray]
    test: tuple[np.ndarray, np.ndarray]
    validation: tuple[np.ndarray, np.ndarray] | None

    @classmethod
    def of(cls, data: Dataset) -> "Scored":
        # A fixed sample of the training images: the same estimate for every epoch at a
        # fifth of the cost of all 50,000 (evaluation would otherwise outweigh training).
        sample = slice(0, TRAIN_EVAL_SIZE)
        validation = (as_inputs(data.validation_images), data.validation_labels) if len(data.validation_images) else None
        return cls((as_inputs(data.train_images[sample]), data.train_labels[sample]),
                   (as_inputs(data.test_images), data.test_labels), validation)


def check_compatible(cfg: NetworkConfig, data: Dataset) -> None:
    """The first and last layer sizes must match the data; say which key to change."""
    if cfg.layers[0] != data.pixels:
        raise ConfigError("layers", f"first layer has {cfg.layers[0]} neurons but the images have {data.pixels} pixels")
    if cfg.layers[-1] != data.classes:
        raise ConfigError("layers", f"last layer has {cfg.layers[-1]} neurons but the labels have {data.classes} classes")
    if len(data.train_images) == 0:
        raise DataError("no training images left after carving off the validation split")


def _record(net: Network, scored: Scored, cfg: NetworkConfig, epoch: int, seconds: float, elapsed: float) -> dict:
    train_cost, train_acc = evaluate_inputs(net, *scored.train, cfg.cost)
    test_cost, test_acc = evaluate_inputs(net, *scored.test, cfg.cost)
    record = {
        "epoch": epoch,
        "learning_rate": cfg.learning_rate_at(epoch - 1) if epoch > 0 else None,
        "train_cost": train_cost,
        "train_accuracy": train_acc,
        "validation_cost": None,
        "validation_accuracy": None,
        "test_cost": test_cost,
        "test_accuracy": test_acc,
        "seconds": seconds,
        "elapsed": elapsed,
    }
    if scored.validation is not None:
        record["validation_cost"], record["validation_accuracy"] = evaluate_inputs(net, *scored.validation, cfg.cost)
    return record


def _diverged(cfg: NetworkConfig, epoch: int, detail: str, what: str = "training diverged") -> DivergenceError:
    return DivergenceError(
        f"{what} in epoch {epoch} ({detail}); the learning rate {cfg.learning_rate:g} is likely too high "
        f"for the {cfg.hidden_activation}/{cfg.output_activation}/{cfg.cost} network: "
        f"try network.learning_rate: {cfg.learning_rate / 10:g}"
    )


def _check_progress(cfg: NetworkConfig, record: dict, initial: dict, classes: int) -> DivergenceError | None:
    """NaN, a cost above the random start's, or chance-level accuracy that persists."""
    epoch, cost = record["epoch"], record["train_cost"]
    if not math.isfinite(cost):
        return _diverged(cfg, epoch, "the training cost became NaN or infinite")
    if cost > EXPLODED * initial["train_cost"]:
        return _diverged(cfg, epoch, f"training cost {cost:.3g}, was {initial['train_cost']:.3g} before training")
    if epoch >= min(STUCK_AFTER, cfg.epochs) and record["train_accuracy"] <= 1.5 / classes:
        return _diverged(
            cfg, epoch, f"training accuracy {record['train_accuracy']:.1%} is no better than guessing; "
            "neurons saturated or died", what="training failed",
        )
    return None


def train(cfg: NetworkConfig, data: Dataset, progress: bool = True, scored: Scored | None = None) -> TrainingResult:
    """Train a fresh network as `cfg` says; the same cfg and data give identical weights.

    ``scored`` is ``Scored.of(data)`` when the caller has it already."""
    check_compatible(cfg, data)
    init_seed, shuffle_seed = np.random.SeedSequence(cfg.seed).spawn(2)
    net = Network.initialise(list(cfg.layers), cfg.activations, np.random.default_rng(init_seed))
    shuffler = np.random.default_rng(shuffle_seed)
    images = data.train_images.reshape(len(data.train_images), -1)
    n = len(images)
    batches = math.ceil(n / cfg.batch_size)

    sgd = MiniBatchSgd(net, images, data.train_labels, cfg.cost, cfg.batch_size, cfg.weight_decay)
    start = time.perf_counter()
    result = TrainingResult(net)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        if scored is None:
            scored = Scored.of(data)
        result.history.append(_record(net, scored, cfg, 0, 0.0, 0.0))
        result.snapshots.append(net.copy())
        with _progress_bar(cfg.epochs * batches, progress) as bar:
            for epoch in range(1, cfg.epochs + 1):
                epoch_start = time.perf_counter()
                rate = cfg.learning_rate_at(epoch - 1)
                order = shuffler.permutation(n)
                for k, out in enumerate(sgd.epoch(order, rate)):
                    if k % CHECK_EVERY == 0:
                        if not np.isfinite(out).all():
                            raise _diverged(cfg, epoch, "the outputs became NaN or infinite")
                        bar.update(min(CHECK_EVERY, batches - k))
                seconds = time.perf_counter() - epoch_start
                record = _record(net, scored, cfg, epoch, seconds, time.perf_counter() - start)
                problem = _check_progress(cfg, record, result.history[0], cfg.layers[-1])
                if problem is not None:
                    raise problem
                result.history.append(record)
                result.snapshots.append(net.copy())
                # The validation score, not the test score: what a speaker watches while tuning.
                shown = record["validation_accuracy"] if record["validation_accuracy"] is not None else record["train_accuracy"]
                label = "validation" if record["validation_accuracy"] is not None else "training"
                bar.set_postfix_str(f"epoch {epoch}: {label} accuracy {shown:.2%}")
    result.seconds = time.perf_counter() - start
    return result


def _progress_bar(total: int, enabled: bool):
    """A tqdm bar on stderr (stdout stays clean for the build's summary)."""
    from tqdm import tqdm

    return tqdm(total=total, desc="training", unit="batch", file=sys.stderr, disable=not enabled, leave=False, mininterval=0.5)
