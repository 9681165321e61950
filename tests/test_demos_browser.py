"""The five live demos in the built default deck, driven in Debian's Chromium.

Each test opens the deck from file://, goes to the slide holding the demo,
interacts the way a speaker would (drawing with the mouse, sliders, buttons,
keys) and asserts the outcome the audience would see, read from the DOM.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from conftest import deck_data
from netcore.figures import demo_fallbacks

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DEMOS = ("draw-digit", "neuron", "descent", "backprop", "replay")
ROOM = "room-digits"  # the room's drawings under --present: tests/test_present*.py drive it


def goto_demo(page, name: str):
    """Show the slide holding the demo and return a locator for the demo root."""
    page.wait_for_function("n => window.Demos && Demos.get(n)", arg=name)
    page.evaluate(
        """n => { const s = document.querySelector(`[data-demo="${n}"]`).closest('section');
                  const i = Reveal.getIndices(s); Reveal.slide(i.h, i.v); }""",
        name,
    )
    page.wait_for_function("n => Demos.get(n).active", arg=name)
    # wait for the slide transition to finish: the demo's box stops moving
    page.evaluate(
        """n => new Promise(done => {
             const el = document.querySelector(`[data-demo="${n}"]`);
             let last = '', same = 0;
             const check = () => {
               const r = el.getBoundingClientRect(), key = [r.x, r.y, r.width, r.height].join();
               same = key === last ? same + 1 : 0; last = key;
               if (same >= 5) done(); else requestAnimationFrame(check);
             };
             check();
           })""",
        name,
    )
    return page.locator(f'[data-demo="{name}"]')


def set_slider(locator, value: float) -> None:
    """Move a range input the way a drag does: set the value and fire 'input'."""
    locator.evaluate("(el, v) => { el.value = String(v); el.dispatchEvent(new Event('input', {bubbles: true})); }", value)


def number(locator) -> float:
    return float(locator.get_attribute("data-value"))


def stroke(page, points: list[tuple[float, float]]) -> None:
    page.mouse.move(*points[0])
    page.mouse.down()
    for p in points[1:]:
        page.mouse.move(*p, steps=2)
    page.mouse.up()


def one_stroke(box) -> list[tuple[float, float]]:
    x = box["x"] + box["width"] * 0.52
    return [(x - 0.02 * box["width"] * t, box["y"] + box["height"] * (0.15 + 0.7 * t)) for t in (i / 20 for i in range(21))]


def zero_stroke(box) -> list[tuple[float, float]]:
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    rx, ry = 0.22 * box["width"], 0.33 * box["height"]
    return [(cx + rx * math.sin(2 * math.pi * i / 48), cy - ry * math.cos(2 * math.pi * i / 48)) for i in range(51)]


def assert_clean(log) -> None:
    assert log.console_errors == []
    assert log.non_file_requests == []
    assert all(url.startswith("file:") for url in log.requests if not url.startswith(("data:", "blob:", "about:")))


@pytest.fixture
def deck(built_deck: Path, open_deck):
    page, log = open_deck(built_deck / "index.html")
    page.wait_for_function("() => window.Demos && Demos.instances.length > 0")
    yield page, log
    assert_clean(log)


def test_every_demo_is_in_the_deck_mounted_and_clean(deck):
    page, log = deck
    names = page.evaluate("() => Demos.instances.map(i => i.name).sort()")
    assert names == sorted(DEMOS + (ROOM,))
    for name in DEMOS:
        root = goto_demo(page, name)
        assert root.locator("[data-role=error]").count() == 0
        assert root.is_visible()
        assert root.locator("[data-role=reset]").count() == 1
        fallback = root.locator("xpath=following-sibling::img[contains(@class, 'demo-fallback')]")
        assert fallback.count() == 1 and not fallback.is_visible()
        active = page.evaluate("() => Demos.instances.filter(i => i.active).map(i => i.name)")
        assert active == [name]  # every other demo is paused
    assert_clean(log)


def test_demos_mount_after_the_first_frame_or_when_their_slide_is_shown(built_deck: Path, browser) -> None:
    """The deck is ready before its demos are: the current slide's mount at ready, a demo whose
    slide is shown mounts then, the rest mount in the background, and no data is decoded early."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        context.add_init_script("""(() => { const poll = () => {
            if (window.Reveal && Reveal.isReady && Reveal.isReady() && window.Demos && Demos.started) {
              window.__atReady = {mounted: Demos.instances.length, settled: Demos.settled,
                                  decoded: Object.getOwnPropertyDescriptor(DeckData.net, 'samples').get === undefined};
              const s = document.querySelector('[data-demo="neuron"]').closest('section'), i = Reveal.getIndices(s);
              Reveal.slide(i.h, i.v);
              window.__afterSlide = Demos.instances.map(x => x.name);
              return;
            }
            requestAnimationFrame(poll); }; requestAnimationFrame(poll); })();""")
        page = context.new_page()
        page.goto((built_deck / "index.html").resolve().as_uri())
        page.wait_for_function("() => window.__afterSlide !== undefined")
        assert page.evaluate("window.__atReady") == {"mounted": 0, "settled": False, "decoded": False}
        assert page.evaluate("window.__afterSlide") == ["neuron"]
        page.wait_for_function("() => Demos.settled", timeout=15_000)
        names = page.evaluate("() => Demos.instances.map(i => i.name).sort()")
        assert names == sorted(DEMOS + (ROOM,))
        assert page.evaluate("() => Demos.instances.filter(i => i.active).map(i => i.name)") == ["neuron"]
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [(1280, 720), (800, 450)])
def test_draw_digit_reads_a_drawn_one_and_zero(built_deck, open_deck, viewport):
    page, log = open_deck(built_deck / "index.html", width=viewport[0], height=viewport[1])
    root = goto_demo(page, "draw-digit")
    pad = root.locator("[data-role=pad]")
    prediction = root.locator("[data-role=prediction]")
    box = pad.bounding_box()
    stroke(page, one_stroke(box))
    page.wait_for_function("el => el.dataset.value !== ''", arg=prediction.element_handle())
    assert prediction.text_content() == "1"
    root.locator("[data-role=clear]").click()
    assert prediction.get_attribute("data-value") == ""
    stroke(page, zero_stroke(box))
    page.wait_for_function("el => el.dataset.value !== ''", arg=prediction.element_handle())
    assert prediction.text_content() == "0"
    # the highlighted bar is the prediction and holds the largest output
    values = [number(root.locator(f"[data-role=output][data-digit='{d}']")) for d in range(10)]
    assert max(range(10), key=values.__getitem__) == 0
    assert root.locator(".dd-best").get_attribute("data-digit") == "0"
    assert_clean(log)


def test_draw_digit_works_with_touch_pointers(deck):
    page, _ = deck
    root = goto_demo(page, "draw-digit")
    pad = root.locator("[data-role=pad]")
    assert pad.evaluate("el => getComputedStyle(el).touchAction") == "none"
    box = pad.bounding_box()
    points = one_stroke(box)
    pad.evaluate(
        """(el, pts) => {
             const fire = (type, [x, y]) => el.dispatchEvent(new PointerEvent(type, {
               pointerId: 7, pointerType: 'touch', isPrimary: true, clientX: x, clientY: y,
               bubbles: true, cancelable: true, buttons: type === 'pointerup' ? 0 : 1}));
             fire('pointerdown', pts[0]);
             pts.slice(1).forEach(p => fire('pointermove', p));
             fire('pointerup', pts[pts.length - 1]);
           }""",
        points,
    )
    page.wait_for_function("() => document.querySelector('[data-demo=\"draw-digit\"] [data-role=prediction]').dataset.value !== ''")
    assert root.locator("[data-role=prediction]").text_content() == "1"


def test_draw_digit_steps_through_test_digits_and_mistakes(deck, built_deck):
    page, _ = deck
    samples = deck_data(built_deck, "samples")
    root = goto_demo(page, "draw-digit")
    root.locator("[data-role=mode-samples]").click()
    caption = root.locator("[data-role=caption]")
    for _ in range(3):
        index = int(caption.get_attribute("data-index"))
        digit = samples["digits"][index]
        assert caption.get_attribute("data-label") == str(digit["label"])
        assert root.locator("[data-role=prediction]").text_content() == str(digit["prediction"])
        root.locator("[data-role=next]").click()
    root.locator("[data-role=mistakes-only]").check()
    index = int(caption.get_attribute("data-index"))
    assert index in samples["misclassified"]
    shown = root.locator("[data-role=prediction]").text_content()
    assert shown != caption.get_attribute("data-label")
    assert shown == str(samples["digits"][index]["prediction"])
    assert "✗" in caption.text_content()


SPY_SPEAKER_VIEW = """() => {
  // reveal.js's notes plugin opens the speaker view with window.open; count the calls
  // and hand back a closed stand-in so the next 's' opens it again.
  window.__speakerOpened = 0;
  window.open = () => { window.__speakerOpened += 1;
    return { closed: true, focus() {}, postMessage() {}, document: { write() {}, close() {} } }; };
}"""


def engage(page, name: str):
    """Use the demo with the mouse the way a speaker would; the demo then holds the keys."""
    root = goto_demo(page, name)
    if name == "draw-digit":
        stroke(page, one_stroke(root.locator("[data-role=pad]").bounding_box()))
        page.wait_for_function("() => document.querySelector('[data-demo=\"draw-digit\"] [data-role=prediction]').dataset.value !== ''")
    elif name == "neuron":
        root.locator("[data-role=relu]").click()
    elif name == "descent":
        place_ball(page, root, -2.0, 1.5)
    elif name == "backprop":
        root.locator("[data-role=step]").click()
    else:
        root.locator("[data-role=play]").click()
        root.locator("[data-role=play]").click()
    assert page.evaluate("n => document.querySelector(`[data-demo=\"${n}\"]`).contains(document.activeElement)", name)
    assert root.locator("[data-role=key-hint]").is_visible()  # the demo says it holds the keys
    return root


def demo_state(page, name: str) -> str:
    """What the audience sees of the demo's work, to check a stage key kept it."""
    return page.evaluate(
        """n => { const r = document.querySelector(`[data-demo="${n}"]`);
                  return [r.dataset.activation, r.dataset.stage, r.dataset.epoch,
                          ...Array.from(r.querySelectorAll('[data-role=prediction], [data-role=steps], [data-role=position]'),
                                        e => e.dataset.value || e.textContent)].join('|'); }""",
        name,
    )


