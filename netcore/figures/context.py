"""What a figure's draw function gets: the trained model, its history, data and theme."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from types import ModuleType
from typing import TYPE_CHECKING, Any

import numpy as np

from netcore import data
from netcore.config import NetworkConfig
from netcore.model import TrainedModel
from netcore.network import Network

if TYPE_CHECKING:
    from netcore.figures.theme import Palette
    from netcore.training import Scored


@dataclass
class FigureContext:
    """Shared by all figures of one build; data is loaded only if a figure asks, the
    training split only if one reads `dataset` (no figure, fact or export does)."""

    model: TrainedModel
    facts: dict[str, Any] = field(default_factory=dict)
    data_verified: bool = False  # produce() has already checked the data files against SHA256SUMS
    theme_name: str = "projector"  # the deck's theme: figures take their colours from its palette

    @property
    def config(self) -> NetworkConfig:
        return self.model.config

    @property
    def network(self) -> Network:
        return self.model.network

    @property
    def history(self) -> list[dict[str, Any]]:
        return self.model.history

    @property
    def snapshots(self) -> list[Network]:
        return self.model.snapshots

    @property
    def theme(self) -> ModuleType:
        from netcore.figures import theme

        return theme

    @property
    def palette(self) -> "Palette":
        from netcore.figures.theme import palette

        return palette(self.theme_name)

    @cached_property
    def dataset(self) -> data.Dataset:
        return data.load(self.config.data_dir, self.config.validation_size, verified=self.data_verified)

    @cached_property
    def _test_split(self) -> tuple[np.ndarray, np.ndarray]:
        if "dataset" in self.__dict__:  # already in memory (the model was just trained)
            return self.dataset.test_images, self.dataset.test_labels
        return data.load_test(self.config.data_dir, verified=self.data_verified)

    @property
    def test_images(self) -> np.ndarray:
        """uint8 (10000, 28, 28); use data.as_inputs() to feed them to the network."""
        return self._test_split[0]

    @property
    def test_labels(self) -> np.ndarray:
        return self._test_split[1]

    @cached_property
    def scored(self) -> "Scored":
        """The training sample, test and validation images as network inputs, made once a build."""
        from netcore.training import Scored

        return Scored.of(self.dataset)

    @cached_property
    def test_predictions(self) -> np.ndarray:
        inputs = self.scored.test[0] if "scored" in self.__dict__ else data.as_inputs(self.test_images)
        return self.network.predict(inputs)
