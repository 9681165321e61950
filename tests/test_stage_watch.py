"""build.py --watch in a real browser: edit, see it, keep the slide; a broken edit shows an overlay."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from conftest import PROJECT, STARTER

pytestmark = pytest.mark.browser
RELOAD_TIMEOUT = 3.0  # seconds; the target is 1 s, measured by benchmarks/bench_stage.py


class WatchProcess:
    """build.py --watch on a copy of the starter deck, with its output captured line by line."""

    def __init__(self, root: Path):
        self.slides = root / "slides"
        shutil.copytree(STARTER / "slides", self.slides)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self.lines: list[str] = []
        self.proc = subprocess.Popen(
            [sys.executable, "-X", "faulthandler", str(PROJECT / "build.py"), "--watch", "--config", str(self.slides / "deck.yaml"),
             "--out", str(root / "output"), "--port", str(self.port)],
            cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for_line(self, text: str, timeout: float = 300) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [line for line in self.lines if text in line]
            if found:
                return found[-1]
            if self.proc.poll() is not None:
                pytest.fail(f"watch mode exited ({self.proc.returncode}):\n" + "\n".join(self.lines))
            time.sleep(0.05)
        pytest.fail(f"no line with {text!r} within {timeout} s:\n" + "\n".join(self.lines))

    def edit(self, name: str, old: str, new: str) -> None:
        path = self.slides / name
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.send_signal(signal.SIGABRT)  # faulthandler prints every thread's stack
            time.sleep(1)
            self.proc.kill()
            pytest.fail("watch mode did not stop on Ctrl-C:\n" + "\n".join(self.lines[-80:]))


@pytest.fixture
def watching(tmp_path: Path) -> Iterator[WatchProcess]:
    watch = WatchProcess(tmp_path)
    try:
        watch.wait_for_line("Serving http://127.0.0.1:")
        yield watch
    finally:
        if watch.proc.poll() is None:
            watch.stop()


def wait_until(page, script: str, timeout: float = RELOAD_TIMEOUT, log: list[str] | None = None) -> float:
    """Seconds until ``script`` is true in the page; survives the page reloading under us."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            if page.evaluate(script):
                return time.monotonic() - started
        except Exception:  # the page is navigating: its context is gone for a moment
            pass
        time.sleep(0.02)
    pytest.fail(f"not true within {timeout} s: {script}\nwatch mode printed:\n" + "\n".join(log or []))


CURRENT = "() => window.Reveal && Reveal.isReady() && Reveal.getCurrentSlide()"