@pytest.mark.parametrize("name", DEMOS)
def test_stage_keys_reach_the_deck_after_using_a_demo(deck, name):
    page, _ = deck
    page.evaluate(SPY_SPEAKER_VIEW)
    for key in ("PageDown", "PageUp", "n", "p", "ArrowRight", "ArrowLeft", "ArrowDown", "ArrowUp", "Space"):
        engage(page, name)
        if key == "Space" and page.evaluate("() => document.activeElement.tagName") == "BUTTON":
            continue  # space on a focused button presses it: a control that uses the key
        before, work = page.evaluate("() => Reveal.getIndices()"), demo_state(page, name)
        page.keyboard.press(key)
        assert page.evaluate("() => Reveal.getIndices()") != before, f"{key} did not move the deck"
        assert demo_state(page, name) == work, f"{key} changed the demo"
    engage(page, name)
    work = demo_state(page, name)
    page.keyboard.press("s")
    assert page.evaluate("() => window.__speakerOpened") == 1  # the notes plugin opened the speaker view
    assert demo_state(page, name) == work  # neuron's sigmoid and descent's step did not steal it
    engage(page, name)
    page.keyboard.press("b")
    assert page.evaluate("() => Reveal.isPaused()")
    page.keyboard.press("b")
    engage(page, name)
    page.keyboard.press("Escape")
    assert page.evaluate("() => Reveal.isOverview()")
    page.keyboard.press("Escape")
    assert not page.evaluate("() => Reveal.isOverview()")


