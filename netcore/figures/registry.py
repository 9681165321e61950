"""FigureSpec, register() and discovery of every figure module in this package."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from netcore.errors import FigureError

FORMATS = ("svg", "png")
_INFRASTRUCTURE = {"registry", "theme", "context"}  # modules that define no figures
_SPECS: dict[str, "FigureSpec"] = {}


@dataclass(frozen=True)
class FigureSpec:
    """One figure: `draw(ctx)` returns a matplotlib Figure, saved as `format`.

    `alt` describes what the figure shows (for screen readers and the PDF);
    `caption` is the default caption on the slide.
    """

    name: str
    format: str
    alt: str
    caption: str
    draw: Callable[[Any], Any]

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise FigureError(f"{self.draw.__module__}: figure {self.name!r}: format must be one of {FORMATS}, got {self.format!r}")
        if not self.alt.strip():
            raise FigureError(f"{self.draw.__module__}: figure {self.name!r}: alt text is required")

    @property
    def filename(self) -> str:
        return f"{self.name}.{self.format}"

    @property
    def source_files(self) -> list[Path]:
        """Files whose content determines the drawing, for the figure's cache key.

        The defining module, the netcore modules it imports (e.g. facts_talk,
        activations), and the shared theme, context and registry.
        """
        here = Path(__file__).resolve().parent
        module = sys.modules[self.draw.__module__]
        files = {Path(module.__file__).resolve(), here / "theme.py", here / "context.py", here / "registry.py"}
        for value in vars(module).values():
            name = value.__name__ if inspect.ismodule(value) else getattr(value, "__module__", None)
            if isinstance(name, str) and name.split(".")[0] == "netcore" and name in sys.modules:
                source = getattr(sys.modules[name], "__file__", None)
                if source and source.endswith(".py"):
                    files.add(Path(source).resolve())
        return sorted(files)


def register(*specs: FigureSpec) -> None:
    """Add figures to the registry; a name may be registered by one module only."""
    for spec in specs:
        existing = _SPECS.get(spec.name)
        if existing is not None and existing.draw.__module__ != spec.draw.__module__:
            raise FigureError(f"figure {spec.name!r} registered twice ({existing.draw.__module__}, {spec.draw.__module__})")
        _SPECS[spec.name] = spec


@dataclass(frozen=True)
class Listed:
    """What a build needs of a figure to find it in the cache, without importing its module."""

    name: str
    format: str
    alt: str
    caption: str
    source_files: list[Path]

    @property
    def filename(self) -> str:
        return f"{self.name}.{self.format}"


CATALOG_MEMO = "figure-catalog.json"


def listed(cache: Any) -> dict[str, Listed]:
    """Every figure's name, format, texts and source files, remembered in ``cache``.

    Importing the figure modules (numpy, and each module's own imports) costs a warm build
    more than the rest of netcore; the list is kept under a digest of netcore's sources,
    so an edit to any of them lists the figures afresh."""
    netcore_dir = Path(__file__).resolve().parent.parent
    digest = _sources_digest(netcore_dir)
    memo = cache.read_json(CATALOG_MEMO)
    if memo.get("digest") == digest and isinstance(memo.get("figures"), list):
        try:
            return {item["name"]: Listed(item["name"], item["format"], item["alt"], item["caption"],
                                         [netcore_dir / part for part in item["sources"]]) for item in memo["figures"]}
        except (KeyError, TypeError):
            pass  # a damaged memo is simply made again
    found = {
        name: Listed(spec.name, spec.format, spec.alt, spec.caption, spec.source_files)
        for name, spec in discover().items()
    }
    cache.write_json(CATALOG_MEMO, {"digest": digest, "figures": [
        {"name": f.name, "format": f.format, "alt": f.alt, "caption": f.caption,
         "sources": [path.relative_to(netcore_dir).as_posix() for path in f.source_files]}
        for f in found.values()
    ]})
    return found


def _sources_digest(netcore_dir: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(netcore_dir.rglob("*.py")):
        digest.update(path.relative_to(netcore_dir).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def discover() -> dict[str, FigureSpec]:
    """Import every module of netcore.figures and return all specs, sorted by name."""
    package = importlib.import_module("netcore.figures")
    for info in pkgutil.iter_modules(package.__path__):
        if info.name not in _INFRASTRUCTURE and not info.name.startswith("_"):
            importlib.import_module(f"netcore.figures.{info.name}")
    return dict(sorted(_SPECS.items()))
