"""Demos on real projector sizes: sharp canvases, the slide's room used, legible text.

reveal.js lays a slide out at 1280x720 and scales it to the window; a canvas
must carry as many pixels as the projector shows (scale times devicePixelRatio)
or it is upscaled and blurry, and a demo must use the slide below its heading.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_demos_browser import DEMOS, goto_demo

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SIZES = [(1280, 720, 1), (1920, 1080, 1), (1024, 768, 1), (1280, 720, 2)]

MEASURE = """n => {
  const root = document.querySelector(`[data-demo="${n}"]`);
  const slide = root.closest('section').getBoundingClientRect();
  const box = root.getBoundingClientRect();
  // 28x28 digits shown as pixel art (image-rendering: pixelated) are their own exact size by design
  const canvases = Array.from(root.querySelectorAll('canvas'))
    .filter(c => c.getBoundingClientRect().width > 40 && getComputedStyle(c).imageRendering !== 'pixelated')
    .map(c => { const r = c.getBoundingClientRect();
                return {role: c.dataset.role || c.className, backing: [c.width, c.height],
                        shown: [r.width * devicePixelRatio, r.height * devicePixelRatio]}; });
  return {fill: (box.bottom - slide.top) / slide.height, width: box.width / slide.width, canvases};
}"""


@pytest.mark.parametrize("width,height,dpr", SIZES, ids=[f"{w}x{h}@{d}x" for w, h, d in SIZES])
def test_canvases_are_sharp_and_demos_fill_the_slide(browser, built_deck: Path, width, height, dpr):
    context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=dpr)
    try:
        page = context.new_page()
        page.goto((built_deck / "index.html").resolve().as_uri())
        page.wait_for_function("() => window.Reveal && Reveal.isReady() && window.Demos && Demos.instances.length === document.querySelectorAll('[data-demo]').length")
        for name in DEMOS:
            goto_demo(page, name)
            m = page.evaluate(MEASURE, name)
            for c in m["canvases"]:
                # at least one backing pixel per device pixel shown (rounding: half a pixel)
                assert c["backing"][0] >= c["shown"][0] - 0.5 and c["backing"][1] >= c["shown"][1] - 0.5, (name, c)
            # the demo reaches into the slide's lower part: no empty lower third
            assert m["fill"] > 0.88, (name, m["fill"])
            assert m["width"] > 0.9, (name, m["width"])
    finally:
        context.close()


def test_resizing_the_window_sharpens_the_shown_demo(browser, built_deck: Path):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = context.new_page()
        page.goto((built_deck / "index.html").resolve().as_uri())
        page.wait_for_function("() => window.Reveal && Reveal.isReady() && window.Demos && Demos.instances.length === document.querySelectorAll('[data-demo]').length")
        goto_demo(page, "descent")
        before = page.evaluate("() => document.querySelector('[data-demo=\"descent\"] [data-role=map]').width")
        page.set_viewport_size({"width": 1920, "height": 1080})
        page.wait_for_function("w => document.querySelector('[data-demo=\"descent\"] [data-role=map]').width > w * 1.4", arg=before)
        m = page.evaluate(MEASURE, "descent")
        assert m["canvases"][0]["backing"][0] >= m["canvases"][0]["shown"][0] - 0.5
    finally:
        context.close()


SMALLEST_TEXT = """n => {
  const root = document.querySelector(`[data-demo="${n}"]`);
  let smallest = [1e9, ''];
  root.querySelectorAll('*').forEach(e => {
    const own = Array.from(e.childNodes).some(t => t.nodeType === 3 && t.textContent.trim());
    if (!own || !e.getClientRects().length) return;
    const size = parseFloat(getComputedStyle(e).fontSize);
    if (size < smallest[0]) smallest = [size, e.textContent.trim().slice(0, 30)];
  });
  return smallest;
}"""

SPY_TEXT = """() => {
  // every fillText of every demo canvas, with its extent in backing-store pixels
  window.__texts = [];
  const original = CanvasRenderingContext2D.prototype.fillText;
  CanvasRenderingContext2D.prototype.fillText = function (text, x, y) {
    const w = this.measureText(text).width, align = this.textAlign;
    const left = align === 'center' ? x - w / 2 : (align === 'right' || align === 'end') ? x - w : x;
    const m = this.getTransform();
    window.__texts.push({text: String(text), role: this.canvas.dataset.role || '', font: this.font,
                         left: m.a * left + m.e, right: m.a * (left + w) + m.e, width: this.canvas.width});
    return original.apply(this, arguments);
  };
}"""


@pytest.mark.parametrize("name", DEMOS)
def test_demo_text_is_legible_and_inside_its_canvas(deck, name):
    page, _ = deck
    page.evaluate(SPY_TEXT)
    root = goto_demo(page, name)
    # show everything the demo can write: all steps, a drawing, the test digits
    if name == "backprop":
        root.locator("[data-role=run-all]").click()
    elif name == "draw-digit":
        root.locator("[data-role=mode-samples]").click()
    page.evaluate("n => Demos.get(n).impl.redraw()", name)
    size, text = page.evaluate(SMALLEST_TEXT, name)
    assert size >= 24, f"{name}: '{text}' is {size}px"
    texts = page.evaluate("() => window.__texts")
    assert texts or name == "descent", "no canvas text drawn"  # descent's map has no text
    cut = [t for t in texts if t["left"] < -0.5 or t["right"] > t["width"] + 0.5]
    assert cut == [], cut
    fonts = {t["font"] for t in texts}
    assert all(int(f.split("px")[0].split()[-1]) >= 24 for f in fonts), fonts  # slide pixels: the logical canvas units are CSS pixels


@pytest.fixture
def deck(built_deck: Path, open_deck):
    page, log = open_deck(built_deck / "index.html")
    page.wait_for_function("() => window.Demos && Demos.instances.length === document.querySelectorAll('[data-demo]').length")
    yield page, log
    assert log.console_errors == []