def test_a_focused_slider_keeps_its_arrows_but_not_the_clicker(deck):
    page, _ = deck
    page.evaluate(SPY_SPEAKER_VIEW)
    root = goto_demo(page, "descent")
    lr = root.locator("[data-role=lr]")
    place_ball(page, root, -2.0, 1.5)
    lr.click()
    before, value, steps = page.evaluate("() => Reveal.getIndices()"), lr.input_value(), number(root.locator("[data-role=steps]"))
    page.keyboard.press("ArrowRight")
    assert lr.input_value() != value  # the slider moved
    assert number(root.locator("[data-role=steps]")) == steps  # the ball did not
    assert page.evaluate("() => Reveal.getIndices()") == before
    page.keyboard.press("s")
    assert page.evaluate("() => window.__speakerOpened") == 1
    lr.click()
    page.keyboard.press("PageDown")  # reveal.js ignores keys while an input is focused: the demo lets go
    assert page.evaluate("() => Reveal.getIndices()") != before


def test_demo_lets_go_of_the_keys_when_the_pointer_leaves_or_it_idles(deck):
    page, _ = deck
    root = engage(page, "draw-digit")
    hint = root.locator("[data-role=key-hint]")
    page.mouse.move(2, 2)  # leave the demo
    assert page.evaluate("() => !document.activeElement.closest('[data-demo]')")
    assert not hint.is_visible()
    page.evaluate("() => { Demos.idleReleaseMs = 300; }")
    root = engage(page, "draw-digit")
    page.wait_for_function("() => !document.activeElement.closest('[data-demo]')", timeout=3000)
    assert not hint.is_visible()
    assert root.locator("[data-role=prediction]").get_attribute("data-value") != ""  # the drawing stays


