"""The browser's forward pass (templates/demos/forward.js) against netcore's numpy one.

Run on every test digit the build exported (500): on the float32 weights the page
decodes, the JavaScript must give the same class for all of them and every
activation within 1e-5 of numpy's.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from conftest import deck_data, numpy_network

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TOLERANCE = 1e-5


def test_js_forward_pass_matches_netcore_on_exported_test_digits(built_deck: Path, open_deck):
    model = deck_data(built_deck, "model")
    samples = deck_data(built_deck, "samples")
    digits = samples["digits"]
    assert len(digits) >= 500
    pixels = np.array([d["pixels"] for d in digits], dtype=np.float64)

    _, acts = numpy_network(model).forward(pixels / 255.0)
    expected = np.concatenate(acts[1:], axis=1)

    page, log = open_deck(built_deck / "index.html")
    page.wait_for_function("() => window.Demos && Demos.trainedNetwork")
    # the page's own data (window.DeckData.net) feeds the network; pixels travel as one flat list
    got = page.evaluate(
        """() => {
             const net = Demos.trainedNetwork(), digits = window.DeckData.net.samples.digits;
             const input = new Float64Array(784), out = [];
             for (const d of digits) {
               for (let i = 0; i < 784; i++) input[i] = d.pixels[i] / 255;
               const a = net.forward(input);
               for (let l = 1; l < a.length; l++) for (const v of a[l]) out.push(v);
             }
             return out;
           }"""
    )
    got = np.array(got).reshape(expected.shape)
    diff = float(np.abs(got - expected).max())
    classes = model["layers"][-1]
    js_pred = got[:, -classes:].argmax(axis=1)
    np_pred = expected[:, -classes:].argmax(axis=1)
    print(f"parity: {len(digits)} digits, max |JS - numpy| = {diff:.3g}, classes agree: {int((js_pred == np_pred).sum())}")
    assert diff < TOLERANCE
    assert (js_pred == np_pred).all()
    assert js_pred.tolist() == [d["prediction"] for d in digits]
    assert log.console_errors == []
    assert log.non_file_requests == []
