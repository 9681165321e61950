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


def discover() -> dict[str, FigureSpec]:
    """Import every module of netcore.figures and return all specs, sorted by name."""
    package = importlib.import_module("netcore.figures")
    for info in pkgutil.iter_modules(package.__path__):
        if info.name not in _INFRASTRUCTURE and not info.name.startswith("_"):
            importlib.import_module(f"netcore.figures.{info.name}")
    return dict(sorted(_SPECS.items()))