def test_r_resets_the_demo_with_or_without_its_focus(deck):
    page, _ = deck
    root = engage(page, "draw-digit")
    before = page.evaluate("() => Reveal.getIndices()")
    for key in ("c", "d", "]", "["):  # demo keys in draw mode keep the drawing except C (clear)
        if key == "c":
            continue
        page.keyboard.press(key)
    assert root.locator("[data-role=prediction]").get_attribute("data-value") != ""
    page.keyboard.press("r")
    assert root.locator("[data-role=prediction]").get_attribute("data-value") == ""
    # with the keyboard back at the deck, R resets the demo on the slide
    root = engage(page, "draw-digit")
    page.mouse.move(2, 2)
    assert page.evaluate("() => !document.activeElement.closest('[data-demo]')")
    page.keyboard.press("r")
    assert root.locator("[data-role=prediction]").get_attribute("data-value") == ""
    assert page.evaluate("() => Reveal.getIndices()") == before


def test_neuron_sliders_and_activation_switch(deck):
    page, _ = deck
    root = goto_demo(page, "neuron")
    set_slider(root.locator("[data-role=w1]"), 3.0)
    set_slider(root.locator("[data-role=x1]"), 0.5)
    set_slider(root.locator("[data-role=b]"), -2.0)
    ws = [float(root.locator(f"[data-role=w{i}]").input_value()) for i in (1, 2, 3)]
    xs = [float(root.locator(f"[data-role=x{i}]").input_value()) for i in (1, 2, 3)]
    z = sum(w * x for w, x in zip(ws, xs)) - 2.0
    assert number(root.locator("[data-role=z]")) == pytest.approx(z, abs=1e-12)
    assert number(root.locator("[data-role=output]")) == pytest.approx(1 / (1 + math.exp(-z)), abs=1e-12)
    root.locator("[data-role=relu]").click()
    assert root.get_attribute("data-activation") == "relu"
    assert number(root.locator("[data-role=output]")) == pytest.approx(max(0.0, z), abs=1e-12)
    set_slider(root.locator("[data-role=b]"), -6.0)
    assert number(root.locator("[data-role=output]")) == 0.0
    root.locator("[data-role=reset]").click()
    assert root.get_attribute("data-activation") == "sigmoid"
    assert float(root.locator("[data-role=b]").input_value()) == pytest.approx(demo_fallbacks.NEURON_B)


def place_ball(page, root, x: float, y: float) -> None:
    """Click the map at parameter coordinates (x, y)."""
    box = root.locator("[data-role=map]").bounding_box()
    fx = (x - demo_fallbacks.XMIN) / (demo_fallbacks.XMAX - demo_fallbacks.XMIN)
    fy = (demo_fallbacks.YMAX - y) / (demo_fallbacks.YMAX - demo_fallbacks.YMIN)
    page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])


def test_descent_small_rate_rolls_down_large_rate_diverges(deck):
    page, _ = deck
    root = goto_demo(page, "descent")
    cost, steps = root.locator("[data-role=cost]"), root.locator("[data-role=steps]")
    set_slider(root.locator("[data-role=lr]"), 0.1)
    place_ball(page, root, -2.0, 1.5)
    assert number(steps) == 0
    start = number(cost)
    previous = start
    for _ in range(10):
        root.locator("[data-role=step]").click()
        assert number(cost) <= previous + 1e-12  # a small step never goes uphill here
        previous = number(cost)
    assert number(steps) == 10
    assert previous < start - 0.5

    set_slider(root.locator("[data-role=lr]"), 1.5)
    place_ball(page, root, -2.0, 1.5)
    start = number(cost)
    for _ in range(10):
        root.locator("[data-role=step]").click()
    assert number(cost) > start  # overshoots further every step: divergence
    assert root.locator("[data-role=status]").get_attribute("data-state") == "diverged"

    # play runs on its own and pause stops it
    set_slider(root.locator("[data-role=lr]"), 0.05)
    place_ball(page, root, 2.5, -1.8)
    root.locator("[data-role=play]").click()
    page.wait_for_function("el => Number(el.dataset.value) >= 5", arg=steps.element_handle())
    root.locator("[data-role=play]").click()
    frozen = number(steps)
    page.wait_for_timeout(400)
    assert number(steps) == frozen


def test_descent_mini_batch_is_noisy_full_batch_is_not(deck):
    page, _ = deck
    root = goto_demo(page, "descent")

    def path(mode: str) -> list[float]:
        root.locator(f"[data-role={mode}]").click()
        set_slider(root.locator("[data-role=lr]"), 0.1)
        place_ball(page, root, -2.5, 1.8)
        costs = []
        for _ in range(30):
            root.locator("[data-role=step]").click()
            costs.append(number(root.locator("[data-role=cost]")))
        return costs

    full = path("full-batch")
    assert root.get_attribute("data-batch") == "full"
    assert all(b <= a + 1e-12 for a, b in zip(full, full[1:]))
    mini = path("mini-batch")
    assert root.get_attribute("data-batch") == "mini"
    assert mini != full
    assert mini[-1] < mini[0]


