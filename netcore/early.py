"""Snapshots inside the first epoch, for the training-replay demo.

One epoch of 50,000 digits takes the network from chance (about 7 %) to about
92 %, so a replay recorded once per epoch shows the learning the audience came
to see happen between its first two points. The trainer is deterministic, so
here the first epoch is run again from the same seeds and the network is kept
after a few early mini-batches (spaced for a log-scaled step axis). The rerun
must end on exactly the trainer's own weights after epoch 1; if it does not
(the trainer changed), there are no early points rather than wrong ones.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from netcore.figures.context import FigureContext
from netcore.network import Network
from netcore.step import MiniBatchSgd
from netcore.training import _record, _Scored

EARLY_FRACTIONS = (0.004, 0.012, 0.035, 0.1, 0.3)  # of the first epoch's mini-batches


def source_files() -> list[Path]:
    return [Path(__file__).resolve()]


def records(ctx: FigureContext) -> list[tuple[dict, Network]]:
    """(history record with a fractional epoch, network) inside epoch 1, in order; [] if the rerun disagrees."""
    cfg, model = ctx.config, ctx.model
    if len(model.snapshots) < 2 or model.history[1]["epoch"] != 1:
        return []
    data = ctx.dataset
    init_seed, shuffle_seed = np.random.SeedSequence(cfg.seed).spawn(2)  # as netcore.training.train
    net = Network.initialise(list(cfg.layers), cfg.activations, np.random.default_rng(init_seed))
    if any(not np.array_equal(a, b) for a, b in zip(net.weights, model.snapshots[0].weights)):
        return []
    images = data.train_images.reshape(len(data.train_images), -1)
    batches = math.ceil(len(images) / cfg.batch_size)
    keep = sorted({max(1, round(f * batches)) for f in EARLY_FRACTIONS})
    sgd = MiniBatchSgd(net, images, data.train_labels, cfg.cost, cfg.batch_size, cfg.weight_decay)
    order = np.random.default_rng(shuffle_seed).permutation(len(images))
    early: list[tuple[int, Network]] = []
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for k, _ in enumerate(sgd.epoch(order, cfg.learning_rate_at(0)), start=1):
            if k in keep:
                sgd.sync()
                early.append((k, net.copy()))
    final = model.snapshots[1]
    if any(not np.array_equal(a, b) for a, b in zip(net.weights + net.biases, final.weights + final.biases)):
        return []
    scored = _Scored.of(data)
    out = []
    for k, snap in early:
        record = _record(snap, scored, cfg, 1, 0.0, 0.0)
        record["epoch"] = k / batches
        out.append((record, snap))
    return out
