"""How long the talk will take, from the words in its speaker notes.

A speaker reads the notes aloud at a roughly steady rate, so words in the
notes divided by words per minute is an honest first estimate of each slide's
time. The same arithmetic feeds the ``--report`` table and the per-slide
``data-expected-seconds`` the speaker view's pacing indicator runs against,
so the rehearsal clock and the report never disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from deck.config import DeckConfig
from deck.errors import display_path
from deck.markup import plain_words
from deck.sources import Slide

_MARKUP = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|[*_`]")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.M)


@dataclass(frozen=True)
class SlidePace:
    """One slide's share of the talk."""

    slide: Slide
    note_words: int
    slide_words: int
    seconds: float


@dataclass(frozen=True)
class Section:
    """A run of slides from one section divider (or slide file) to the next."""

    title: str
    slides: tuple[SlidePace, ...]

    @property
    def note_words(self) -> int:
        return sum(s.note_words for s in self.slides)

    @property
    def minutes(self) -> float:
        return sum(s.seconds for s in self.slides) / 60.0


def minutes_for(words: int, words_per_minute: float) -> float:
    """Speaking time of ``words`` at a steady rate."""
    if words_per_minute <= 0:
        raise ValueError("words_per_minute must be positive")
    return words / words_per_minute


def has_demo(slide: Slide) -> bool:
    """A live demo takes stage time that its notes do not describe word for word."""
    return slide.layout == "demo" or "demo(" in slide.body


def spoken_seconds(slide: Slide, words_per_minute: float, demo_minutes: float = 0.0) -> float:
    """Time one slide needs: its notes at the speaking rate, plus the allowance for a demo
    (the slide's own ``demo_minutes`` option, else the deck's)."""
    allowance = float(slide.options.get("demo_minutes", demo_minutes)) * 60 if has_demo(slide) else 0.0
    return minutes_for(len(plain_words(slide.notes)), words_per_minute) * 60 + allowance


def slide_seconds(slide: Slide, words_per_minute: float, demo_minutes: float = 0.0) -> int:
    """Whole seconds for one slide, as the page gives them to the speaker view."""
    return round(spoken_seconds(slide, words_per_minute, demo_minutes))


def pace_slides(slides: list[Slide], words_per_minute: float, demo_minutes: float = 0.0) -> list[SlidePace]:
    return [
        SlidePace(
            slide=slide,
            note_words=len(plain_words(slide.notes)),
            slide_words=len(plain_words(slide.body)),
            seconds=spoken_seconds(slide, words_per_minute, demo_minutes),
        )
        for slide in slides
    ]


def sections(paced: list[SlidePace]) -> list[Section]:
    """Split the talk where a ``layout: section`` slide or a new slide file begins."""
    groups: list[list[SlidePace]] = []
    for item in paced:
        starts_file = not groups or groups[-1][-1].slide.file != item.slide.file
        if starts_file or item.slide.layout == "section":
            groups.append([])
        groups[-1].append(item)
    return [Section(_section_title(group[0].slide), tuple(group)) for group in groups]


def over_budget(paced: list[SlidePace], budget: int) -> list[SlidePace]:
    """Slides whose on-slide text is more than the audience can read while listening."""
    return [item for item in paced if item.slide_words > budget]


def verdict(total_minutes: float, target_minutes: float, tolerance: float = 0.05) -> str:
    """'on target', or how far over or under, with a tolerance of 5% of the target."""
    difference = total_minutes - target_minutes
    if abs(difference) <= tolerance * target_minutes:
        return f"on target ({difference:+.1f} min)"
    return f"{abs(difference):.1f} min {'over' if difference > 0 else 'under'} the target"


def report(config: DeckConfig, slides: list[Slide]) -> str:
    """The pacing table the speaker reads before a rehearsal."""
    wpm = config.words_per_minute
    paced = pace_slides(slides, wpm, config.demo_minutes)
    groups = sections(paced)
    width = max([len("Section"), *(len(g.title) for g in groups)])
    lines = [
        f"Pacing for {display_path(config.path)} at {wpm:g} words a minute",
        "",
        f"{'Section':<{width}}  {'Slides':>6}  {'Words':>6}  {'Minutes':>7}",
    ]
    for group in groups:
        lines.append(f"{group.title:<{width}}  {len(group.slides):>6}  {group.note_words:>6}  {group.minutes:>7.1f}")
    total_words = sum(g.note_words for g in groups)
    total = sum(g.minutes for g in groups)
    lines.append(f"{'Total':<{width}}  {len(paced):>6}  {total_words:>6}  {total:>7.1f}")
    lines.append("")
    demos = sum(1 for item in paced if has_demo(item.slide))
    if demos and config.demo_minutes:
        own = sum(1 for item in paced if has_demo(item.slide) and "demo_minutes" in item.slide.options)
        mine = f"; {own} of them set their own with the slide option demo_minutes" if own else ""
        lines.append(f"Minutes include {config.demo_minutes:g} min for each of the {demos} demo slides (demo_minutes in deck.yaml{mine}).")
    lines.append(f"Estimated {total:.1f} min against a target of {config.target_minutes:g} min: {verdict(total, config.target_minutes)}")
    silent = [item for item in paced if item.note_words == 0]
    if silent:
        lines.append(f"{len(silent)} slide(s) without speaker notes count as 0 min:")
        lines += [f"  {item.slide.where}" for item in silent]
    heavy = over_budget(paced, config.slide_word_budget)
    if heavy:
        lines.append(f"Warning: {len(heavy)} slide(s) over the {config.slide_word_budget}-word budget for on-slide text:")
        lines += [f"  {item.slide.where}: {item.slide_words} words on the slide" for item in heavy]
    return "\n".join(lines)


def main(config_path: Path) -> int:
    """``build.py --report``: parse the sources (no build, no training) and print the table."""
    from deck.config import load_sources

    config, slides = load_sources(config_path)
    print(report(config, slides))
    return 0


def _section_title(slide: Slide) -> str:
    if slide.layout == "section":
        match = _HEADING.search(slide.body)
        heading = _MARKUP.sub("", match.group(1)).strip() if match else ""
        if heading:
            return f"{heading} ({slide.file.name})"
    return slide.file.name