def test_descent_surface_matches_the_printed_fallback(deck):
    page, _ = deck
    goto_demo(page, "descent")
    centres = demo_fallbacks.descent_examples()
    points = [(-2.5, 1.8), (0.0, 0.0), (1.5, 0.55), (-1.6, -0.9), (2.9, -2.2)]
    js = page.evaluate("pts => pts.map(p => Demos.get('descent').impl.surface.cost(p[0], p[1]))", points)
    for (x, y), value in zip(points, js):
        assert value == pytest.approx(float(demo_fallbacks.descent_cost(x, y, centres)), abs=1e-12)


def test_backprop_steps_forward_then_backward_and_matches_finite_differences(deck):
    page, _ = deck
    root = goto_demo(page, "backprop")
    expected = demo_fallbacks.chain_values()
    layers = len(demo_fallbacks.CHAIN_W)
    assert root.locator("[data-role='z1']").get_attribute("data-value") is None
    root.locator("[data-role=step]").click()
    assert number(root.locator("[data-role='z1']")) == pytest.approx(expected["z"][0], abs=1e-12)
    assert root.locator("[data-role='z2']").get_attribute("data-value") is None
    assert root.locator("[data-role='dC/dw1']").get_attribute("data-value") is None
    total = 2 * layers + 2
    for _ in range(total - 1):
        root.locator("[data-role=step]").click()
    assert root.get_attribute("data-complete") == "true"
    assert number(root.locator("[data-role=C]")) == pytest.approx(expected["C"][0], abs=1e-12)
    for layer in range(1, layers + 1):
        dw = number(root.locator(f"[data-role='dC/dw{layer}']"))
        db = number(root.locator(f"[data-role='dC/db{layer}']"))
        assert dw == pytest.approx(expected["dw"][layer - 1], abs=1e-12)
        assert dw == pytest.approx(number(root.locator(f"[data-role='fd-w{layer}']")), abs=1e-8)
        assert db == pytest.approx(number(root.locator(f"[data-role='fd-b{layer}']")), abs=1e-8)
    assert number(root.locator("[data-role=fd-error]")) < 1e-8
    # editing a weight recomputes everything, and the check still holds
    root.locator("[data-role=w2]").fill("-3.5")
    changed = demo_fallbacks.chain_values(w=(demo_fallbacks.CHAIN_W[0], -3.5, demo_fallbacks.CHAIN_W[2]))
    assert number(root.locator("[data-role='dC/dw2']")) == pytest.approx(changed["dw"][1], abs=1e-12)
    assert number(root.locator("[data-role=fd-error]")) < 1e-8
    # ] steps too, without moving the deck (the arrows are the deck's)
    indices = page.evaluate("() => Reveal.getIndices()")
    root.locator("[data-role=reset]").click()
    root.focus()
    page.keyboard.press("]")
    assert root.get_attribute("data-stage") == "1"
    assert page.evaluate("() => Reveal.getIndices()") == indices


