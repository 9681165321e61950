"""reveal.js's speaker view, offline from file://, with our pacing indicator in it."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser


def test_speaker_view_offline_with_pacing(open_deck, starter_deck: Path) -> None:
    page, log = open_deck(starter_deck / "index.html", hash="#/points")
    requests: list[str] = []
    page.context.on("request", lambda request: requests.append(request.url))
    with page.context.expect_page() as popup:
        page.keyboard.press("s")
    speaker = popup.value
    speaker.wait_for_selector("#deck-pacing .pacing-state:not(:empty)", timeout=10_000)

    # Current and upcoming slide previews are the deck itself, from file://.
    frames = [frame.url for frame in speaker.frames if frame.url != "about:blank"]
    assert len(frames) == 2 and all(url.startswith("file://") and "receiver" in url for url in frames)
    assert "fragments" in speaker.inner_text(".speaker-controls-notes .value")
    assert speaker.inner_text(".speaker-controls-time .timer").startswith("00:00")

    # Slide 3 starts after the first two slides' share of the 5-minute target:
    # a speaker who has just opened the view is ahead by about that much.
    expected = page.evaluate("() => DeckPacing.expectedSeconds(Reveal)")
    planned = page.evaluate("e => DeckPacing.schedule(e, 5 * 60)", expected)
    assert sum(planned) == pytest.approx(300)
    panel = speaker.locator("#deck-pacing")
    assert panel.get_attribute("data-state") == "ahead"
    state = speaker.inner_text("#deck-pacing .pacing-state")
    ahead = planned[0] + planned[1]
    minutes, seconds = state.removeprefix("Ahead ").split(":")
    assert abs(int(minutes) * 60 + int(seconds) - ahead) <= 6, state

    # The indicator follows the deck to another slide.
    page.evaluate("() => Reveal.slide(0)")
    speaker.wait_for_function("() => document.querySelector('#deck-pacing').dataset.state === 'on-track'")

    bad = [url for url in requests + log.requests if not url.startswith(("file:", "data:", "about:", "blob:"))]
    assert bad == []
    assert log.console_errors == []


def test_pacing_arithmetic_in_the_browser(open_deck, starter_deck: Path) -> None:
    page, _ = open_deck(starter_deck / "index.html")
    status = lambda index, elapsed: page.evaluate(  # noqa: E731
        "([i, t]) => DeckPacing.status([10, 20, 30], i, t)", [index, elapsed]
    )
    assert status(1, 4) == {"state": "ahead", "seconds": 6, "start": 10, "end": 30, "total": 60}
    assert status(1, 40)["state"] == "behind" and status(1, 40)["seconds"] == 10
    assert status(1, 25)["state"] == "on-track" and status(1, 25)["seconds"] == 5
    assert page.evaluate("() => DeckPacing.schedule([10, 30], 80)") == [20, 60]
    assert page.evaluate("() => DeckPacing.schedule([0, 0], 80)") == [0, 0]
    assert page.evaluate("() => DeckPacing.parseClock('01:02:03')") == 3723
    assert page.evaluate("() => DeckPacing.format(75)") == "1:15"
    # Every slide carries its expected seconds, from the notes at the deck's speaking rate.
    values = page.evaluate("() => Reveal.getSlides().map(s => s.getAttribute('data-expected-seconds'))")
    assert len(values) == 10 and all(v is not None and int(v) > 0 for v in values)
