"""The default talk as a whole: size, notes, figures, demos and honest numbers.

The deck is built once through the real pipeline (deck.pipeline.build, the
network from the project's .cache/), so these checks see exactly what the
audience and the speaker view will see.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from deck.markup import plain_words
from deck.pipeline import DEFAULT_CONFIG, BuildResult, build
from netcore.figures import registry

TALK_FIGURES = sorted(name for name in registry.discover() if name.startswith("talk-"))
DEMOS = ("draw-digit", "neuron", "descent", "backprop", "replay")
FIGURE_REF = re.compile(r"!\[(?P<alt>[^\]]*)\]\(figure:(?P<name>[A-Za-z0-9_-]+)")
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]*\$", re.S)


@pytest.fixture(scope="module")
def talk(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    out = tmp_path_factory.mktemp("talk") / "output"
    result = build(DEFAULT_CONFIG, out, progress=False)
    result.facts = result.facts["net"]  # the talk quotes netcore's facts (its namespace in the slides is net.*)
    return result


def text_of(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", str(markup)))


def words(markup: str) -> list[str]:
    return re.findall(r"[A-Za-z0-9][A-Za-z0-9'’-]*", text_of(markup))


def where(slide) -> str:
    return f"{slide.source.file.name}:{slide.source.line}"


def test_slide_count_fits_a_thirty_minute_slot(talk):
    assert 35 <= len(talk.slides) <= 45, len(talk.slides)


def test_every_slide_has_notes_of_40_to_150_words(talk):
    bad = [(where(s), len(words(s.notes))) for s in talk.slides if not 40 <= len(words(s.notes)) <= 150]
    assert not bad, f"notes outside 40-150 words: {bad}"


def test_notes_are_full_sentences(talk):
    for slide in talk.slides:
        text = " ".join(text_of(slide.notes).split())
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", text) if s]
        assert len(sentences) >= 3, where(slide)
        assert text[0].isupper() and text[-1] in ".!?", where(slide)


def test_notes_fill_about_thirty_minutes(talk):
    minutes = sum(len(words(s.notes)) for s in talk.slides) / talk.config.words_per_minute
    assert 24 <= minutes <= talk.config.target_minutes, minutes  # demos need the remaining minutes


def test_on_slide_text_stays_within_the_projector_budget(talk):
    bad = [(where(s), n) for s in talk.slides if (n := len(plain_words(s.source.body))) > 40]
    assert not bad, bad


def test_each_section_starts_with_a_section_slide(talk):
    files = talk.config.slide_files
    assert len(files) == 14  # one section per scope point of the talk issue
    firsts = {}
    for slide in talk.slides:
        firsts.setdefault(slide.source.file, slide)
    assert firsts[files[0]].source.layout == "title"
    layouts = [firsts[f].source.layout for f in files[1:]]
    assert layouts == ["section"] * (len(files) - 1)


def test_title_slide_shows_speaker_event_and_date_from_deck_yaml(talk):
    title = text_of(talk.slides[0].content)
    meta = talk.config.metadata()
    for key in ("title", "author", "event", "date"):
        assert str(meta[key]) in title, key


def test_every_figure_reference_has_alt_text(talk):
    for slide in talk.slides:
        for match in FIGURE_REF.finditer(slide.source.body):
            assert len(match.group("alt").split()) >= 5, f"{where(slide)}: figure {match.group('name')} needs alt text"
        for tag in re.findall(r"<img\b[^>]*>", str(slide.content)):
            alt = re.search(r'\balt="([^"]*)"', tag)
            assert alt and alt.group(1).strip(), f"{where(slide)}: {tag}"


def test_every_talk_figure_is_placed_large_on_its_own_slide(talk):
    placed = {name: s for s in talk.slides for name in s.figures}
    assert set(TALK_FIGURES) <= set(placed), set(TALK_FIGURES) - set(placed)
    assert len(TALK_FIGURES) == 9
    for name in TALK_FIGURES:
        slide = placed[name]
        assert slide.source.layout in ("figure", "full-bleed"), where(slide)
        assert len(slide.figures) == 1, where(slide)


def test_all_five_demos_are_placed_once_on_demo_slides(talk):
    placed = [(d, s) for s in talk.slides for d in s.demos]
    assert sorted(d for d, _ in placed) == sorted(DEMOS)
    for demo, slide in placed:
        assert slide.source.layout == "demo", where(slide)
        assert f'data-demo="{demo}"' in str(slide.content)


def test_no_network_number_is_typed_by_hand():
    """Outside Jinja and math, the sources hold no number of 3+ digits and no percentage."""
    for path in sorted(Path(DEFAULT_CONFIG).parent.glob("*.md")):
        text = MATH.sub(" ", JINJA.sub(" ", path.read_text(encoding="utf-8")))
        found = re.findall(r"\d[\d,]{2,}|\d+(?:\.\d+)?\s*%", text)
        assert not found, f"{path.name}: typed numbers {found}; quote a fact instead"


def test_the_built_numbers_come_from_the_facts(talk):
    facts = talk.facts
    everything = " ".join(text_of(s.content) + " " + text_of(s.notes) for s in talk.slides)
    for value in (
        facts["test_accuracy_percent"],
        f"{facts['parameter_count']:,}",
        f"{facts['test_size']:,}",
        f"{facts['test_errors']:,}",
        f"{facts['gradient_steps']:,}",
        facts["layers_text"],
    ):
        assert str(value) in everything, value
    for path in sorted(Path(DEFAULT_CONFIG).parent.glob("*.md")):
        raw = JINJA.sub(" ", path.read_text(encoding="utf-8"))
        for value in (facts["test_accuracy_percent"], f"{facts['parameter_count']:,}", str(facts["parameter_count"])):
            assert value not in raw, f"{path.name} types {value}"


def test_the_talk_is_honest_about_what_our_network_uses(talk):
    sources = " ".join(s.source.body + s.source.notes for s in talk.slides)
    for fact in ("net.hidden_activation", "net.output_activation", "net.cost"):
        assert fact in sources, fact
    everything = " ".join(text_of(s.content) + " " + text_of(s.notes) for s in talk.slides)
    assert talk.facts["hidden_activation"] in everything
    assert talk.facts["output_activation"] in everything


def test_parameter_table_adds_up_to_netcores_count(talk):
    slide = next(s for s in talk.slides if "How many numbers" in text_of(s.content))
    items = re.findall(r"=\s*([\d,]+)", text_of(slide.content))
    per_layer = [int(x.replace(",", "")) for x in items]
    assert per_layer == talk.facts["talk_layer_parameters"]
    assert sum(per_layer) == talk.facts["parameter_count"]


def test_talk_facts_are_consistent(talk):
    f = talk.facts
    assert 0 <= f["talk_noise_guess"] < f["output_size"]
    assert 0 < f["talk_noise_confidence"] <= 1
    assert f["talk_top_confusion_true"] != f["talk_top_confusion_predicted"]
    assert 0 < f["talk_top_confusion_count"] <= f["test_errors"]
    assert f["talk_misclassified_shown"] == min(24, f["test_errors"])


def test_closing_slide_credits_mnist_and_the_sources(talk):
    credits = text_of(talk.slides[-1].content)
    for name in ("LeCun", "Cortes", "Burges", "CC BY-SA 3.0", "3Blue1Brown", "Nielsen"):
        assert name in credits, name