def test_replay_scrubber_follows_the_recorded_epochs(deck, built_deck):
    page, _ = deck
    snaps = deck_data(built_deck, "snapshots")
    samples = deck_data(built_deck, "samples")
    history = {h["epoch"]: h for h in snaps["history"]}
    root = goto_demo(page, "replay")
    scrub = root.locator("[data-role=epoch]")
    last = len(snaps["snapshots"]) - 1
    for k in (0, last // 2, last):
        set_slider(scrub, k)
        epoch = snaps["snapshots"][k]["epoch"]
        assert root.get_attribute("data-epoch") == str(epoch)
        assert number(root.locator("[data-role=accuracy]")) == pytest.approx(history[epoch]["test_accuracy"])
        assert number(root.locator("[data-role=cost]")) == pytest.approx(history[epoch]["test_cost"])
    # at the last epoch the snapshot is the final network: same answers as the exported model
    cells = root.locator("[data-role=digit-prediction]")
    assert cells.count() == 10
    for i in range(cells.count()):
        index = int(cells.nth(i).get_attribute("data-index"))
        assert cells.nth(i).get_attribute("data-value") == str(samples["digits"][index]["prediction"])
    right_at_end = number(root.locator("[data-role=score]"))
    set_slider(scrub, 0)
    assert number(root.locator("[data-role=score]")) < right_at_end  # an untrained network is worse
    root.locator("[data-role=play]").click()
    page.wait_for_function("el => el.dataset.epoch !== String(%d)" % snaps["snapshots"][0]["epoch"], arg=root.element_handle())


def test_demo_pauses_when_its_slide_is_not_shown(deck):
    page, _ = deck
    root = goto_demo(page, "descent")
    set_slider(root.locator("[data-role=lr]"), 0.02)
    root.locator("[data-role=play]").click()
    page.wait_for_function("() => Number(document.querySelector('[data-demo=\"descent\"] [data-role=steps]').dataset.value) >= 2")
    page.evaluate("() => Reveal.next()")
    page.wait_for_function("() => !Demos.get('descent').active")
    steps = number(root.locator("[data-role=steps]"))
    page.wait_for_timeout(500)
    assert number(root.locator("[data-role=steps]")) == steps
    assert root.get_attribute("data-playing") == "false"


def test_print_shows_the_static_fallbacks(deck):
    page, _ = deck
    page.emulate_media(media="print")
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")  # what the browser's print sends first
    for name in DEMOS:
        root = page.locator(f'[data-demo="{name}"]')
        fallback = root.locator("xpath=following-sibling::img[contains(@class, 'demo-fallback')]")
        assert root.evaluate("el => getComputedStyle(el).display") == "none"
        assert fallback.evaluate("el => getComputedStyle(el).display") == "block"
        src = fallback.get_attribute("src")
        assert src == f"figures/demo-{name}.{'svg' if name in ('neuron', 'backprop') else 'png'}"
    page.emulate_media(media="screen")
    page.evaluate("() => document.documentElement.classList.add('print-pdf')")
    for name in DEMOS:
        root = page.locator(f'[data-demo="{name}"]')
        assert root.evaluate("el => getComputedStyle(el).display") == "none"
        fallback = root.locator("xpath=following-sibling::img[contains(@class, 'demo-fallback')]")
        assert fallback.evaluate("el => getComputedStyle(el).display") == "block"


def test_reveal_print_pdf_view_shows_loaded_fallbacks_and_runs_no_demo(built_deck, open_deck):
    page, log = open_deck(built_deck / "index.html", hash="?print-pdf")
    page.wait_for_function("() => window.Demos && Demos.instances.length === document.querySelectorAll('[data-demo]').length")
    assert page.evaluate("() => document.documentElement.classList.contains('print-pdf')")
    assert page.evaluate("() => Demos.instances.filter(i => i.active).length") == 0
    for name in DEMOS:
        root = page.locator(f'[data-demo="{name}"]')
        fallback = root.locator("xpath=following-sibling::img[contains(@class, 'demo-fallback')]")
        assert not root.is_visible()
        fallback.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=fallback.element_handle())
        assert fallback.is_visible()
    assert_clean(log)


def pad_ink(page, fx: float, fy: float) -> int:
    """Brightness of the drawing pad at a fraction (fx, fy) of its size."""
    return page.evaluate(
        """([fx, fy]) => { const c = document.querySelector('[data-demo="draw-digit"] [data-role=pad]');
                           return c.getContext('2d').getImageData(Math.round(fx * c.width), Math.round(fy * c.height), 1, 1).data[0]; }""",
        [fx, fy],
    )


def test_leaving_the_slide_mid_stroke_ends_the_stroke(deck):
    page, _ = deck
    root = goto_demo(page, "draw-digit")
    box = root.locator("[data-role=pad]").bounding_box()
    at = lambda fx, fy: (box["x"] + fx * box["width"], box["y"] + fy * box["height"])  # noqa: E731
    page.mouse.move(*at(0.3, 0.2))
    page.mouse.down()
    page.mouse.move(*at(0.3, 0.5), steps=4)
    assert pad_ink(page, 0.3, 0.35) > 128  # the stroke so far is on the pad
    page.evaluate("() => Reveal.next()")  # the speaker's clicker, button still held
    page.wait_for_function("() => !Demos.get('draw-digit').active")
    root = goto_demo(page, "draw-digit")
    page.mouse.move(*at(0.8, 0.5), steps=4)  # the held button comes back over the pad
    page.mouse.up()
    assert pad_ink(page, 0.55, 0.5) == 0  # no stray line from where the stroke was left
    assert pad_ink(page, 0.3, 0.35) > 128  # and the earlier ink is kept
    # a fresh press draws again
    stroke(page, [at(0.7, 0.2), at(0.7, 0.8)])
    assert pad_ink(page, 0.7, 0.5) > 128


