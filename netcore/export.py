"""Data for the browser demos: the model, per-epoch snapshots and sample test digits.

Each file is written as JSON and as a classic script assigning the same value
to `window.DeckData.net.<name>`, because a deck opened from file:// cannot fetch().
Keys are a stable interface; add, never rename.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from netcore.data import as_inputs

HERE = Path(__file__).resolve().parent
SAMPLE_COUNT = 1000  # the first 1000 test digits: enough for the JS parity test
SNAPSHOT_DIGITS = 5  # significant digits in snapshots (model.json stays exact)
SNAPSHOT_BUDGET = 1_000_000  # numbers; above this only first-layer weights are kept per epoch


def source_files() -> list[Path]:
    return [HERE / "export.py"]


def _script(name: str, text: str) -> bytes:
    return (
        "window.DeckData = window.DeckData || {};\n"
        "window.DeckData.net = window.DeckData.net || {};\n"
        f"window.DeckData.net.{name} = {text};\n"
    ).encode()


def _pair(name: str, text: str) -> dict[str, bytes]:
    return {f"{name}.json": text.encode(), f"{name}.js": _script(name, text)}


def _rounded(array: np.ndarray, digits: int) -> str:
    """A JSON array literal of `array` with `digits` significant digits, fast."""
    if array.ndim == 1:
        return "[" + ",".join(np.char.mod(f"%.{digits}g", array)) + "]"
    return "[" + ",".join(_rounded(row, digits) for row in array) + "]"


def model_json(ctx) -> str:
    """The final network, exact (shortest round-trip floats) for 1e-5 parity in JS.

    Exactly the keys issue 2 fixed; the inputs it expects are pixel / 255.
    """
    net, cfg = ctx.network, ctx.config
    value = {
        "layers": list(cfg.layers),
        "activations": list(net.activations),
        "weights": [w.tolist() for w in net.weights],
        "biases": [b.tolist() for b in net.biases],
        "cost": cfg.cost,
        "test_accuracy": ctx.facts["test_accuracy"],
        "epochs": cfg.epochs,
    }
    return json.dumps(value, separators=(",", ":"))


def snapshots_json(ctx) -> str:
    """Per-epoch weights (rounded) and history, for the training-replay demo."""
    model = ctx.model
    total = model.network.parameter_count * len(model.snapshots)
    layers_kept = len(model.network.weights) if total <= SNAPSHOT_BUDGET else 1
    epochs = []
    for record, snap in zip(model.history, model.snapshots):
        weights = ",".join(_rounded(w, SNAPSHOT_DIGITS) for w in snap.weights[:layers_kept])
        biases = ",".join(_rounded(b, SNAPSHOT_DIGITS) for b in snap.biases[:layers_kept])
        epochs.append(f'{{"epoch":{record["epoch"]},"weights":[{weights}],"biases":[{biases}]}}')
    head = {
        "layers": list(model.config.layers),
        "activations": list(model.network.activations),
        "layers_included": layers_kept,
        "significant_digits": SNAPSHOT_DIGITS,
        # Wall-clock fields are left out: they differ between runs and would
        # break byte-identical rebuilds; the demos only need costs and accuracies.
        # Keys sorted: a history read back from the cache has them in that order, a
        # fresh one in the trainer's, and the file must not depend on which it was.
        "history": [{k: h[k] for k in sorted(h) if k not in ("seconds", "elapsed")} for h in model.history],
    }
    text = json.dumps(head, separators=(",", ":"))
    return text[:-1] + ',"snapshots":[' + ",".join(epochs) + "]}"


def samples_json(ctx) -> str:
    """The first SAMPLE_COUNT test digits with labels and the network's answers."""
    images = ctx.test_images[:SAMPLE_COUNT]
    labels = ctx.test_labels[:SAMPLE_COUNT]
    _, acts = ctx.network.forward(as_inputs(images))
    predictions = acts[-1].argmax(axis=1)
    digits = []
    for i in range(len(images)):
        digits.append(
            "{"
            f'"index":{i},"label":{int(labels[i])},"prediction":{int(predictions[i])},'
            f'"pixels":[{",".join(map(str, images[i].ravel().tolist()))}],'
            f'"activations":[{",".join(_rounded(a[i], 9) for a in acts[1:])}]'
            "}"
        )
    head = {
        "count": len(images),
        "source": "first test images of the data set, in file order",
        "shape": list(images.shape[1:]),
        "input_scale": "network input = pixel / 255 (pixels are 0..255, row-major)",
        "activations_note": "per layer after the input, 9 significant digits",
        "misclassified": [int(i) for i in np.flatnonzero(predictions != labels)],
    }
    text = json.dumps(head, separators=(",", ":"))
    return text[:-1] + ',"digits":[' + ",".join(digits) + "]}"


def files(ctx) -> dict[str, bytes]:
    """All exported files, names relative to the output's data/ directory."""
    out: dict[str, bytes] = {}
    out.update(_pair("model", model_json(ctx)))
    out.update(_pair("snapshots", snapshots_json(ctx)))
    out.update(_pair("samples", samples_json(ctx)))
    return out
