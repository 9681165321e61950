"""A trained network with its history, as stored in and loaded from the cache."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any

import numpy as np

from netcore.config import NetworkConfig
from netcore.network import Network
from netcore.training import TrainingResult

WEIGHTS_FILE = "model.npz"
META_FILE = "model.json"


@dataclass
class TrainedModel:
    config: NetworkConfig
    network: Network
    history: list[dict[str, Any]]
    snapshots: list[Network]  # weights at the end of each record in history
    train_seconds: float
    train_size: int
    validation_size: int
    test_size: int
    data_checksums: dict[str, str]

    @classmethod
    def from_result(cls, cfg: NetworkConfig, result: TrainingResult, sizes: tuple[int, int, int], checksums: dict[str, str]) -> "TrainedModel":
        return cls(cfg, result.network, result.history, result.snapshots, result.seconds, *sizes, checksums)

    def to_files(self) -> dict[str, bytes]:
        """The cache's files: exact float64 arrays in .npz, the rest in JSON."""
        arrays: dict[str, np.ndarray] = {}
        for e, snap in enumerate(self.snapshots):
            for l, (w, b) in enumerate(zip(snap.weights, snap.biases)):
                arrays[f"e{e}_w{l}"] = w
                arrays[f"e{e}_b{l}"] = b
        buffer = io.BytesIO()
        np.savez(buffer, **arrays)
        meta = {
            "config": self.config.to_dict(),
            "history": self.history,
            "train_seconds": self.train_seconds,
            "train_size": self.train_size,
            "validation_size": self.validation_size,
            "test_size": self.test_size,
            "data_checksums": self.data_checksums,
        }
        return {WEIGHTS_FILE: buffer.getvalue(), META_FILE: json.dumps(meta, sort_keys=True).encode()}

    @classmethod
    def from_files(cls, weights: bytes, meta_bytes: bytes) -> "TrainedModel":
        meta = json.loads(meta_bytes)
        cfg = NetworkConfig.from_mapping(meta["config"])
        with np.load(io.BytesIO(weights)) as arrays:
            snapshots = []
            for e in range(len(meta["history"])):
                ws = [arrays[f"e{e}_w{l}"] for l in range(len(cfg.layers) - 1)]
                bs = [arrays[f"e{e}_b{l}"] for l in range(len(cfg.layers) - 1)]
                snapshots.append(Network(list(cfg.layers), cfg.activations, ws, bs))
        final = snapshots[-1].copy()
        return cls(cfg, final, meta["history"], snapshots, meta["train_seconds"], meta["train_size"],
                   meta["validation_size"], meta["test_size"], meta["data_checksums"])
