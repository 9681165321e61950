"""Data for the browser demos: the model, per-epoch snapshots and sample test digits.

Each is a classic script assigning its value to `window.DeckData.net.<name>`,
because a deck opened from file:// cannot fetch(). Arrays travel packed
(base64 of float32 weights, float16 snapshots, uint8 pixels: deck.compute.packed)
and the page's loader turns them back into the nested arrays the demos read,
so the keys below are the interface; add, never rename. `model.json` keeps the
final network exact for other tools; the page never loads it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from deck import compute
from deck.compute import browser_script, packed
from netcore.data import as_inputs

if TYPE_CHECKING:  # numpy is needed to make the files, not to find them in the cache
    import numpy as np

HERE = Path(__file__).resolve().parent
SAMPLE_COUNT = 500  # the first 500 test digits: the digits to step through on stage, and the JS parity test
SNAPSHOT_BUDGET = 1_000_000  # numbers; above this only first-layer weights are kept per epoch


def source_files() -> list[Path]:
    """The code that shapes the exported files (named, not imported: a warm build needs no numpy);
    deck/compute.py writes the scripts around them."""
    return [HERE / "export.py", HERE / "early.py", Path(compute.__file__)]


def _array(values: np.ndarray, dtype: str) -> dict:
    """One packed array: float32 for the network, float16 for snapshots, uint8 for pixels."""
    import numpy as np

    numpy_type = {"f32": "<f4", "f16": "<f2", "u8": "u1"}[dtype]
    return packed(np.ascontiguousarray(values, dtype=numpy_type).tobytes(), dtype, values.shape)


def _script(name: str, value: dict) -> bytes:
    return browser_script("net", name, json.dumps(value, separators=(",", ":")))


def model_value(ctx, exact: bool) -> dict:
    """The final network: exact floats for model.json, packed float32 for the page.

    Float32 keeps the demos' answers equal to numpy's on the same weights (the
    parity test runs numpy on what the page decodes); the inputs are pixel / 255."""
    net, cfg = ctx.network, ctx.config
    return {
        "layers": list(cfg.layers),
        "activations": list(net.activations),
        "weights": [w.tolist() if exact else _array(w, "f32") for w in net.weights],
        "biases": [b.tolist() if exact else _array(b, "f32") for b in net.biases],
        "cost": cfg.cost,
        "test_accuracy": ctx.facts["test_accuracy"],
        "epochs": cfg.epochs,
    }


def snapshots_value(ctx, inside: list) -> dict:
    """Per-epoch weights (float16: a replay shows them, it does not compute with them) and history,
    with the points ``inside`` the first epoch (fractional epochs, netcore.early) where most learning happens."""
    model = ctx.model
    history = model.history[:1] + [r for r, _ in inside] + model.history[1:]
    snapshots = model.snapshots[:1] + [n for _, n in inside] + model.snapshots[1:]
    total = model.network.parameter_count * len(snapshots)
    layers_kept = len(model.network.weights) if total <= SNAPSHOT_BUDGET else 1
    return {
        "layers": list(model.config.layers),
        "activations": list(model.network.activations),
        "layers_included": layers_kept,
        "precision": "float16",
        "batches_per_epoch": -(-model.train_size // model.config.batch_size),  # epoch x this = gradient steps
        # Wall-clock fields are left out: they differ between runs and would
        # break byte-identical rebuilds; the demos only need costs and accuracies.
        # Keys sorted: a history read back from the cache has them in that order, a
        # fresh one in the trainer's, and the file must not depend on which it was.
        "history": [{k: h[k] for k in sorted(h) if k not in ("seconds", "elapsed")} for h in history],
        "snapshots": [
            {
                "epoch": record["epoch"],
                "weights": [_array(w, "f16") for w in snap.weights[:layers_kept]],
                "biases": [_array(b, "f16") for b in snap.biases[:layers_kept]],
            }
            for record, snap in zip(history, snapshots)
        ],
    }


def samples_value(ctx) -> dict:
    """The first SAMPLE_COUNT test digits with labels and the network's answers."""
    import numpy as np

    images = ctx.test_images[:SAMPLE_COUNT]
    labels = ctx.test_labels[:SAMPLE_COUNT]
    _, acts = ctx.network.forward(as_inputs(images))
    predictions = acts[-1].argmax(axis=1)
    return {
        "count": len(images),
        "source": "first test images of the data set, in file order",
        "shape": list(images.shape[1:]),
        "input_scale": "network input = pixel / 255 (pixels are 0..255, row-major)",
        "misclassified": [int(i) for i in np.flatnonzero(predictions != labels)],
        "digits": [
            {"index": i, "label": int(labels[i]), "prediction": int(predictions[i]), "pixels": _array(images[i].ravel(), "u8")}
            for i in range(len(images))
        ],
    }


def files(ctx, early_records: list) -> dict[str, bytes]:
    """All exported files, names relative to the output's data/ directory (``early_records``: netcore.early.records)."""
    return {
        "model.json": json.dumps(model_value(ctx, exact=True), separators=(",", ":")).encode(),
        "model.js": _script("model", model_value(ctx, exact=False)),
        "snapshots.js": _script("snapshots", snapshots_value(ctx, early_records)),
        "samples.js": _script("samples", samples_value(ctx)),
    }
