"""build.py --present in Chromium: a projector, two phones, one digit.

The presenter's page drives; two phone-sized pages (390x844, touch) follow,
one looks back and returns to live, one draws a digit and sends it, and the
projector's room view counts it. A forged presenter request from a phone is
refused. Loopback only; every wait is bounded.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

import pytest

from conftest import run_build
from test_present import present_process, room_talk

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
WAIT_MS = 10_000
INDEX_OF = """name => Reveal.getIndices(document.querySelector('[data-demo="' + name + '"]').closest('section'))"""


@pytest.fixture(scope="module")
def room_deck(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("present")
    talk = room_talk(base / "talk")
    out = base / "out"
    result = run_build(talk, "--out", out, "--cache", base / "cache", "--quiet", timeout=300)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture
def stage(room_deck: Path, browser: object) -> Iterator[dict]:
    """The server, a presenter page at projector size and two phones, with every page error collected."""
    errors: list[str] = []
    contexts = []
    with present_process(room_deck) as (process, audience, presenter):
        def page(url: str, **options: object):
            context = browser.new_context(**options)  # type: ignore[attr-defined]
            contexts.append(context)
            p = context.new_page()
            p.on("pageerror", lambda exc: errors.append(f"{url}: {exc}"))
            p.on("console", lambda msg: errors.append(f"{url}: {msg.text}") if msg.type == "error" else None)
            p.goto(url)
            p.wait_for_function("() => window.Reveal && Reveal.isReady() && window.DeckPresent", timeout=WAIT_MS)
            return p

        projector = page(presenter, viewport={"width": 1280, "height": 720})
        phones = [page(audience, **PHONE), page(audience, **PHONE)]
        yield {"projector": projector, "phones": phones, "errors": errors, "audience": audience, "process": process}
        for context in contexts:
            context.close()


def at(page, position: dict) -> None:
    page.wait_for_function("p => { const i = Reveal.getIndices(); return i.h === p.h && (i.v || 0) === (p.v || 0); }",
                           arg=position, timeout=WAIT_MS)


def go(page, position: dict) -> None:
    page.evaluate("p => Reveal.slide(p.h, p.v || 0)", position)


def test_phones_follow_look_back_and_a_sent_digit_reaches_the_projector(stage: dict) -> None:
    projector, phones = stage["projector"], stage["phones"]

    # Following, fragments included.
    fragment_slide = projector.evaluate("() => Reveal.getIndices(document.querySelector('.fragment').closest('section'))")
    go(projector, fragment_slide)
    projector.evaluate("() => Reveal.nextFragment()")
    for phone in phones:
        at(phone, fragment_slide)
        phone.wait_for_function("() => Reveal.getIndices().f === 0", timeout=WAIT_MS)
        assert phone.get_attribute("[data-role=present-bar]", "data-mode") == "live"

    # One phone looks back, stays there while the talk moves on, then returns to live.
    looking, other = phones
    looking.evaluate("() => Reveal.slide(0, 0)")
    looking.wait_for_selector("[data-role=present-bar][data-mode=back]", timeout=WAIT_MS)
    join_slide = projector.evaluate("() => Reveal.getIndices(document.querySelector('[data-join]').closest('section'))")
    go(projector, join_slide)
    at(other, join_slide)
    assert looking.evaluate("() => Reveal.getIndices().h") == 0
    looking.click("[data-role=back-to-live]")
    at(looking, join_slide)
    assert looking.get_attribute("[data-role=present-bar]", "data-mode") == "live"
    looking.evaluate("() => Reveal.next()")  # no peeking ahead of the speaker
    at(looking, join_slide)

    # The join slide shows the audience address and its QR code, drawn by the server.
    for page in (projector, other):
        assert page.locator("[data-join-qr] svg").count() == 1
        assert page.text_content("[data-join-address]") == stage["audience"]

    # The draw-a-digit slide: both phones get the pad; one draws a seven and sends it.
    draw = projector.evaluate(INDEX_OF, "draw-digit")
    go(projector, draw)
    for phone in phones:
        phone.wait_for_selector("[data-role=draw-sheet]:not([hidden])", timeout=WAIT_MS)
    sender = phones[0]
    assert sender.is_disabled("[data-role=room-send]")
    box = sender.locator("[data-role=room-pad]").bounding_box()
    assert box is not None and box["width"] >= 200  # a finger-sized pad on a 390 px screen
    x, y, w = box["x"], box["y"], box["width"]
    sender.mouse.move(x + 0.3 * w, y + 0.22 * w)
    sender.mouse.down()
    sender.mouse.move(x + 0.72 * w, y + 0.22 * w, steps=8)
    sender.mouse.move(x + 0.45 * w, y + 0.85 * w, steps=10)
    sender.mouse.up()
    sender.click("[data-role=pick][data-digit='7']")
    sender.click("[data-role=room-send]")
    sender.wait_for_selector("[data-role=room-status][data-state=sent]", timeout=WAIT_MS)

    # The projector's room view counts it, in the row of the digit meant.
    room = projector.evaluate(INDEX_OF, "room-digits")
    go(projector, room)
    projector.wait_for_function("() => document.querySelector('[data-role=count]').textContent === '1'", timeout=WAIT_MS)
    row = projector.evaluate("() => Array.from(document.querySelectorAll('[data-meant=\"7\"]')).map(c => +c.dataset.count)")
    assert sum(row) == 1
    assert projector.locator("[data-role=recent] [data-label='7']").count() == 1
    for phone in phones:
        at(phone, room)
        phone.wait_for_function("() => document.querySelector('[data-role=count]').textContent === '1'", timeout=WAIT_MS)
        assert phone.locator("[data-role=recent] canvas").count() == 0  # the drawings stay on the projector

    assert stage["errors"] == [], json.dumps(stage["errors"], indent=1)

    # A phone cannot steer: a forged presenter request is refused and nobody moves.
    forged = other.evaluate("""async () => {
        const tries = [{}, {"X-Deck-Token": "guess"}];
        const out = [];
        for (const extra of tries) {
            const r = await fetch('/__present__/slide', {method: 'POST',
                headers: Object.assign({'Content-Type': 'application/json'}, extra), body: JSON.stringify({h: 0, v: 0, f: -1})});
            out.push(r.status);
        }
        const clear = await fetch('/__present__/room', {method: 'POST', headers: {'Content-Type': 'application/json'},
            body: JSON.stringify({action: 'clear'})});
        out.push(clear.status);
        return out;
    }""")
    assert forged == [403, 403, 403]
    projector.wait_for_timeout(400)
    at(phones[1], room)
    assert projector.text_content("[data-role=count]") == "1"
    assert len(stage["errors"]) == 3 and all("403" in e for e in stage["errors"])  # the console's note of each refusal


    # The presenter pauses the room (phones are told) and hides the drawing (two clicks).
    projector.click("[data-role=room-freeze]")
    projector.wait_for_selector("[data-role=status][data-state=paused]", timeout=WAIT_MS)
    go(projector, draw)
    sender.wait_for_selector("[data-role=room-status][data-state=closed]", timeout=WAIT_MS)
    assert sender.is_disabled("[data-role=room-send]")
    go(projector, room)
    tile = projector.locator("[data-role=recent] [data-label='7']")
    tile.click()
    assert projector.text_content("[data-role=count]") == "1"  # one click only arms it
    projector.locator("[data-role=recent] [data-label='7']").click()
    projector.wait_for_function("() => document.querySelector('[data-role=count]').textContent === '0'", timeout=WAIT_MS)
    assert projector.locator("[data-role=recent] canvas").count() == 0


def test_the_speaker_view_shows_the_audience_qr_code(stage: dict) -> None:
    projector = stage["projector"]
    with projector.expect_popup(timeout=WAIT_MS) as popup:
        projector.evaluate("() => Reveal.getPlugin('notes').open()")
    speaker = popup.value
    speaker.wait_for_selector("#deck-present-join .qr svg", timeout=WAIT_MS)
    assert speaker.text_content("#deck-present-join .address") == stage["audience"]
    assert stage["errors"] == [], json.dumps(stage["errors"], indent=1)
