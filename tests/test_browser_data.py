"""Packed browser data: what a computation packs is what a demo reads, number for number."""

from __future__ import annotations

import json

import numpy as np
import pytest

from deck.compute import browser_script, packed
from deck.paths import TEMPLATES_DIR

pytestmark = pytest.mark.browser


def test_packed_arrays_decode_to_the_same_numbers_in_the_page(tmp_path, browser):
    rng = np.random.default_rng(3)
    weights = rng.normal(size=(3, 5)).astype("<f4")
    halves = np.array([0.0, -0.0, 1.5, -2.25, 6.1e-5, 3e-7, 65504.0, np.inf], dtype="<f2")  # normal, subnormal, limits
    pixels = rng.integers(0, 256, size=(2, 2, 3)).astype("u1")
    value = {
        "weights": packed(weights.tobytes(), "f32", weights.shape),
        "halves": packed(halves.tobytes(), "f16", halves.shape),
        "nested": [{"pixels": packed(pixels.tobytes(), "u8", pixels.shape)}],
        "plain": {"label": 7, "name": "x"},
    }
    (tmp_path / "data.js").write_bytes((TEMPLATES_DIR / "runtime" / "data.js").read_bytes())
    (tmp_path / "value.js").write_bytes(browser_script("t", "value", json.dumps(value)))
    (tmp_path / "index.html").write_text('<!doctype html><script src="data.js"></script><script src="value.js"></script>')
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto((tmp_path / "index.html").as_uri())
    got = page.evaluate("() => { const v = window.DeckData.t.value; v.halves = v.halves.map(h => Number.isFinite(h) ? h : String(h)); return v; }")
    assert got["weights"] == weights.astype(np.float64).tolist()
    assert got["halves"] == [*halves[:-1].astype(np.float64).tolist(), "Infinity"]
    assert got["nested"][0]["pixels"] == pixels.tolist()
    assert got["plain"] == {"label": 7, "name": "x"}
    page.close()
    assert errors == []


@pytest.mark.parametrize("data, dtype, shape", [(b"\0" * 7, "f32", (2,)), (b"\0" * 4, "f64", (1,))])
def test_packing_refuses_bytes_that_do_not_fit(data, dtype, shape):
    with pytest.raises(ValueError):
        packed(data, dtype, shape)