@contextmanager
def watched_page(browser, watching: WatchProcess, ready: str) -> Iterator[tuple[object, list[str]]]:
    """The watch server's deck in a 1280x720 page, once ``ready`` holds; its page errors listed."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(watching.url)
        page.wait_for_function(ready)
        yield page, errors
    finally:
        context.close()


def test_live_reload_keeps_the_slide_and_shows_build_errors(browser, watching: WatchProcess) -> None:
    with watched_page(browser, watching, "() => window.Reveal && Reveal.isReady() && window.DeckLive") as (page, errors):
        page.evaluate("() => Reveal.slide(2)")  # the third slide: 'Points that appear one by one'
        page.wait_for_function("() => location.hash === '#/points'")
        assert page.evaluate("() => window.DeckLive.build") == 1

        # An edit appears in the open page, on the same slide.
        watching.edit("basics.md", "## Points that appear one by one", "## Points edited live")
        seconds = wait_until(page, CURRENT + ".textContent.includes('Points edited live')", log=watching.lines)
        assert seconds < RELOAD_TIMEOUT
        assert page.evaluate("() => Reveal.getIndices().h") == 2
        assert page.evaluate("() => window.DeckLive.build") == 2
        rebuilt = watching.wait_for_line("after ")
        assert "basics.md" in rebuilt
        assert "network from cache, no figure redrawn" in rebuilt  # a text edit never retrains or redraws

        # A broken edit: the error in the terminal and over the page; the last good deck stays.
        watching.edit("figures.md", "## Two columns", "## Two columns {{ net.no_such_fact }}")
        wait_until(page, "() => !!document.getElementById('deck-build-error')", 5, watching.lines)
        overlay = page.inner_text("#deck-build-error")
        assert "figures.md:" in overlay and "no_such_fact" in overlay
        error_line = watching.wait_for_line("no_such_fact")
        assert "figures.md:" in error_line
        assert page.evaluate("() => Reveal.getIndices().h") == 2
        assert "Points edited live" in page.evaluate(CURRENT + ".textContent")
        page.reload()  # a fresh load still gets the last good deck, and the overlay
        page.wait_for_function("() => window.Reveal && Reveal.isReady()")
        wait_until(page, "() => !!document.getElementById('deck-build-error')", 5, watching.lines)
        assert "Points edited live" in page.evaluate(CURRENT + ".textContent")

        # Fixing the file clears the overlay and shows the fixed deck, still on the same slide.
        watching.edit("figures.md", "## Two columns {{ net.no_such_fact }}", "## Two columns, fixed")
        wait_until(page, "() => window.DeckLive && window.DeckLive.build === 3 && !document.getElementById('deck-build-error')", 5, watching.lines)
        assert page.evaluate("() => Reveal.getIndices().h") == 2
        assert "Two columns, fixed" in page.evaluate("() => document.querySelector('.reveal .slides').textContent")
        assert errors == []

    assert watching.stop() == 0
    assert "Stopped watching" in watching.lines[-1]


def test_dev_server_serves_the_built_files_uncached(watching: WatchProcess) -> None:
    with urllib.request.urlopen(watching.url + "index.html") as response:
        page = response.read().decode("utf-8")
        assert response.headers["Cache-Control"] == "no-store"
    assert '<script src="/__deck__/live.js" data-build="1"></script>' in page
    # The file on disk is exactly what a normal build writes: no live-reload client in it.
    assert "__deck__" not in (watching.slides.parent / "output" / "index.html").read_text(encoding="utf-8")
    with urllib.request.urlopen(watching.url + "theme/projector.css") as response:
        assert response.status == 200
        etag = response.headers["ETag"]
        assert response.headers["Cache-Control"] == "no-cache" and etag
    # An unchanged file is not sent again on a reload, although every build rewrites it.
    request = urllib.request.Request(watching.url + "theme/projector.css", headers={"If-None-Match": etag})
    with pytest.raises(urllib.error.HTTPError) as not_modified:
        urllib.request.urlopen(request)
    assert not_modified.value.code == 304


def test_a_text_edit_updates_slides_in_place_keeping_the_page_and_the_demos(browser, watching: WatchProcess) -> None:
    ready = "() => window.Reveal && Reveal.isReady() && window.DeckLive && window.Demos && Demos.get('neuron')"
    with watched_page(browser, watching, ready) as (page, errors):
        demo_slide = page.evaluate("() => Reveal.getIndices(document.querySelector('[data-demo=neuron]').closest('section')).h")
        page.evaluate(f"() => {{ window.__notReloaded = true; Reveal.slide({demo_slide}); }}")
        bias = page.locator("[data-demo=neuron] input[data-role=b]")
        bias.evaluate("el => { el.value = '2.5'; el.dispatchEvent(new Event('input', {bubbles: true})); }")
        output_before = page.locator("[data-demo=neuron] [data-role=output]").text_content()

        # The demo's own slide is edited: its title changes, the running demo stays.
        watching.edit("figures.md", "## Try a neuron", "## Try a neuron, edited")
        wait_until(page, CURRENT + ".textContent.includes('Try a neuron, edited')", log=watching.lines)
        assert page.evaluate("() => window.__notReloaded === true")
        assert page.evaluate("() => window.DeckLive.patched") == 1
        assert page.evaluate("() => Reveal.getIndices().h") == demo_slide
        assert bias.input_value() == "2.5"
        assert page.locator("[data-demo=neuron] [data-role=output]").text_content() == output_before
        assert "1 slide(s) updated in place" in watching.wait_for_line("rendered")

        # Another file's slide: patched too, still no reload; the demo is untouched.
        watching.edit("basics.md", "## Points that appear one by one", "## Points edited in place")
        wait_until(page, "() => document.querySelector('.reveal .slides').textContent.includes('Points edited in place')", log=watching.lines)
        assert page.evaluate("() => window.__notReloaded === true && window.DeckLive.patched === 2")
        assert bias.input_value() == "2.5"

        # A change to deck.yaml needs the whole page: it reloads, on the same slide.
        watching.edit("deck.yaml", "title:", "title: Reloaded")
        wait_until(page, "() => window.__notReloaded === undefined && window.Reveal && Reveal.isReady() && DeckLive.build === 4", 10, watching.lines)
        assert page.evaluate("() => Reveal.getIndices().h") == demo_slide
        assert errors == []
