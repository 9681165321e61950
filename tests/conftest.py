"""Fixtures shared by the whole suite: built decks and a real Chromium.

Building the default deck trains the talk's network once (cached in the
project's .cache/ afterwards), so decks are built once per test session and
shared. Browser tests use Debian's Chromium through Playwright; a missing
Chromium is a failure with the command that installs it, never a download.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import numpy as np
import pytest

from deck.pdf import CHROMIUM_ARGS  # the product's own launch line, shared by the tests
from netcore.network import Network

PROJECT = Path(__file__).resolve().parent.parent
STARTER = Path(__file__).resolve().parent / "decks" / "starter"


def run_build(*args: str | Path, cwd: Path = PROJECT, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run build.py as a speaker would, capturing what it prints."""
    return subprocess.run(
        [sys.executable, str(PROJECT / "build.py"), *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def tree_digest(root: Path) -> dict[str, str]:
    """Path -> sha256 of every file (and a marker for every folder) under root."""
    digest = {}
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        rel = os.path.relpath(folder, root)
        digest[rel + "/"] = "dir"
        for name in sorted(files):
            path = Path(folder) / name
            digest[os.path.join(rel, name)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest


def deck_data(out_dir: Path, name: str, namespace: str = "net") -> dict:
    """What the page's loader decodes from ``data/<name>.js``: packed arrays back as nested lists.

    Mirrors templates/runtime/data.js, so a test reads exactly the numbers a demo sees."""
    text = (out_dir / "data" / f"{name}.js").read_text(encoding="utf-8")
    plain = f"window.DeckData.{namespace}.{name} = "
    packed = f'window.DeckUnpack.define(window.DeckData.{namespace}, "{name}", '
    if packed in text:
        value = text[text.index(packed) + len(packed):].rstrip().removesuffix(";").removesuffix(")")
    else:
        value = text[text.index(plain) + len(plain):].rstrip().removesuffix(";")
    return _unpack(json.loads(value))


def _unpack(value):
    if isinstance(value, list):
        return [_unpack(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "$packed" in value:
        dtype = {"f32": "<f4", "f16": "<f2", "u8": "u1"}[value["$packed"]]
        flat = np.frombuffer(base64.b64decode(value["base64"]), dtype=dtype).astype(np.float64 if dtype != "u1" else np.int64)
        return flat.reshape(value["shape"]).tolist()
    return {k: _unpack(v) for k, v in value.items()}


def numpy_network(model: dict) -> Network:
    """netcore's numpy network from an exported model (model.json's dict), in float64."""
    return Network(
        layers=list(model["layers"]),
        activations=list(model["activations"]),
        weights=[np.array(w, dtype=np.float64) for w in model["weights"]],
        biases=[np.array(b, dtype=np.float64) for b in model["biases"]],
    )


@pytest.fixture(scope="session")
def built_deck(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default talk, built once into a temporary folder (network from .cache/)."""
    out = tmp_path_factory.mktemp("deck") / "output"
    result = run_build("--out", out, "--quiet")
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="session")
def starter_deck(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small starter deck (every layout, math, notes, fragments) with a tiny network."""
    out = tmp_path_factory.mktemp("starter") / "output"
    cache = tmp_path_factory.mktemp("starter-cache")
    result = run_build("--config", STARTER / "slides" / "deck.yaml", "--out", out, "--cache", cache, "--quiet")
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.fail("Debian's Chromium is missing: install it with 'apt-get install -y chromium' (make test does)")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@dataclass
class PageLog:
    """Everything a page did that a test may want to assert on."""

    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    @property
    def non_file_requests(self) -> list[str]:
        return [url for url in self.requests if not url.startswith(("file:", "data:", "blob:", "about:"))]


@pytest.fixture
def open_deck(browser: object) -> Iterator[object]:
    """Open an index.html from file:// and record console errors and every request."""
    contexts = []

    def opener(index: Path, *, width: int = 1280, height: int = 720, hash: str = ""):
        context = browser.new_context(viewport={"width": width, "height": height})  # type: ignore[attr-defined]
        contexts.append(context)
        page = context.new_page()
        log = PageLog()
        page.on("console", lambda msg: log.console_errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: log.console_errors.append(str(exc)))
        page.on("request", lambda request: log.requests.append(request.url))
        page.goto(index.resolve().as_uri() + hash)
        page.wait_for_function("() => window.Reveal && Reveal.isReady() && (!window.Demos || Demos.settled)")
        return page, log

    yield opener
    for context in contexts:
        context.close()
