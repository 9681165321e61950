"""The one way computation enters a deck.

A talk names its computations in deck.yaml (``computations: [netcore,
compute/birthday.py]``). Each is a Python module, importable by name or a file
inside the talk folder, that defines:

- ``NAMESPACE``: the name its facts have in slides (``net`` gives
  ``{{ net.test_accuracy_percent }}``) and its browser data in the page
  (``window.DeckData.net``);
- ``SECTION`` (optional, default ``NAMESPACE``): its own key in deck.yaml;
- ``validate(settings: dict) -> object`` (optional): checks that section and
  returns what ``produce`` needs; a ``SettingError`` names the bad key, so the
  engine can point at its line;
- either ``produce(work: Work) -> Products`` for a computation that caches and
  draws by itself (netcore), or the simple pair ``facts(settings) -> dict``
  and ``browser_data(settings) -> dict`` (optional), whose results the engine
  caches by a hash of the module's source and the settings;
- ``catalog(settings) -> Catalog`` (optional): the names it offers, cheaply,
  for ``--check`` and ``--list`` without running anything.

The engine imports no computation itself; this module only loads the ones a
talk names and defines the small types they exchange.
"""

from __future__ import annotations

import base64
import hashlib
import importlib
import importlib.util
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from deck.errors import DeckError
from deck.paths import inside

DATA_GLOBAL = "DeckData"  # the one window object every computation's browser data hangs off


class SettingError(Exception):
    """A bad value in a computation's deck.yaml section; ``key`` is the key path inside it."""

    def __init__(self, key: str | int | tuple[str | int, ...] | None, message: str):
        self.key = key if isinstance(key, tuple) else ((key,) if key is not None else ())
        self.message = message
        super().__init__(message)


class ComputationError(Exception):
    """A computation failed on valid settings (diverged, missing data ...); ``key`` locates it when known."""

    def __init__(self, message: str, key: str | tuple[str | int, ...] | None = None):
        self.key = key if isinstance(key, tuple) else ((key,) if key is not None else ())
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class Figure:
    """A drawn figure, already written into the output folder."""

    name: str
    path: str  # relative to the output folder, e.g. "figures/first-layer-weights.svg"
    alt: str
    caption: str
    width: int  # pixels, as shown at 1280x720
    height: int
    min_font_px: float | None = None  # smallest text drawn, in pixels at width x height (None: not measured)


@dataclass
class Products:
    """What a computation hands the deck: facts for slides, figures, browser data and demo stills."""

    facts: dict[str, Any] = field(default_factory=dict)
    figures: dict[str, Figure] = field(default_factory=dict)
    scripts: list[str] = field(default_factory=list)  # data and code for the demos, relative to the output folder
    stills: dict[str, Figure] = field(default_factory=dict)  # demo name -> still for print and PDF
    notes: list[str] = field(default_factory=list)  # what happened, for the build summary ("network trained")


@dataclass(frozen=True)
class Catalog:
    """The names a computation offers, known without running it."""

    facts: tuple[str, ...] | None = None  # None: only known after running
    figures: dict[str, str] = field(default_factory=dict)  # name -> alt text
    demos: tuple[str, ...] = ()
    stills: tuple[str, ...] = ()  # demos this computation draws a print still for


@dataclass(frozen=True)
class Work:
    """Everything a computation's ``produce`` may use, and the only places it may write."""

    settings: Any
    talk_dir: Path
    cache_dir: Path  # this computation's own folder inside the deck's cache
    out_dir: Path  # the staging folder of this build
    wanted: frozenset[str] | None  # figure names the slides use (None: all of them)
    demos: frozenset[str]  # demos the slides use, whose stills and data are wanted
    theme: str
    use_cache: bool = True
    progress: bool = True


@dataclass
class Computation:
    """A loaded computation module and the deck.yaml section it reads."""

    name: str  # as written in deck.yaml
    module: ModuleType
    namespace: str
    section: str
    source: Path  # the module's file, for cache keys and messages
    line: int  # where deck.yaml names it
    settings: Any = None

    @property
    def demo_dirs(self) -> list[Path]:
        """Folders of demos this computation ships (``DEMOS_DIR``), searched after the talk's own."""
        folder = getattr(self.module, "DEMOS_DIR", None)
        return [Path(folder)] if folder else []

    def catalog(self) -> Catalog:
        function = getattr(self.module, "catalog", None)
        return function(self.settings) if function else Catalog()

    def validate(self, section: Any) -> Any:
        function = getattr(self.module, "validate", None)
        if function is None:
            if section not in (None, {}) and not isinstance(section, dict):
                raise SettingError(None, "must be a mapping of settings")
            return section or {}
        return function(section)

    def produce(self, work: Work) -> Products:
        """Run the computation; the simple ``facts``/``browser_data`` kind is cached here."""
        produce = getattr(self.module, "produce", None)
        if produce is not None:
            return produce(work)
        return _simple_products(self, work)


