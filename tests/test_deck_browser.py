"""The built deck in a real Chromium, opened from file:// as a speaker would at a venue."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser


def slide_count(index: Path) -> int:
    """Slides as the sources define them: every <section> that is not a vertical stack."""
    html = index.read_text(encoding="utf-8")
    return len(re.findall(r"<section class=\"layout-", html))


@pytest.mark.parametrize("which", ["starter_deck", "built_deck"])
def test_deck_presents_offline(which: str, request: pytest.FixtureRequest, open_deck) -> None:
    out: Path = request.getfixturevalue(which)
    page, log = open_deck(out / "index.html")
    page.wait_for_function("() => document.querySelectorAll('.reveal .slides .katex').length > 0", timeout=15000)
    total = page.evaluate("Reveal.getTotalSlides()")
    assert total == slide_count(out / "index.html")
    # Figures load with their slide (reveal.js's data-src), not all at once when the deck opens...
    far, loaded = page.evaluate("""() => {
        const far = Reveal.getSlides().slice(Reveal.getConfig().viewDistance + 1).flatMap(s => [...s.querySelectorAll('img')]);
        return [far.length, far.filter(i => i.hasAttribute('src')).length]; }""")
    assert loaded == 0 and (far > 0 or which == "starter_deck"), "figures far from the first slide loaded with the page"
    # ...so walk every slide once: each slide's content, images included, is shown and loaded.
    page.evaluate("() => Reveal.getSlides().forEach(s => { const i = Reveal.getIndices(s); Reveal.slide(i.h, i.v); })")
    assert page.evaluate("document.querySelectorAll('.reveal .slides img[data-src]').length") == 0
    page.wait_for_timeout(300)
    images = page.evaluate(
        """() => Promise.all([...document.querySelectorAll('.reveal .slides img:not(.demo-fallback)')].map(
               img => img.decode().then(() => [img.getAttribute('src'), img.naturalWidth], () => [img.getAttribute('src'), 0])))"""
    )
    assert images, "the deck shows no figures"
    assert [src for src, width in images if width == 0] == []
    assert page.evaluate("document.querySelectorAll('.reveal .slides .katex-error').length") == 0
    unrendered = page.evaluate(
        """() => [...document.querySelectorAll('.reveal .slides section')]
              .filter(s => !s.querySelector('section'))
              .map(s => { const c = s.cloneNode(true); c.querySelectorAll('pre, code, aside.notes, .katex').forEach(e => e.remove()); return c.textContent; })
              .filter(text => /\\$[^$\\s][^$]*\\$/.test(text)).length"""
    )
    assert unrendered == 0, "some math was left as raw LaTeX"
    notes = page.evaluate("document.querySelectorAll('.reveal .slides aside.notes').length")
    assert notes == total
    assert log.console_errors == []
    assert log.non_file_requests == []


def test_starter_deck_structure(starter_deck: Path, open_deck) -> None:
    page, _ = open_deck(starter_deck / "index.html")
    assert page.evaluate("Reveal.getTotalSlides()") == 10
    assert page.evaluate("Reveal.getHorizontalSlides().length") == 9
    assert page.evaluate("document.querySelectorAll('li.fragment').length") == 2
    assert page.evaluate("document.querySelector('#points').dataset.transition") == "fade"
    assert page.evaluate("document.querySelector('.layout-title h1').textContent") == "Starter deck"
    text = page.evaluate("document.querySelector('.layout-title').innerText")
    assert "Test Speaker" in text and "21 November 2026" in text
    assert page.evaluate("document.querySelectorAll('.columns .column').length") == 2
    assert page.evaluate("document.querySelectorAll('pre code.hljs').length") >= 1
    facts_line = page.evaluate("[...document.querySelectorAll('section')].find(s => s.innerText.includes('parameters and reached')).innerText")
    assert re.search(r"has 6,?370 parameters and reached \d+\.\d+%", facts_line), facts_line


def test_every_slide_of_the_talk_fits_the_frame(built_deck: Path, open_deck) -> None:
    """Nothing is cut off on a projector: no formula, figure or text runs past the slide."""
    page, _ = open_deck(built_deck / "index.html")
    page.wait_for_function("() => document.querySelectorAll('.reveal .slides .katex').length > 0", timeout=15000)
    overflowing = []
    for index in range(page.evaluate("Reveal.getTotalSlides()")):
        page.evaluate(f"Reveal.slide({index}, 0, 99)")
        found = page.evaluate(
            """() => {
                const slide = Reveal.getCurrentSlide();
                const frame = slide.getBoundingClientRect();
                const problems = [];
                slide.querySelectorAll('.katex-display, pre, table, figure, ul, ol, p, h1, h2, .demo').forEach(e => {
                    const box = e.getBoundingClientRect();
                    if (!box.width) return;
                    if (e.scrollWidth > e.clientWidth + 2 && !e.matches('pre')) problems.push(e.tagName + ' wider than its box');
                    if (box.right > frame.right + 4 || box.bottom > frame.bottom + 4) problems.push(e.tagName + ' past the slide edge');
                });
                return problems;
            }"""
        )
        if found:
            overflowing.append((index, found))
    assert overflowing == []