@pytest.mark.parametrize("typed", ["", "-"])
def test_backprop_says_an_empty_field_is_not_a_number(deck, typed):
    page, _ = deck
    root = goto_demo(page, "backprop")
    root.locator("[data-role=run-all]").click()
    before = number(root.locator("[data-role='dC/dw2']"))
    field = root.locator("[data-role=w2]")
    field.fill("")
    if typed:
        field.type(typed)
    error = root.locator("[data-role=input-error]")
    assert error.is_visible() and "w₂" in error.text_content()
    assert field.get_attribute("aria-invalid") == "true"
    # the numbers shown are still those of the last valid input, not of w2 = 0
    assert number(root.locator("[data-role='dC/dw2']")) == pytest.approx(before, abs=1e-15)
    field.fill("-3.5")
    assert error.text_content() == "" and field.get_attribute("aria-invalid") is None
    changed = demo_fallbacks.chain_values(w=(demo_fallbacks.CHAIN_W[0], -3.5, demo_fallbacks.CHAIN_W[2]))
    assert number(root.locator("[data-role='dC/dw2']")) == pytest.approx(changed["dw"][1], abs=1e-12)


@pytest.mark.parametrize("how", ["print-pdf", "print-media"])
def test_stills_keep_their_aspect_ratio_in_print(built_deck, open_deck, how):
    page, log = open_deck(built_deck / "index.html", hash="?print-pdf" if how == "print-pdf" else "")
    if how == "print-media":
        page.emulate_media(media="print")
        page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    page.wait_for_function("() => window.Demos && Demos.instances.length === document.querySelectorAll('[data-demo]').length")
    for name in DEMOS:
        fallback = page.locator(f'[data-demo="{name}"] ~ img.demo-fallback')
        fallback.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=fallback.element_handle())
        shown = fallback.evaluate("img => { const r = img.getBoundingClientRect(); return [r.width, r.height, img.naturalWidth, img.naturalHeight]; }")
        width, height, natural_w, natural_h = shown
        assert width > 0 and height > 0
        assert width / height == pytest.approx(natural_w / natural_h, rel=0.01), f"{name} still squashed: {shown}"
    assert_clean(log)


def test_descent_declares_divergence_when_the_ball_leaves_the_map(deck):
    page, _ = deck
    root = goto_demo(page, "descent")
    status = root.locator("[data-role=status]")
    set_slider(root.locator("[data-role=lr]"), 1.5)
    place_ball(page, root, -2.0, 1.5)
    inside = lambda: page.evaluate(  # noqa: E731
        "() => { const r = Demos.get('descent').impl.getState().pos;"
        f" return r[0] >= {demo_fallbacks.XMIN} && r[0] <= {demo_fallbacks.XMAX} && r[1] >= {demo_fallbacks.YMIN} && r[1] <= {demo_fallbacks.YMAX}; }}")
    steps = 0
    while inside():
        assert status.get_attribute("data-state") == ""
        root.locator("[data-role=step]").click()
        steps += 1
        assert steps < 10
    # the first step off the map says so at once (it used to sit pinned at the edge for seconds)
    assert status.get_attribute("data-state") == "diverged" and "Diverged" in status.text_content()
    assert number(root.locator("[data-role=steps]")) == steps
    diverged_colour = status.evaluate("el => getComputedStyle(el).color")

    set_slider(root.locator("[data-role=lr]"), 0.3)
    place_ball(page, root, -2.0, 1.5)
    page.evaluate("""() => { const b = document.querySelector('[data-demo="descent"] [data-role=step]');
                             const s = document.querySelector('[data-demo="descent"] [data-role=status]');
                             for (let i = 0; i < 2000 && s.dataset.state !== 'converged'; i++) b.click(); }""")
    assert status.get_attribute("data-state") == "converged" and status.text_content() == "Converged"
    converged_colour = status.evaluate("el => getComputedStyle(el).color")
    assert converged_colour != diverged_colour  # success is not drawn in the error colour
    assert converged_colour == "rgb(143, 227, 136)"


def test_draw_digit_hidden_layers_are_shaded_relative_to_their_largest(deck):
    page, _ = deck
    root = goto_demo(page, "draw-digit")
    root.locator("[data-role=mode-samples]").click()
    shades = page.evaluate("""() => {
      const impl = Demos.get('draw-digit').impl, c = document.querySelector('[data-demo="draw-digit"] [data-role=network]');
      const g = c.getContext('2d'), scale = c.width / 500;
      return impl.positions.slice(1, -1).map(P => P.ys.map(y =>
        g.getImageData(Math.round(P.x * scale), Math.round(y * scale), 1, 1).data[0]));
    }""")
    assert len(shades) == 2 and all(len(layer) == 16 for layer in shades)
    for layer in shades:
        white = sum(v >= 250 for v in layer)
        # ReLU is unbounded: clipped at 1, 41 % of the hidden neurons drew pure white
        assert 1 <= white <= 2, layer
        assert len(set(layer)) >= 6  # the rest keep their differences