def load(entry: str, talk_dir: Path, where: Path, line: int) -> Computation:
    """Import the computation ``entry`` names: a ``.py`` file in the talk folder, or a module name."""
    if entry.endswith(".py"):
        path = talk_dir / entry
        if not inside(path, talk_dir):
            raise DeckError(where, line, f"computation '{entry}' lies outside the talk folder")
        if not path.is_file():
            raise DeckError(where, line, f"computation file '{entry}' not found")
        module_name = "deck_talk_" + hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:12]
        spec = importlib.util.spec_from_file_location(module_name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        try:
            spec.loader.exec_module(module)
        except Exception as exc:  # the speaker's own script failed to import: say where
            sys.modules.pop(module_name, None)
            raise DeckError(path, _traceback_line(exc, path), f"computation failed to load: {type(exc).__name__}: {exc}") from None
        source = path.resolve()
    else:
        try:
            module = importlib.import_module(entry)
        except ModuleNotFoundError as exc:
            if exc.name and entry.startswith(exc.name):
                raise DeckError(where, line, f"unknown computation '{entry}'", "name an installed Python module or a .py file in the talk folder") from None
            raise
        source = Path(getattr(module, "__file__", "") or entry)
    namespace = getattr(module, "NAMESPACE", None)
    if not isinstance(namespace, str) or not namespace.isidentifier():
        raise DeckError(where, line, f"computation '{entry}' defines no NAMESPACE (a name such as 'net')")
    if not (hasattr(module, "produce") or hasattr(module, "facts")):
        raise DeckError(where, line, f"computation '{entry}' defines neither produce(work) nor facts(settings)")
    section = getattr(module, "SECTION", namespace)
    return Computation(entry, module, namespace, section, source, line)


# Typed arrays travel in browser data as base64 of their little-endian bytes, not as decimal
# text: 13,002 float32 weights take 69 KB this way against 275 KB as shortest round-trip decimals.
PACKED_KEY = "$packed"
PACKED_TYPES = {"f32": 4, "f16": 2, "u8": 1}


def packed(data: bytes, dtype: str, shape: list[int] | tuple[int, ...]) -> dict[str, Any]:
    """A typed array for browser data: ``data`` holds its little-endian bytes (numpy: ``a.astype('<f4').tobytes()``).

    The page's loader (templates/runtime/data.js) turns it back into nested arrays of numbers."""
    if dtype not in PACKED_TYPES:
        raise ValueError(f"packed dtype must be one of {', '.join(PACKED_TYPES)}, not {dtype!r}")
    count = 1
    for size in shape:
        count *= int(size)
    if len(data) != count * PACKED_TYPES[dtype]:
        raise ValueError(f"{len(data)} bytes do not hold a {dtype} array of shape {list(shape)}")
    return {PACKED_KEY: dtype, "shape": [int(size) for size in shape], "base64": base64.b64encode(data).decode("ascii")}


def matplotlib_version() -> str | None:
    """matplotlib's version file, for cache keys of drawn things, read without importing matplotlib.

    (importlib.metadata would scan every installed package's metadata on a warm build.)"""
    import importlib.util

    spec = importlib.util.find_spec("matplotlib")
    if spec is None or spec.origin is None:
        return None
    version_file = Path(spec.origin).parent / "_version.py"
    return version_file.read_text(encoding="utf-8") if version_file.is_file() else spec.origin


def browser_script(namespace: str, name: str, value_json: str) -> bytes:
    """A classic script putting ``value_json`` at window.DeckData.<namespace>.<name> (file:// cannot fetch).

    Values holding ``packed`` arrays go through the page's loader, which decodes them when a
    demo first reads them, not while the page loads."""
    root = f"window.{DATA_GLOBAL}"
    head = f"{root} = {root} || {{}};\n{root}.{namespace} = {root}.{namespace} || {{}};\n"
    if f'"{PACKED_KEY}"' in value_json:
        return f"{head}window.DeckUnpack.define({root}.{namespace}, {json.dumps(name)}, {value_json});\n".encode()
    return f"{head}{root}.{namespace}.{name} = {value_json};\n".encode()


def _simple_products(comp: Computation, work: Work) -> Products:
    settings_json = json.dumps(work.settings, sort_keys=True, default=str)
    key = hashlib.sha256(b"simple-v1\0" + comp.source.read_bytes() + b"\0" + settings_json.encode()).hexdigest()
    entry = work.cache_dir / f"{key}.json"
    cached = _read_json(entry) if work.use_cache else None
    notes: list[str] = []
    if cached is None:
        facts = comp.module.facts(work.settings)
        data_fn = getattr(comp.module, "browser_data", None)
        data = data_fn(work.settings) if data_fn else {}
        if not isinstance(facts, dict) or not isinstance(data, dict):
            raise ComputationError(f"{comp.name}: facts() and browser_data() must return dicts")
        cached = {"facts": facts, "data": data}
        _write_json(entry, cached)
        notes.append(f"{comp.namespace} computed")
    scripts: list[str] = []
    if work.demos and cached["data"]:
        for name, value in sorted(cached["data"].items()):
            relative = f"data/{comp.namespace}-{name}.js"
            target = work.out_dir / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(browser_script(comp.namespace, name, json.dumps(value, sort_keys=True)))
            scripts.append(relative)
    return Products(facts=cached["facts"], scripts=scripts, notes=notes)


def _read_json(path: Path) -> Any:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(value, dict) or not isinstance(value.get("facts"), dict) or not isinstance(value.get("data"), dict):
        return None  # a damaged or forged entry is recomputed, never trusted
    return value


def _write_json(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(value, sort_keys=True), encoding="utf-8")
    temporary.replace(path)


def _traceback_line(exc: BaseException, path: Path) -> int | None:
    import traceback

    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if Path(frame.filename).resolve() == path.resolve():
            return frame.lineno
    return getattr(exc, "lineno", None)
