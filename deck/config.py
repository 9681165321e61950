"""``slides/deck.yaml`` read and validated once into a typed configuration.

Everything downstream takes a ``DeckConfig``; nothing else opens deck.yaml.
Unknown keys and wrong types fail here, with the line they were written on and
a "did you mean" hint, before any training or rendering starts.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from deck.errors import DeckError
from deck.paths import TEMPLATES_DIR, inside
from deck.yamlsource import LocatedYaml, load_yaml
from netcore.config import NetworkConfig
from netcore.errors import ConfigError

THEMES_DIR = TEMPLATES_DIR / "theme"

# A talk's source is a few kilobytes; megabytes mean a pasted dump, not slides.
MAX_SOURCE_BYTES = 1_000_000
_TEXT_KEYS = ("title", "subtitle", "author", "event", "date", "theme")
_NUMBER_KEYS = ("target_minutes", "words_per_minute", "slide_word_budget", "demo_minutes")
_KNOWN_KEYS = (*_TEXT_KEYS, *_NUMBER_KEYS, "network", "slides", "originality", "allow_scripts")


@dataclass(frozen=True)
class DeckConfig:
    """The validated contents of deck.yaml."""

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
    allow_scripts: bool = False
    network: NetworkConfig = field(default_factory=NetworkConfig)
    slide_files: tuple[Path, ...] = ()
    references_dir: Path | None = None
    source: LocatedYaml | None = field(default=None, compare=False, repr=False)

    @property
    def project_dir(self) -> Path:
        return self.path.parent.parent

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


def read_config(path: Path) -> DeckConfig:
    """Load and validate deck.yaml; every problem is a ``DeckError`` with a line."""
    text = read_text(path)
    located = load_yaml(path, text)
    data = located.data
    if data is None:
        raise DeckError(path, 1, "deck.yaml is empty", "it needs at least 'title' and 'slides'")
    if not isinstance(data, dict):
        raise DeckError(path, 1, "deck.yaml must be a mapping of keys to values")
    for key in data:
        if key not in _KNOWN_KEYS:
            raise DeckError(path, located.line_of(key), f"unknown key '{key}'", did_you_mean(key, _KNOWN_KEYS))
    values: dict[str, Any] = {}
    if "title" not in data:
        raise DeckError(path, 1, "missing required key 'title'")
    for key in _TEXT_KEYS:
        if key in data:
            values[key] = _text(located, key)
    for key in _NUMBER_KEYS:
        if key in data:
            values[key] = _positive_number(located, key)
    if "slide_word_budget" in values:
        values["slide_word_budget"] = int(values["slide_word_budget"])
    if "allow_scripts" in data:
        if not isinstance(data["allow_scripts"], bool):
            raise DeckError(path, located.line_of("allow_scripts"), "'allow_scripts' must be true or false")
        values["allow_scripts"] = data["allow_scripts"]
    theme = values.get("theme", "projector")
    if not (THEMES_DIR / f"{theme}.css").is_file():
        known = sorted(p.stem for p in THEMES_DIR.glob("*.css"))
        raise DeckError(path, located.line_of("theme"), f"unknown theme '{theme}'", f"known themes: {', '.join(known)}")
    values["network"] = _network(located)
    files = _slide_files(located)
    values["references_dir"] = _references(located)
    return DeckConfig(path=path, slide_files=files, source=located, **values)


def read_text(path: Path) -> str:
    """Read a source file as UTF-8, turning every failure into a located error."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DeckError(path, None, "file not found") from None
    except IsADirectoryError:
        raise DeckError(path, None, "is a directory, expected a file") from None
    except OSError as exc:
        raise DeckError(path, None, f"cannot read: {exc.strerror or exc}") from None
    if len(raw) > MAX_SOURCE_BYTES:
        raise DeckError(path, None, f"file is too large ({len(raw) / 1e6:.1f} MB; a source file may be at most {MAX_SOURCE_BYTES // 1_000_000} MB)", "split the slides over several files")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DeckError(path, line, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})", "save the file as UTF-8") from None


def did_you_mean(word: str, choices: tuple[str, ...] | list[str], known: str = "known keys") -> str:
    """A hint for a misspelt name: the closest choice, or the whole list when none is close."""
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return f"{known}: {', '.join(choices)}"


def _text(located: LocatedYaml, key: str) -> str:
    value = located.data[key]
    if isinstance(value, dt.date):
        return f"{value.day} {value:%B %Y}"
    if value is None:
        return ""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise DeckError(located.path, located.line_of(key), f"'{key}' must be text, not {type(value).__name__}")
    return str(value)


def _positive_number(located: LocatedYaml, key: str) -> float:
    value = located.data[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise DeckError(located.path, located.line_of(key), f"'{key}' must be a positive number, got {value!r}")
    return float(value)


def _network(located: LocatedYaml) -> NetworkConfig:
    mapping = located.data.get("network") or {}
    if not isinstance(mapping, dict):
        raise DeckError(located.path, located.line_of("network"), "'network' must be a mapping of settings")
    try:
        network = NetworkConfig.from_mapping(mapping)
    except ConfigError as exc:
        line = located.line_of("network", exc.key) if exc.key else located.line_of("network")
        raise DeckError(located.path, line, f"network: {exc}") from None
    if network.data_dir is None:
        return network
    # A data folder is named relative to the project, wherever build.py is run from.
    project = located.path.parent.parent
    data_dir = project / network.data_dir
    if not inside(data_dir, project):
        raise DeckError(located.path, located.line_of("network", "data_dir"), f"network: data_dir '{network.data_dir}' lies outside the project")
    return dataclasses.replace(network, data_dir=str(data_dir.resolve()))


def _slide_files(located: LocatedYaml) -> tuple[Path, ...]:
    entries = located.data.get("slides")
    if entries is None:
        raise DeckError(located.path, 1, "missing required key 'slides'", "list the slide files in the order they are shown")
    if not isinstance(entries, list) or not entries:
        raise DeckError(located.path, located.line_of("slides"), "'slides' must be a non-empty list of Markdown files")
    files: list[Path] = []
    for index, entry in enumerate(entries):
        line = located.line_of("slides", index)
        if not isinstance(entry, str) or not entry.strip():
            raise DeckError(located.path, line, f"slide entry must be a file name, got {entry!r}")
        target = located.path.parent / entry
        if not inside(target, located.path.parent):
            raise DeckError(located.path, line, f"slide file '{entry}' lies outside the slides folder")
        if not target.is_file():
            present = [p.name for p in located.path.parent.glob("*.md")]
            raise DeckError(located.path, line, f"slide file '{entry}' not found", did_you_mean(entry, sorted(present), "slide files") if present else None)
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
    if not inside(target, located.path.parent.parent):
        raise DeckError(located.path, located.line_of("originality", "references"), f"'{directory}' lies outside the project")
    if not target.is_dir():
        raise DeckError(located.path, located.line_of("originality", "references"), f"references folder '{directory}' not found")
    return target