def test_replay_shows_the_first_rise_inside_the_first_epoch(deck, built_deck):
    page, _ = deck
    snaps = deck_data(built_deck, "snapshots")
    epochs = [s["epoch"] for s in snaps["snapshots"]]
    accuracy = {h["epoch"]: h["test_accuracy"] for h in snaps["history"]}
    # points recorded inside epoch 1, where accuracy goes from chance to ~90 %
    inside = [e for e in epochs if 0 < e < 1]
    assert len(inside) >= 4 and epochs == sorted(epochs)
    rises = [accuracy[b] - accuracy[a] for a, b in zip(epochs, epochs[1:])]
    assert max(rises) < 0.3, rises[:8]  # was 7 % -> 92 % in one jump
    assert sum(0.2 < accuracy[e] < 0.85 for e in epochs) >= 3  # the learning is on screen, not between two points
    root = goto_demo(page, "replay")
    scrub = root.locator("[data-role=epoch]")
    k = epochs.index(inside[1])
    set_slider(scrub, k)
    assert root.get_attribute("data-epoch") == str(inside[1])
    assert number(root.locator("[data-role=accuracy]")) == pytest.approx(accuracy[inside[1]])
    steps = round(inside[1] * snaps["batches_per_epoch"])
    assert f"({steps} steps)" in root.locator("[data-role=epoch-label]").text_content()


def test_descent_keeps_the_last_run_to_compare_two_rates(deck):
    page, _ = deck
    root = goto_demo(page, "descent")
    plot = root.locator("[data-role=cost-plot]")
    assert plot.get_attribute("data-runs") == "1"
    set_slider(root.locator("[data-role=lr]"), 0.05)
    place_ball(page, root, -2.0, 1.5)
    for _ in range(12):
        root.locator("[data-role=step]").click()
    slow = page.evaluate("() => Demos.get('descent').impl.getState().path")
    set_slider(root.locator("[data-role=lr]"), 0.4)
    place_ball(page, root, -2.0, 1.5)  # a new run: the last one stays, faded
    for _ in range(12):
        root.locator("[data-role=step]").click()
    state = page.evaluate("() => Demos.get('descent').impl.getState()")
    assert state["previous"]["path"] == slow and state["previous"]["lr"] == pytest.approx(0.05)
    assert plot.get_attribute("data-runs") == "2"
    costs = page.evaluate("paths => paths.map(p => { const s = Demos.get('descent').impl.surface; const q = p[p.length - 1]; return s.cost(q[0], q[1]); })",
                          [slow, state["path"]])
    assert costs[1] < costs[0]  # the larger rate got further in the same 12 steps: what the plot shows side by side
    root.locator("[data-role=reset]").click()
    assert plot.get_attribute("data-runs") == "1"


def test_draw_digit_shows_a_hidden_neurons_weights_on_hover_and_tap(deck):
    page, _ = deck
    root = goto_demo(page, "draw-digit")
    view = root.locator("[data-role=network]")
    box = view.bounding_box()
    neuron = page.evaluate("() => { const P = Demos.get('draw-digit').impl.positions[1]; return [P.x, P.ys[3]]; }")
    at = (box["x"] + neuron[0] / 500 * box["width"], box["y"] + neuron[1] / 440 * box["height"])
    state = lambda: page.evaluate("() => Demos.get('draw-digit').impl.getState().inspect")  # noqa: E731
    page.mouse.move(*at)
    page.wait_for_function("() => Demos.get('draw-digit').impl.getState().inspect === 3")
    # the input image now shows that neuron's 784 incoming weights: blue and orange, not grey
    colours = page.evaluate("""() => { const c = document.querySelector('[data-demo="draw-digit"] [data-role=network]');
        const im = Demos.get('draw-digit').impl.positions[0].image, k = c.width / 500;
        const d = c.getContext('2d').getImageData(Math.round(im.x * k), Math.round(im.y * k), Math.round(im.size * k), Math.round(im.size * k)).data;
        let tinted = 0; for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - d[i + 2]) > 60) tinted++;
        return tinted / (d.length / 4); }""")
    assert colours > 0.3
    page.mouse.move(box["x"] - 40, box["y"] + 5)  # leaving the view lets go
    page.wait_for_function("() => Demos.get('draw-digit').impl.getState().inspect === -1")
    page.mouse.click(*at)  # a tap pins it (touch has no hover)
    page.mouse.move(box["x"] - 40, box["y"] + 5)
    assert state() == 3
    page.mouse.click(*at)
    assert state() == -1
