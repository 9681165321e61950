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
from netcore.training import _record

EARLY_FRACTIONS = (0.004, 0.012, 0.035, 0.1, 0.3)  # of the first epoch's mini-batches


def source_files() -> list[Path]:
    return [Path(__file__).resolve()]


def to_files(found: list[tuple[dict, Network]]) -> dict[str, bytes]:
    """The records for the cache: their history entries as JSON, their networks' arrays as .npz."""
    import io
    import json

    arrays = {f"{i}-{kind}{l}": a for i, (_, net) in enumerate(found)
              for kind, group in (("w", net.weights), ("b", net.biases)) for l, a in enumerate(group)}
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    shape = [{"layers": list(net.layers), "activations": list(net.activations)} for _, net in found]
    return {"records.json": json.dumps({"records": [r for r, _ in found], "networks": shape}, sort_keys=True).encode(),
            "networks.npz": buffer.getvalue()}


def from_files(records_json: bytes, networks_npz: bytes) -> list[tuple[dict, Network]]:
    """``to_files`` read back; a ValueError for anything that does not fit (the cache redoes it)."""
    import io
    import json

    value = json.loads(records_json)
    records, shapes = value["records"], value["networks"]
    if not isinstance(records, list) or not isinstance(shapes, list) or len(records) != len(shapes):
        raise ValueError("early records and networks do not match")
    found = []
    with np.load(io.BytesIO(networks_npz), allow_pickle=False) as arrays:
        for i, (record, shape) in enumerate(zip(records, shapes)):
            depth = len(shape["layers"]) - 1
            weights = [arrays[f"{i}-w{l}"] for l in range(depth)]
            biases = [arrays[f"{i}-b{l}"] for l in range(depth)]
            if not isinstance(record, dict) or any(w.shape != (o, n) for w, n, o in zip(weights, shape["layers"], shape["layers"][1:])):
                raise ValueError("an early network's shapes do not fit its layers")
            found.append((record, Network(list(shape["layers"]), list(shape["activations"]), weights, biases)))
    return found


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
    scored = ctx.scored
    out = []
    for k, snap in early:
        record = _record(snap, scored, cfg, 1, 0.0, 0.0)
        record["epoch"] = k / batches
        out.append((record, snap))
    return out
