"""The pacing arithmetic: words in notes to minutes, sections, budget warnings."""

from __future__ import annotations

from pathlib import Path

import pytest

from deck.config import DeckConfig
from deck.pacing import (
    minutes_for,
    over_budget,
    pace_slides,
    report,
    sections,
    slide_seconds,
    verdict,
)
from deck.sources import Slide

A = Path("a.md")
B = Path("b.md")


def slide(file: Path, line: int, notes_words: int, body: str = "", layout: str | None = None) -> Slide:
    options = {"layout": layout} if layout else {}
    notes = " ".join(f"word{i}" for i in range(notes_words))
    return Slide(file=file, line=line, h=0, v=0, options=options, body=body, notes=notes)


def test_minutes_at_the_speaking_rate() -> None:
    assert minutes_for(130, 130) == 1.0
    assert minutes_for(0, 130) == 0.0
    assert minutes_for(390, 130) == 3.0
    assert minutes_for(150, 100) == 1.5
    with pytest.raises(ValueError):
        minutes_for(10, 0)


def test_slide_seconds_count_spoken_words_only() -> None:
    # 65 words at 130 a minute is half a minute; math and Jinja are not read out word by word.
    notes = " ".join(["word"] * 65) + " $x^2 + y^2$ {{ net.test_accuracy_percent }}"
    assert slide_seconds(Slide(file=A, line=1, h=0, v=0, notes=notes), 130) == 30
    assert slide_seconds(slide(A, 1, 0), 130) == 0
    assert slide_seconds(slide(A, 1, 3), 60) == 3


def test_demo_slides_get_their_allowance() -> None:
    demo_layout = slide(A, 1, 65, layout="demo")
    demo_call = slide(A, 9, 65, body='{{ demo("neuron") }}')
    plain = slide(A, 20, 65)
    assert [slide_seconds(s, 130, 0.75) for s in (demo_layout, demo_call, plain)] == [75, 75, 30]
    assert slide_seconds(demo_layout, 130) == 30  # no allowance unless deck.yaml asks for one
    paced = pace_slides([demo_layout, plain], 130, demo_minutes=1.0)
    assert [p.seconds for p in paced] == [90.0, 30.0]


def test_sections_start_at_section_slides_and_at_each_file() -> None:
    slides = [
        slide(A, 1, 10, layout="title"),
        slide(A, 5, 20, "# Part one", layout="section"),
        slide(A, 9, 30),
        slide(B, 1, 40),
        slide(B, 7, 50, "# Part *two*", layout="section"),
    ]
    groups = sections(pace_slides(slides, 100))
    assert [g.title for g in groups] == ["a.md", "Part one (a.md)", "b.md", "Part two (b.md)"]
    assert [len(g.slides) for g in groups] == [1, 2, 1, 1]
    assert [g.note_words for g in groups] == [10, 50, 40, 50]
    assert groups[1].minutes == pytest.approx(0.5)


def test_a_file_opening_with_a_section_slide_is_one_section() -> None:
    slides = [slide(A, 1, 10), slide(B, 1, 10, "# Two", layout="section"), slide(B, 4, 10)]
    groups = sections(pace_slides(slides, 130))
    assert [g.title for g in groups] == ["a.md", "Two (b.md)"]
    assert [len(g.slides) for g in groups] == [1, 2]


def test_slides_over_the_word_budget() -> None:
    short = slide(A, 1, 0, " ".join(["w"] * 40))
    long = slide(A, 3, 0, "- " + " ".join(["w"] * 41) + "\n\n$$a+b+c+d$$")
    figure = slide(A, 5, 0, '{{ figure("cost-curves") }}\n' + " ".join(["w"] * 5))
    paced = pace_slides([short, long, figure], 130)
    assert [p.slide_words for p in paced] == [40, 41, 5]
    assert [p.slide.line for p in over_budget(paced, 40)] == [3]
    assert over_budget(paced, 41) == []


def test_verdict_against_the_target() -> None:
    assert verdict(30.0, 30.0).startswith("on target")
    assert verdict(31.4, 30.0).startswith("on target")  # within 5%
    assert verdict(33.0, 30.0) == "3.0 min over the target"
    assert verdict(20.0, 30.0) == "10.0 min under the target"


def test_report_totals_and_warnings() -> None:
    config = DeckConfig(path=Path("deck.yaml"), title="T", target_minutes=1, words_per_minute=100, slide_word_budget=3)
    slides = [slide(A, 1, 100, "one two three four"), slide(A, 4, 0, "short")]
    text = report(config, slides)
    total = next(line for line in text.splitlines() if line.startswith("Total"))
    assert total.split() == ["Total", "2", "100", "1.0"]
    assert "Estimated 1.0 min against a target of 1 min: on target" in text
    assert "1 slide(s) without speaker notes" in text and "a.md:4" in text
    assert "a.md:1: 4 words on the slide" in text


def test_a_slide_may_set_its_own_demo_allowance() -> None:
    plain = slide(A, 1, 65, layout="demo")
    own = slide(A, 5, 65, layout="demo")
    own.options["demo_minutes"] = 0
    assert slide_seconds(plain, 130, demo_minutes=1.5) == 30 + 90
    assert slide_seconds(own, 130, demo_minutes=1.5) == 30


@pytest.mark.parametrize("value", ["soon", -1, 61, True])
def test_a_bad_demo_minutes_option_is_located(tmp_path: Path, value) -> None:
    from deck.errors import DeckError
    from deck.sources import parse_files

    path = tmp_path / "a.md"
    path.write_text(f"## A\n\n---\n\n{{layout: demo, demo_minutes: {str(value).lower() if isinstance(value, bool) else value}}}\n## B\n")
    with pytest.raises(DeckError) as info:
        parse_files([path])
    assert info.value.line == 5 and "demo_minutes" in info.value.message
