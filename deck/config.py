"""A talk's ``deck.yaml`` read and validated once into a typed configuration.

Everything downstream takes a ``DeckConfig``; nothing else opens deck.yaml.
Unknown keys and wrong types fail here, with the line they were written on and
a "did you mean" hint, before any computation or rendering starts. Each
computation the talk names validates its own section of the file.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from deck import compute
from deck.errors import DeckError
from deck.hints import did_you_mean
from deck.paths import inside
from deck.sources import Slide, parse_files
from deck.talk import Talk
from deck.textfile import read_text
from deck.yamlsource import LocatedYaml, load_yaml

_TEXT_KEYS = ("title", "subtitle", "author", "event", "theme")
_NUMBER_KEYS = ("target_minutes", "words_per_minute", "slide_word_budget", "demo_minutes", "min_text_px")
_OWN_KEYS = (*_TEXT_KEYS, "date", *_NUMBER_KEYS, "computations", "slides", "originality", "allow_scripts", "allow_hosts")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@dataclass(frozen=True)
class DeckConfig:
    """The validated contents of deck.yaml, with the computations it names loaded."""

    path: Path
    title: str
    subtitle: str = ""
    author: str = ""
    event: str = ""
    date: str = ""
    theme: str = "projector"
    target_minutes: float = 30.0
    words_per_minute: float = 130.0
    slide_word_budget: int = 40
    demo_minutes: float = 0.0  # stage time a live demo takes beyond its notes
    min_text_px: float = 24.0  # the legibility check's smallest text, in px at 1280x720
    allow_scripts: bool = False
    allowed_hosts: frozenset[str] = frozenset()  # hosts a slide may load from (the deck is offline otherwise)
    computations: tuple[compute.Computation, ...] = field(default=(), compare=False)
    slide_files: tuple[Path, ...] = ()
    references_dir: Path | None = None
    source: LocatedYaml | None = field(default=None, compare=False, repr=False)

    @property
    def talk_dir(self) -> Path:
        """The talk folder: deck.yaml's own folder; nothing a talk names may lead outside it."""
        return self.path.parent

    @property
    def talk(self) -> Talk:
        return Talk(self.talk_dir)

    def metadata(self) -> dict[str, Any]:
        """The deck's own words, as the templates see them (``deck.title`` ...)."""
        return {
            "title": self.title,
            "subtitle": self.subtitle,
            "author": self.author,
            "event": self.event,
            "date": self.date,
            "theme": self.theme,
            "target_minutes": self.target_minutes,
            "words_per_minute": self.words_per_minute,
            "demo_minutes": self.demo_minutes,
        }

    def line_of(self, *keys: str | int) -> int | None:
        return self.source.line_of(*keys) if self.source else None


def load_sources(path: Path) -> tuple[DeckConfig, list[Slide]]:
    """The speaker's sources, read and validated: cheap, so it runs before any computation."""
    config = read_config(path)
    return config, parse_files(config.slide_files)


def read_config(path: Path) -> DeckConfig:
    """Load and validate deck.yaml; every problem is a ``DeckError`` with a line."""
    path = Path(path)
    if path.is_dir():
        path = path / "deck.yaml"
    text = read_text(path)
    located = load_yaml(path, text)
    data = located.data
    if data is None:
        raise DeckError(path, 1, "deck.yaml is empty", "it needs at least 'title' and 'slides'")
    if not isinstance(data, dict):
        raise DeckError(path, 1, "deck.yaml must be a mapping of keys to values")
    computations = _computations(located)
    sections = {c.section: c for c in computations}
    for key in data:
        if key not in _OWN_KEYS and key not in sections:
            raise DeckError(path, located.line_of(key), f"unknown key '{key}'", _key_hint(key, sections))
    if "title" not in data:
        raise DeckError(path, 1, "missing required key 'title'")
    values: dict[str, Any] = {key: _text(located, key) for key in _TEXT_KEYS if key in data}
    if "date" in data:
        values["date"] = _date(located)
    for key in _NUMBER_KEYS:
        if key in data:
            values[key] = _positive_number(located, key)
    if "slide_word_budget" in values:
        values["slide_word_budget"] = int(values["slide_word_budget"])
    if "allow_scripts" in data:
        if not isinstance(data["allow_scripts"], bool):
            raise DeckError(path, located.line_of("allow_scripts"), "'allow_scripts' must be true or false")
        values["allow_scripts"] = data["allow_scripts"]
    if "allow_hosts" in data:
        values["allowed_hosts"] = _hosts(located)
    talk = Talk(path.parent)
    theme = values.get("theme", "projector")
    known_themes = talk.themes()
    if not _NAME.match(theme) or theme not in known_themes:
        raise DeckError(path, located.line_of("theme"), f"unknown theme '{theme}'", did_you_mean(theme, known_themes, "known themes"))
    for computation in computations:
        computation.settings = _section(located, computation)
    return DeckConfig(
        path=path,
        computations=tuple(computations),
        slide_files=_slide_files(located),
        references_dir=_references(located),
        source=located,
        **values,
    )


def _key_hint(key: str, sections: dict[str, compute.Computation]) -> str:
    if key == "network" and not sections:
        return "a 'network:' section belongs to the netcore computation: add 'computations: [netcore]'"
    return did_you_mean(key, (*_OWN_KEYS, *sections))


