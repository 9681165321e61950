"""Slide files split into slides: separators, options line, speaker notes.

A slide file is Markdown with three pieces of structure on top:
a line ``---`` starts the next slide, a line ``--`` starts a vertical
sub-slide below the current one, and a line ``Note:`` starts the speaker
notes. The first line of a slide may be a YAML flow mapping with options,
e.g. ``{layout: figure, id: costs}``. Separators inside fenced code blocks are
ordinary text. Every piece keeps the line it came from, for error messages.
"""

from __future__ import annotations

import re
import reprlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from deck.hints import did_you_mean
from deck.textfile import read_text
from deck.errors import DeckError, display_path
from deck.markup import next_fence

TRANSITIONS = ("none", "fade", "slide", "convex", "concave", "zoom")
OPTION_KEYS = ("layout", "id", "class", "background", "transition", "demo_minutes")
NUMBER_OPTIONS = ("demo_minutes",)  # stage minutes this slide's demo takes, instead of deck.yaml's demo_minutes

_HORIZONTAL = re.compile(r"^---\s*$")
_VERTICAL = re.compile(r"^--\s*$")
_NOTES = re.compile(r"^Notes?:\s*(.*)$")
_SLIDE_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


@dataclass
class Slide:
    """One slide as the speaker wrote it, before Jinja and Markdown."""

    file: Path
    line: int
    h: int
    v: int
    options: dict[str, Any] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1
    notes: str = ""
    notes_line: int = 0

    @property
    def layout(self) -> str:
        return self.options.get("layout", "bullets")

    @property
    def where(self) -> str:
        """``slides/intro.md:12``, as reports and the speaker view name a slide."""
        return f"{display_path(self.file)}:{self.line}"


def parse_files(files: tuple[Path, ...] | list[Path], errors: list[DeckError] | None = None) -> list[Slide]:
    """Parse the slide files in deck order into one list of slides.

    The first problem raises a ``DeckError``. Given an ``errors`` list, the
    parse goes on instead: each problem is appended there and the bad file or
    slide left out (``build.py --check`` reports them all at once), and an
    empty deck is left to the caller to report.
    """
    slides: list[Slide] = []
    h = -1
    for path in files:
        try:
            text = read_text(path)
            chunks = split_file(path, text)
            if not chunks:
                what = "is empty" if not text.strip() else "holds only slide separators"
                raise DeckError(path, 1, f"the slide file {what}", "write a slide in it or remove it from 'slides' in deck.yaml")
        except DeckError as exc:
            if errors is None:
                raise
            errors.append(exc)
            continue
        for chunk, vertical in chunks:
            # split_file never starts a file with a vertical chunk, so 'slides' is only
            # empty here when collecting errors and every slide so far was bad.
            if vertical and slides:
                v = slides[-1].v + 1
            else:
                h, v = h + 1, 0
            try:
                slides.append(_parse_chunk(path, chunk, h, v))
            except DeckError as exc:
                if errors is None:
                    raise
                errors.append(exc)
    if not slides and errors is None:
        raise DeckError(files[0] if files else Path("deck.yaml"), 1, "the deck has no slides")
    return slides


def split_file(path: Path, text: str) -> list[tuple[list[tuple[int, str]], bool]]:
    """Split a file into chunks of (line number, text) lines; the flag marks vertical chunks."""
    chunks: list[tuple[list[tuple[int, str]], bool]] = [([], False)]
    fence: str | None = None
    fence_line = 0
    for number, line in enumerate(text.splitlines(), start=1):
        before, fence = fence, next_fence(fence, line)
        if before is None and fence is not None:
            fence_line = number
        elif before is None and _HORIZONTAL.match(line):
            chunks.append(([], False))
            continue
        elif before is None and _VERTICAL.match(line):
            chunks.append(([], True))
            continue
        chunks[-1][0].append((number, line))
    if fence is not None:
        raise DeckError(path, fence_line, f"code block opened with {fence} is never closed")
    # Blank chunks (a file opening with '---', a doubled separator) are not slides.
    chunks = [chunk for chunk in chunks if any(text.strip() for _, text in chunk[0])]
    if chunks and chunks[0][1]:
        raise DeckError(path, chunks[0][0][0][0] - 1, "a vertical slide '--' needs a slide above it in the same file")
    return chunks


def _parse_chunk(path: Path, lines: list[tuple[int, str]], h: int, v: int) -> Slide:
    while lines and not lines[0][1].strip():
        lines = lines[1:]
    start = lines[0][0] if lines else 1
    slide = Slide(file=path, line=start, h=h, v=v)
    if lines and _is_options_line(lines[0][1]):
        slide.options = _parse_options(path, lines[0][0], lines[0][1])
        lines = lines[1:]
    body: list[tuple[int, str]] = []
    notes: list[tuple[int, str]] = []
    target = body
    fence: str | None = None
    for number, text in lines:
        before, fence = fence, next_fence(fence, text)
        if before is None and fence is None and target is body and (match := _NOTES.match(text)):
            target = notes
            slide.notes_line = number
            if match.group(1).strip():
                notes.append((number, match.group(1)))
            continue
        target.append((number, text))
    slide.body = "\n".join(text for _, text in body).strip("\n")
    slide.body_line = next((n for n, t in body if t.strip()), start)
    slide.notes = "\n".join(text for _, text in notes).strip("\n")
    if notes:
        slide.notes_line = next((n for n, t in notes if t.strip()), slide.notes_line)
    return slide


def _is_options_line(text: str) -> bool:
    """``{layout: figure}`` is an options line; ``{{ figure(...) }}`` and ``{% ... %}`` are Jinja."""
    stripped = text.lstrip()
    return stripped.startswith("{") and not stripped.startswith(("{{", "{%", "{#"))


def _parse_options(path: Path, line: int, text: str) -> dict[str, Any]:
    try:
        if any(isinstance(event, yaml.AliasEvent) for event in yaml.parse(text, Loader=yaml.SafeLoader)):
            # Options are a few words; an alias there only serves to blow up (and its repr with it).
            raise DeckError(path, line, "slide options may not use YAML aliases (*name)", "write the values out")
        options = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise DeckError(path, line, f"slide options are not valid YAML: {problem}", "write them as {layout: figure, id: my-slide}") from None
    if not isinstance(options, dict):
        raise DeckError(path, line, "slide options must be a mapping like {layout: figure}")
    for key, value in options.items():
        if key not in OPTION_KEYS:
            raise DeckError(path, line, f"unknown slide option '{key}'", did_you_mean(str(key), OPTION_KEYS, "slide options"))
        if key in NUMBER_OPTIONS:
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 60:
                raise DeckError(path, line, f"slide option '{key}' must be a number of minutes from 0 to 60, got {_short(value)}")
            continue
        if not isinstance(value, str) or not value.strip():
            raise DeckError(path, line, f"slide option '{key}' must be text, got {_short(value)}")
    if "transition" in options and options["transition"] not in TRANSITIONS:
        raise DeckError(path, line, f"unknown transition '{options['transition']}'", f"transitions: {', '.join(TRANSITIONS)}")
    if "id" in options and not _SLIDE_ID.match(options["id"]):
        raise DeckError(path, line, f"slide id '{options['id']}' must start with a letter and use only letters, digits, '-' and '_'")
    return options


def _short(value: Any) -> str:
    """A value as an error message may quote it: a few dozen characters at most."""
    return _SHORT.repr(value)


_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxlist, _SHORT.maxdict, _SHORT.maxstring, _SHORT.maxother = 2, 3, 3, 24, 24
