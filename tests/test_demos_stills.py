"""The demos' print stills show every label inside the picture.

A still is what the PDF hand-out shows instead of a live demo, so a label cut
at the figure's edge (draw-digit's x-axis label was) is lost for good. Drawn
with a random network standing in for the trained one, as the figure tests do.
"""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.text import Text

from netcore.config import NetworkConfig
from netcore.figures import registry
from netcore.figures.context import FigureContext
from netcore.model import TrainedModel
from netcore.network import Network

STILLS = {name: spec for name, spec in registry.discover().items() if name.startswith("demo-")}


@pytest.fixture(scope="module")
def ctx() -> FigureContext:
    cfg = NetworkConfig()
    net = Network.initialise(list(cfg.layers), cfg.activations, np.random.default_rng(5))
    records = [{"epoch": e, "test_accuracy": 0.1 + 0.02 * e, "train_cost": 1.0, "test_cost": 1.0} for e in range(3)]
    model = TrainedModel(cfg, net, records, [net.copy() for _ in range(3)], 0.0, 50_000, 10_000, 10_000, {})
    return FigureContext(model)


@pytest.mark.parametrize("name", sorted(STILLS))
def test_every_label_of_a_still_is_inside_it(ctx, name, monkeypatch):
    drawn = []  # only the texts matplotlib actually draws (ticks outside the view are skipped by it)
    original = Text.draw

    def recording(self, renderer):
        original(self, renderer)
        if self.get_visible() and str(self.get_text()).strip():
            drawn.append((self.get_text(), self.get_window_extent(renderer)))

    monkeypatch.setattr(Text, "draw", recording)
    fig = STILLS[name].draw(ctx)
    fig.canvas.draw()
    width, height = fig.bbox.width, fig.bbox.height
    cut = [(text, [round(v) for v in (box.x0, box.y0, box.x1, box.y1)]) for text, box in drawn
           if box.x0 < -0.5 or box.y0 < -0.5 or box.x1 > width + 0.5 or box.y1 > height + 0.5]
    assert drawn, "no text drawn"
    assert cut == [], f"{name}: labels outside the {width:.0f}x{height:.0f} still: {cut}"


def test_draw_digit_still_shades_hidden_neurons_like_the_live_demo():
    from matplotlib.collections import PathCollection

    # a network whose ReLU layers reach well above 1, as the trained one does
    cfg = NetworkConfig()
    net = Network.initialise(list(cfg.layers), cfg.activations, np.random.default_rng(5))
    net.weights[0] *= 6
    net.weights[1] *= 3
    record = {"epoch": 0, "test_accuracy": 0.1, "train_cost": 1.0, "test_cost": 1.0}
    loud = FigureContext(TrainedModel(cfg, net, [record], [net.copy()], 0.0, 50_000, 10_000, 10_000, {}))
    fig = STILLS["demo-draw-digit"].draw(loud)
    fig.canvas.draw()
    layers = [c for ax in fig.axes for c in ax.collections if isinstance(c, PathCollection)]
    assert len(layers) == 3  # two hidden layers and the output
    for hidden in layers[:2]:
        white = sum(colour[0] > 0.99 for colour in hidden.get_facecolors())
        assert 1 <= white <= 2, f"{white} of {len(hidden.get_facecolors())} hidden neurons drawn pure white"
