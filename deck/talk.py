"""A talk folder and what it adds to the tool: figure scripts, demos, layouts, themes.

A talk is a folder with ``deck.yaml`` and its slide files. Beside them it may
keep ``figures/NAME.py`` (a matplotlib script per figure), ``demos/NAME/``
(one folder per live demo), ``layouts/NAME.html`` and ``theme/NAME.css``. A
layout or theme of the talk's overrides the tool's own of that name. Nothing
here imports a computation: demos that ship with one are found through the
folder it names.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from deck.paths import TEMPLATES_DIR

STILL_NAMES = ("still.svg", "still.png")


@dataclass(frozen=True)
class Demo:
    """One live demo: a folder with ``demo.js``, optionally ``demo.css``, a still and ``demo.yaml``."""

    name: str
    folder: Path

    @property
    def script(self) -> Path:
        return self.folder / "demo.js"

    @property
    def stylesheet(self) -> Path | None:
        css = self.folder / "demo.css"
        return css if css.is_file() else None

    @property
    def still(self) -> Path | None:
        return next((self.folder / n for n in STILL_NAMES if (self.folder / n).is_file()), None)


BASE_THEME = "base"  # theme/base.css: what every theme builds on (a talk's own replaces the tool's)


class Talk:
    """The files of one talk folder, found by convention."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    # Where a build goes -------------------------------------------------------

    @property
    def default_out(self) -> Path:
        """``output/`` inside the talk, or beside it for a project's ``slides/`` folder (as in this repository)."""
        return self.folder.parent / "output" if self.folder.name == "slides" else self.folder / "output"

    @property
    def default_cache(self) -> Path:
        return self.folder.parent / ".cache" if self.folder.name == "slides" else self.folder / ".cache"

    # Look ---------------------------------------------------------------------

    def themes(self) -> list[str]:
        return sorted({p.stem for d in self._theme_dirs() for p in d.glob("*.css")} - {BASE_THEME})

    def theme_file(self, name: str) -> Path:
        """The talk's own ``theme/NAME.css`` if it has one, else the tool's."""
        for folder in self._theme_dirs():
            candidate = folder / f"{name}.css"
            if candidate.is_file():
                return candidate
        raise FileNotFoundError(name)

    def layouts(self) -> list[str]:
        return sorted({p.stem for d in (self.folder / "layouts", TEMPLATES_DIR / "layouts") for p in d.glob("*.html")} - {"base"})

    def _theme_dirs(self) -> list[Path]:
        return [self.folder / "theme", TEMPLATES_DIR / "theme"]

    # Figures and demos --------------------------------------------------------

    def figure_scripts(self) -> dict[str, Path]:
        """``figures/weights_heatmap.py`` offers the figure ``weights-heatmap``."""
        folder = self.folder / "figures"
        return {p.stem.replace("_", "-"): p for p in sorted(folder.glob("*.py")) if not p.name.startswith("_")}

    def demos(self, extra_dirs: Iterable[Path] = ()) -> dict[str, Demo]:
        """Every demo this talk can place: its own first, then its computations', then the tool's."""
        found: dict[str, Demo] = {}
        for root in (self.folder / "demos", *extra_dirs, TEMPLATES_DIR / "demos"):
            if not root.is_dir():
                continue
            for folder in sorted(root.iterdir()):
                if folder.name not in found and (folder / "demo.js").is_file():
                    found[folder.name] = Demo(folder.name, folder)
        return found
