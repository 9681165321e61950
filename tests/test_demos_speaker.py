"""The speaker view and the audience share one demo state, from file:// and from a server.

reveal.js's speaker view shows the deck in two iframes; the current-slide
preview must mirror the audience's demos and drive them, the next-slide
preview shows stills. Each test opens the real speaker view with S.
"""

from __future__ import annotations

import functools
import http.server
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest

from test_demos_browser import goto_demo, number, one_stroke, zero_stroke

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PREDICTION = "[data-demo=\"draw-digit\"] [data-role=prediction]"


@pytest.fixture(scope="module")
def served_deck(built_deck: Path) -> Iterator[str]:
    """The built deck over HTTP on loopback, as the watch server serves it."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(built_deck))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    server.shutdown()
    server.server_close()


@pytest.fixture(params=["file", "http"])
def stage(request, browser, built_deck: Path):
    """(audience page, speaker view page, current-slide frame, upcoming-slide frame, errors) on the draw-digit slide."""
    url = (built_deck / "index.html").resolve().as_uri() if request.param == "file" else request.getfixturevalue("served_deck")
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    errors: list[str] = []
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # a server's 404 for /favicon.ico is the browser's doing, not the deck's: every other failed load counts
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" and "Failed to load resource" not in msg.text else None)
    context.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    page.goto(url)
    page.wait_for_function("() => window.Reveal && Reveal.isReady() && window.Demos && Demos.instances.length === document.querySelectorAll('[data-demo]').length")
    goto_demo(page, "draw-digit")
    with context.expect_page() as popup:
        page.keyboard.press("s")
    speaker = popup.value
    speaker.on("pageerror", lambda exc: errors.append("speaker view: " + str(exc)))

    def frame(kind: str):
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            for f in speaker.frames:
                if "receiver" in f.url and (("postMessageEvents=true" in f.url) == (kind == "current")):
                    return f
            speaker.wait_for_timeout(100)
        raise AssertionError(f"no {kind}-slide preview in the speaker view")

    current, upcoming = frame("current"), frame("upcoming")
    current.wait_for_function("() => window.Demos && Demos.instances.length === document.querySelectorAll('[data-demo]').length && Demos.get('draw-digit').active")
    yield page, speaker, current, upcoming, errors
    context.close()


def within(frame, predicate: str, arg=None, limit: float = 1.0) -> float:
    """Seconds until predicate holds in frame, as Playwright sees it (its round trips included); fails past `limit`."""
    start = time.monotonic()
    frame.wait_for_function(predicate, arg=arg, polling=5, timeout=5000)
    elapsed = time.monotonic() - start
    assert elapsed < limit, f"took {elapsed * 1000:.0f} ms"
    return elapsed


LOG_PREDICTIONS = f"""() => {{
  // each change of the shown prediction with the browser's shared clock (timeOrigin + now)
  const el = document.querySelector('{PREDICTION}');
  window.__shown = [[el.dataset.value, performance.timeOrigin + performance.now()]];
  new MutationObserver(() => window.__shown.push([el.dataset.value, performance.timeOrigin + performance.now()]))
    .observe(el, {{attributes: true, attributeFilter: ['data-value']}});
}}"""


def shown_since(frame, value: str) -> float:
    """When the frame began showing `value` for the last time (ms on the browser's shared clock)."""
    log = frame.evaluate("() => window.__shown")
    assert log[-1][0] == value, log[-4:]
    k = len(log) - 1
    while k > 0 and log[k - 1][0] == value:
        k -= 1
    return log[k][1]


def lag_ms(source, mirror, value: str) -> float:
    """How long after `source` showed the prediction `value` the other window showed it too."""
    mirror.wait_for_function(f"v => document.querySelector('{PREDICTION}').dataset.value === v", arg=value, timeout=5000)
    return shown_since(mirror, value) - shown_since(source, value)


def draw(page, box, points) -> None:
    page.mouse.move(*points[0])
    page.mouse.down()
    for p in points[1:]:
        page.mouse.move(*p, steps=2)
    page.mouse.up()


def prediction(frame) -> str:
    return frame.locator(PREDICTION).get_attribute("data-value")


def test_drawing_in_either_window_shows_in_the_other_and_r_resets_both(stage):
    page, speaker, current, upcoming, errors = stage
    page.evaluate(LOG_PREDICTIONS)
    current.evaluate(LOG_PREDICTIONS)
    # audience -> speaker view
    box = page.locator('[data-demo="draw-digit"] [data-role=pad]').bounding_box()
    draw(page, box, zero_stroke(box))
    page.wait_for_function(f"() => document.querySelector('{PREDICTION}').dataset.value !== ''")
    shown = prediction(page)
    assert lag_ms(page, current, shown) < 200  # the target, on the browser's own clock
    assert current.locator('[data-demo="draw-digit"] [data-role=output][data-digit="0"]').get_attribute("data-value") == \
        page.locator('[data-demo="draw-digit"] [data-role=output][data-digit="0"]').get_attribute("data-value")

    # speaker view -> audience: clear and draw a one in the preview
    current.locator('[data-demo="draw-digit"] [data-role=clear]').click()
    within(page, f"() => document.querySelector('{PREDICTION}').dataset.value === ''")
    mirror_box = current.locator('[data-demo="draw-digit"] [data-role=pad]').bounding_box()  # in the speaker window's pixels
    draw(speaker, mirror_box, one_stroke(mirror_box))
    current.wait_for_function(f"() => document.querySelector('{PREDICTION}').dataset.value !== ''")
    mine = prediction(current)
    assert lag_ms(current, page, mine) < 200
    assert mine == "1"

    # R pressed in the speaker window resets the audience's demo (and the preview)
    speaker.locator("body").click(position={"x": 5, "y": 5})
    speaker.keyboard.press("r")
    within(page, f"() => document.querySelector('{PREDICTION}').dataset.value === ''", limit=1.0)
    within(current, f"() => document.querySelector('{PREDICTION}').dataset.value === ''", limit=1.0)

    # the next-slide preview shows stills, not a third live copy
    assert upcoming.evaluate("() => document.documentElement.classList.contains('demo-stills')")
    assert upcoming.evaluate("() => Demos.instances.filter(i => i.active).length") == 0
    assert upcoming.evaluate(
        "() => Array.from(document.querySelectorAll('.demo')).every(d => getComputedStyle(d).display === 'none')")
    assert errors == []


def test_descent_steps_in_one_window_count_in_the_other(stage):
    page, speaker, current, _, errors = stage
    root = goto_demo(page, "descent")
    current.wait_for_function("() => Demos.get('descent').active")
    for _ in range(18):
        root.locator("[data-role=step]").click()
    steps = '[data-demo="descent"] [data-role=steps]'
    within(current, f"() => document.querySelector('{steps}').dataset.value === '18'")
    assert current.locator('[data-demo="descent"] [data-role=cost]').get_attribute("data-value") == \
        root.locator("[data-role=cost]").get_attribute("data-value")
    # a step and a mini-batch run from the speaker view move the projector's ball
    current.locator('[data-demo="descent"] [data-role=mini-batch]').click()
    for _ in range(3):
        current.locator('[data-demo="descent"] [data-role=step]').click()
    within(page, f"() => document.querySelector('{steps}').dataset.value === '21'")
    assert root.get_attribute("data-batch") == "mini"
    assert number(root.locator("[data-role=cost]")) == pytest.approx(
        float(current.locator('[data-demo="descent"] [data-role=cost]').get_attribute("data-value")), abs=1e-15)
    # play on the projector: the preview follows the running ball without running its own
    root.locator("[data-role=play]").click()
    page.wait_for_function(f"() => Number(document.querySelector('{steps}').dataset.value) >= 26")
    root.locator("[data-role=play]").click()
    final = root.locator("[data-role=steps]").get_attribute("data-value")
    within(current, f"v => document.querySelector('{steps}').dataset.value === v", final, limit=0.5)
    assert errors == []
