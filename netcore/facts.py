"""Every number the talk may quote, computed from the real trained model and test set.

Slides reach these through Jinja (`{{ net.test_accuracy_percent }}`), so no result
is ever typed by hand. Names are stable; add, never rename.
Extra facts live in `netcore/facts_*.py` modules (today facts_talk.py), each
defining `compute(ctx) -> dict`, merged in here.
"""

from __future__ import annotations

import math
import statistics
from pathlib import Path
from typing import Any

from netcore import extensions

HERE = Path(__file__).resolve().parent
ACTIVATION_NAMES = {"relu": "ReLU", "sigmoid": "sigmoid", "softmax": "softmax"}


def source_files() -> list[Path]:
    """Files whose code determines the facts (for the cache key)."""
    return [HERE / "facts.py"] + extensions.files("facts")


def _percent(fraction: float) -> str:
    return f"{fraction * 100:.1f}%"


def compute(ctx) -> dict[str, Any]:
    """The fact dictionary: plain JSON values only."""
    model, cfg, net = ctx.model, ctx.config, ctx.network
    correct = int((ctx.test_predictions == ctx.test_labels).sum())
    test_size = int(len(ctx.test_labels))
    final = model.history[-1]
    batches = math.ceil(model.train_size / cfg.batch_size)
    facts: dict[str, Any] = {
        "test_accuracy": correct / test_size,
        "test_accuracy_percent": _percent(correct / test_size),
        "test_correct": correct,
        "test_errors": test_size - correct,
        "test_size": test_size,
        "test_cost": final["test_cost"],
        "train_size": model.train_size,
        "train_accuracy": final["train_accuracy"],
        "train_accuracy_percent": _percent(final["train_accuracy"]),
        "validation_size": model.validation_size,
        "validation_accuracy": final["validation_accuracy"],
        "validation_accuracy_percent": None if final["validation_accuracy"] is None else _percent(final["validation_accuracy"]),
        "initial_test_accuracy_percent": _percent(model.history[0]["test_accuracy"]),
        "parameter_count": net.parameter_count,
        "weight_count": net.weight_count,
        "bias_count": net.bias_count,
        "layers": list(cfg.layers),
        "layers_text": "-".join(str(n) for n in cfg.layers),
        "input_size": cfg.layers[0],
        "output_size": cfg.layers[-1],
        "hidden_layers": list(cfg.layers[1:-1]),
        "hidden_layer_count": len(cfg.layers) - 2,
        "hidden_neurons": sum(cfg.layers[1:-1]),
        "hidden_activation": cfg.hidden_activation,
        "output_activation": cfg.output_activation,
        "cost": cfg.cost,
        "cost_text": cfg.cost.replace("_", "-"),
        "hidden_activation_text": ACTIVATION_NAMES.get(cfg.hidden_activation, cfg.hidden_activation),  # as a slide says it
        "learning_rate": cfg.learning_rate,
        "lr_decay": cfg.lr_decay,
        "weight_decay": cfg.weight_decay,
        "final_learning_rate": cfg.learning_rate_at(cfg.epochs - 1),
        "batch_size": cfg.batch_size,
        "batches_per_epoch": batches,
        "gradient_steps": batches * cfg.epochs,
        "epochs": cfg.epochs,
        "seed": cfg.seed,
        "train_seconds": round(model.train_seconds, 2),
        "train_seconds_text": f"{model.train_seconds:.1f} s",  # wall time: differs between two trainings
        "seconds_per_epoch": round(statistics.fmean(h["seconds"] for h in model.history[1:]), 3),
    }
    extensions.run("facts", "compute", ctx, facts, "facts")
    return facts

