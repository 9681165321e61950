"""The demo runtime and shared code on a bare page: no reveal.js, no trained network.

A tiny random model is written into a harness page in tmp_path, so these tests
need no deck build and pin down what the deck tests cannot vary: every
activation in forward.js against numpy, the MNIST-style preprocessing's
geometry, pointer mapping under CSS scaling, and errors for bad markup.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from conftest import numpy_network
from netcore.export import _script  # the exporter's own data/<name>.js wrapper

pytestmark = pytest.mark.browser

PROJECT = Path(__file__).resolve().parent.parent
RUNTIME_DIR = PROJECT / "templates" / "runtime"
NETWORK_JS = PROJECT / "netcore" / "browser" / "network.js"
DEMOS_DIR = PROJECT / "netcore" / "demos"


def random_model(rng: np.random.Generator, layers: list[int], activations: list[str]) -> dict:
    return {
        "layers": layers,
        "activations": activations,
        "weights": [rng.normal(0, 1.5 / np.sqrt(i), (o, i)).tolist() for i, o in zip(layers[:-1], layers[1:])],
        "biases": [rng.normal(0, 0.5, o).tolist() for o in layers[1:]],
        "cost": "cross_entropy",
        "test_accuracy": 0.1,
        "epochs": 1,
    }


@pytest.fixture
def harness(tmp_path: Path, browser):
    """Write a page with every demo (options per demo) and open it; returns (page, errors)."""

    def make(demos: list[tuple[str, str]], wrapper_style: str = ""):
        rng = np.random.default_rng(0)
        model = random_model(rng, [784, 12, 10], ["sigmoid", "softmax"])
        pixels = rng.integers(0, 256, size=(4, 784)).tolist()
        samples = {"count": 4, "misclassified": [], "digits": [
            {"index": i, "label": i, "prediction": 0, "pixels": p} for i, p in enumerate(pixels)]}
        snaps = {"layers": model["layers"], "activations": model["activations"], "layers_included": 2,
                 "history": [{"epoch": e, "train_cost": 2.0 - e, "test_cost": 2.1 - e, "test_accuracy": 0.1 + 0.4 * e}
                             for e in (0, 1)],
                 "snapshots": [{"epoch": e, "weights": model["weights"], "biases": model["biases"]} for e in (0, 1)]}
        (tmp_path / "data").mkdir(exist_ok=True)
        for name, value in (("model", model), ("samples", samples), ("snapshots", snaps)):
            (tmp_path / "data" / f"{name}.js").write_bytes(_script(name, value))
        shutil.copytree(RUNTIME_DIR, tmp_path / "runtime", dirs_exist_ok=True)
        shutil.copytree(DEMOS_DIR, tmp_path / "demos", dirs_exist_ok=True)
        shutil.copyfile(NETWORK_JS, tmp_path / "network.js")
        names = sorted(p.name for p in DEMOS_DIR.iterdir() if (p / "demo.js").is_file())
        tags = "".join(f'<script src="data/{n}.js"></script>' for n in ("model", "samples", "snapshots"))
        tags += '<script src="runtime/demos.js"></script><script src="network.js"></script>'
        tags += "".join(f'<script src="demos/{n}/demo.js"></script>' for n in names)
        links = '<link rel="stylesheet" href="runtime/demos.css">'
        links += "".join(f'<link rel="stylesheet" href="demos/{n}/demo.css">' for n in names)
        body = "".join(f"<div class=\"demo\" data-demo=\"{n}\" data-options='{o}'></div>" for n, o in demos)
        (tmp_path / "index.html").write_text(
            f'<!doctype html><html><head><meta charset="utf-8">{links}</head>'
            f'<body><div id="wrap" style="{wrapper_style}">{body}</div>{tags}</body></html>')
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.goto((tmp_path / "index.html").as_uri())
        page.wait_for_function("() => window.Demos && Demos.instances.length > 0")
        pages.append(page)
        return page, errors, model

    pages: list = []
    yield make
    for page in pages:
        page.close()


@pytest.mark.parametrize("activations", [["relu", "sigmoid", "softmax"], ["sigmoid", "relu", "sigmoid"]])
def test_forward_pass_matches_numpy_for_every_activation(harness, activations):
    page, errors, _ = harness([("neuron", "{}")])
    rng = np.random.default_rng(1)
    model = random_model(rng, [784, 20, 15, 10], activations)
    x = rng.random((50, 784))
    got = page.evaluate(
        """([model, xs]) => { const net = new Demos.Network(model);
             return xs.map(x => net.forward(x).slice(1).map(a => Array.from(a))); }""",
        [model, x.tolist()],
    )
    _, expected = numpy_network(model).forward(x)
    for layer in range(3):
        js = np.array([g[layer] for g in got])
        assert np.abs(js - expected[layer + 1]).max() < 1e-12
    assert errors == []


def test_preprocessing_scales_to_20_and_centres_the_mass(harness):
    page, errors, _ = harness([("neuron", "{}")])
    # an off-centre, lopsided blob: a tall bar plus a small foot, drawn in a 280x280 buffer
    src = np.zeros((280, 280))
    src[30:190, 200:240] = 1.0
    src[170:190, 150:200] = 0.5
    image = np.array(page.evaluate(
        """src => { const p = new Demos.Preprocessor(280, 280); const r = p.run(Float64Array.from(src));
                    return Array.from(r.image); }""",
        src.ravel().tolist(),
    )).reshape(28, 28)
    rows, cols = np.nonzero(image > 0.05)
    assert rows.max() - rows.min() + 1 in (20, 21)  # the long side fills the 20-pixel box
    mass = image.sum()
    cy = (image.sum(axis=1) * (np.arange(28) + 0.5)).sum() / mass
    cx = (image.sum(axis=0) * (np.arange(28) + 0.5)).sum() / mass
    # MNIST's convention: the mass sits at the centre of pixel (14, 14), i.e. 14.5 from the edge
    assert cy == pytest.approx(14.5, abs=0.05) and cx == pytest.approx(14.5, abs=0.05)
    scale = 20 / 160
    assert mass == pytest.approx(src.sum() * scale * scale, rel=1e-9)  # area integral keeps the ink
    empty = page.evaluate("() => new Demos.Preprocessor(10, 10).run(new Float64Array(100)).empty")
    assert empty is True
    assert errors == []


def test_pointer_mapping_survives_css_scaling(harness):
    # reveal.js scales slides with a transform; the demo must map clicks through it
    page, errors, _ = harness([("descent", "{}")], wrapper_style="transform: scale(0.55); transform-origin: 0 0;")
    box = page.locator("[data-role=map]").bounding_box()
    assert box["width"] < 0.6 * 756  # the map is 756 slide pixels wide, shown at 55 %
    page.mouse.click(box["x"] + 0.75 * box["width"], box["y"] + 0.25 * box["height"])
    position = page.locator("[data-role=position]").text_content()
    assert position == "(1.50, 1.13)"  # x: -3 + 0.75 * 6, y: 2.25 - 0.25 * 4.5 (rounded)
    assert errors == []


def test_bad_markup_is_reported_in_the_demo_and_the_rest_still_mount(harness):
    page, errors, _ = harness([("neuron", "{not json"), ("no-such-demo", "{}"), ("backprop", '{"layers": 2}')])
    messages = page.locator("[data-role=error]").all_text_contents()
    assert any("not valid JSON" in m for m in messages)
    assert any("Unknown demo 'no-such-demo'" in m for m in messages)
    backprop = page.locator('[data-demo="backprop"]')
    assert backprop.locator("[data-role=error]").count() == 0
    assert backprop.locator("[data-role='w3']").count() == 0  # the layers option was read
    assert page.evaluate("() => Demos.get('backprop').active") is True  # no reveal.js: always running


def test_every_demo_mounts_without_reveal_and_resets(harness):
    names = ["draw-digit", "neuron", "descent", "backprop", "replay"]
    page, errors, _ = harness([(n, "{}") for n in names])
    assert sorted(page.evaluate("() => Demos.instances.map(i => i.name)")) == sorted(names)
    assert page.locator("[data-role=error]").count() == 0
    neuron = page.locator('[data-demo="neuron"]')
    before = neuron.locator("[data-role=output]").get_attribute("data-value")
    neuron.locator("[data-role=relu]").click()
    assert neuron.locator("[data-role=output]").get_attribute("data-value") != before
    neuron.locator("[data-role=sigmoid]").focus()
    page.keyboard.press("r")
    assert neuron.locator("[data-role=output]").get_attribute("data-value") == before
    assert errors == []