def _computations(located: LocatedYaml) -> list[compute.Computation]:
    entries = located.data.get("computations")
    if entries is None:
        return []
    line = located.line_of("computations")
    if not isinstance(entries, list) or not all(isinstance(e, str) and e.strip() for e in entries):
        raise DeckError(located.path, line, "'computations' must be a list of module names or .py files in the talk folder", "for example: computations: [netcore]")
    loaded: list[compute.Computation] = []
    for index, entry in enumerate(entries):
        computation = compute.load(entry.strip(), located.path.parent, located.path, located.line_of("computations", index))
        for other in loaded:
            if other.namespace == computation.namespace or other.section == computation.section:
                raise DeckError(located.path, computation.line, f"computations '{other.name}' and '{computation.name}' both use the name '{computation.namespace}'")
        if computation.namespace in ("deck", "figure", "demo") or computation.section in _OWN_KEYS:
            raise DeckError(located.path, computation.line, f"computation '{entry}' uses a name the deck reserves ('{computation.namespace}')")
        loaded.append(computation)
    return loaded


def _section(located: LocatedYaml, computation: compute.Computation) -> Any:
    """The computation's own section, checked by the computation; its errors land on their line."""
    section = computation.section
    try:
        return computation.validate(located.data.get(section))
    except compute.SettingError as exc:
        key_path = (section, *exc.key)
        line = located.line_of(*key_path) if section in located.data else computation.line
        where = ".".join(str(k) for k in key_path)
        raise DeckError(located.path, line, f"{where}: {exc.message}") from None


def _text(located: LocatedYaml, key: str) -> str:
    value = located.data[key]
    if value is None:
        return ""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise DeckError(located.path, located.line_of(key), f"'{key}' must be text, not {type(value).__name__}")
    return str(value)


def _date(located: LocatedYaml) -> str:
    """A real calendar date (YAML's 2026-11-21) shown as '21 November 2026', or free text."""
    value = located.data["date"]
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return f"{value.day} {value:%B %Y}"
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", value.strip()):
        try:
            parsed = dt.date.fromisoformat("-".join(f"{int(p):02d}" if i else p for i, p in enumerate(value.strip().split("-"))))
        except ValueError:
            raise DeckError(located.path, located.line_of("date"), f"'date' is not a real date: {value}") from None
        return f"{parsed.day} {parsed:%B %Y}"
    return _text(located, "date")


def _positive_number(located: LocatedYaml, key: str) -> float:
    value = located.data[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise DeckError(located.path, located.line_of(key), f"'{key}' must be a positive number, got {value!r}")
    return float(value)


def _hosts(located: LocatedYaml) -> frozenset[str]:
    hosts = located.data["allow_hosts"]
    if not isinstance(hosts, list) or not all(isinstance(h, str) and re.fullmatch(r"[a-z0-9.-]+", h.lower()) for h in hosts):
        raise DeckError(located.path, located.line_of("allow_hosts"), "'allow_hosts' must be a list of host names, such as [example.org]")
    return frozenset(h.lower() for h in hosts)


def _slide_files(located: LocatedYaml) -> tuple[Path, ...]:
    entries = located.data.get("slides")
    if entries is None:
        raise DeckError(located.path, 1, "missing required key 'slides'", "list the slide files in the order they are shown")
    if not isinstance(entries, list) or not entries:
        raise DeckError(located.path, located.line_of("slides"), "'slides' must be a non-empty list of Markdown files")
    files: list[Path] = []
    seen: dict[Path, int] = {}
    for index, entry in enumerate(entries):
        line = located.line_of("slides", index)
        if not isinstance(entry, str) or not entry.strip():
            raise DeckError(located.path, line, f"slide entry must be a file name, got {entry!r}")
        target = located.path.parent / entry
        if not inside(target, located.path.parent):
            raise DeckError(located.path, line, f"slide file '{entry}' lies outside the talk folder")
        if not target.is_file():
            present = [str(p.relative_to(located.path.parent)) for p in located.path.parent.rglob("*.md") if "output" not in p.parts]
            raise DeckError(located.path, line, f"slide file '{entry}' not found", did_you_mean(entry, present, "slide files") if present else None)
        resolved = target.resolve()
        if resolved in seen:
            raise DeckError(located.path, line, f"slide file '{entry}' is already listed on line {seen[resolved]}")
        seen[resolved] = line
        files.append(target)
    return tuple(files)


def _references(located: LocatedYaml) -> Path | None:
    section = located.data.get("originality")
    if section is None:
        return None
    line = located.line_of("originality")
    if not isinstance(section, dict) or set(section) - {"references"}:
        raise DeckError(located.path, line, "'originality' takes one key, 'references: DIR'")
    directory = section.get("references")
    if not isinstance(directory, str):
        raise DeckError(located.path, located.line_of("originality", "references"), "'references' must be a folder name")
    target = located.path.parent / directory
    if not inside(target, located.path.parent):
        raise DeckError(located.path, located.line_of("originality", "references"), f"'{directory}' lies outside the talk folder")
    if not target.is_dir():
        raise DeckError(located.path, located.line_of("originality", "references"), f"references folder '{directory}' not found")
    return target
