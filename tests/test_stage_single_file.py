"""build.py --single-file: one HTML file that presents alone, with no request but its own URL."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import CHROMIUM_ARGS, STARTER, run_build  # noqa: F401  (same launch line as the suite)

pytestmark = pytest.mark.browser
CONFIG = STARTER / "slides" / "deck.yaml"


@pytest.fixture(scope="module")
def single_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("single") / "output"
    result = run_build("--config", CONFIG, "--out", out, "--single-file")
    assert result.returncode == 0, result.stderr
    built = out / "starter-deck.html"
    assert f"Wrote {built}" in result.stdout
    # Alone in an empty folder, as on a USB stick: any reference left would fail to load.
    alone = tmp_path_factory.mktemp("usb-stick") / built.name
    shutil.copyfile(built, alone)
    return alone


def test_nothing_is_left_to_load(single_file: Path) -> None:
    text = single_file.read_text(encoding="utf-8")
    markup = re.sub(r"<script\b[^>]*>.*?</script>", "<script></script>", text, flags=re.S | re.I)
    styles = "\n".join(re.findall(r"<style\b[^>]*>(.*?)</style>", text, flags=re.S | re.I))
    assert not re.search(r"""<(script|img)\b[^>]*\ssrc="(?!data:)""", markup)
    assert not re.search(r"""<link\b[^>]*rel="stylesheet""", markup)
    assert 'data-background-image="figures/' not in markup
    assert "KaTeX_Main" in styles
    assert not re.search(r"""url\(\s*(?!['"]?(?:data:|#))""", styles), "a url() in a stylesheet still points at a file"
    assert single_file.stat().st_size < 15_000_000


def test_opens_with_zero_requests_and_every_image_decoded(browser, single_file: Path) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = context.new_page()
        requests: list[str] = []
        errors: list[str] = []
        context.on("request", lambda request: requests.append(request.url))
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        url = single_file.as_uri()
        page.goto(url)
        page.wait_for_function("() => window.Reveal && Reveal.isReady()")
        total = page.evaluate("() => Reveal.getTotalSlides()")
        assert total == 10
        for index in range(total):  # show every slide, so demos mount and fonts are used
            page.evaluate("i => { const s = Reveal.getSlides()[i]; Reveal.slide(...Object.values(Reveal.getIndices(s)).slice(0, 2)); }", index)
            page.wait_for_timeout(100)
        page.wait_for_function("() => document.querySelectorAll('.reveal .slides .katex').length >= 2")
        page.evaluate("() => document.fonts.ready")
        images = page.evaluate(
            """async () => {
                const images = Array.from(document.images);
                await Promise.all(images.map(img => img.decode().catch(() => null)));
                return images.map(img => [img.getAttribute('alt'), img.naturalWidth]);
            }"""
        )
        assert len(images) >= 4
        assert [alt for alt, width in images if width == 0] == []
        fonts = page.evaluate("() => Array.from(document.fonts).filter(f => f.status === 'loaded').map(f => f.family)")
        assert "KaTeX_Main" in fonts
        assert requests == [url]
        assert errors == []
    finally:
        context.close()
