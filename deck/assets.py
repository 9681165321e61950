"""Front-end files the deck needs, copied from node_modules into the output.

reveal.js and KaTeX are pinned in package-lock.json and installed by ``npm ci``;
the build copies only the files a presentation loads, so the deck works from
a USB stick with no network and stays small.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from deck.errors import DeckError
from deck.paths import PROJECT_DIR, VENDOR_DIR

# (package, path inside the package): a file, or a folder copied whole.
VENDOR_FILES: tuple[tuple[str, str], ...] = (
    ("reveal.js", "dist/reset.css"),
    ("reveal.js", "dist/reveal.css"),
    ("reveal.js", "dist/reveal.js"),
    ("reveal.js", "plugin/notes/notes.js"),
    ("reveal.js", "LICENSE"),
)
# Math is typeset at build time: a deck with formulas needs only KaTeX's stylesheet and fonts.
KATEX_STYLE = (("katex", "dist/katex.min.css"), ("katex", "LICENSE"))
KATEX_FONT_SUFFIX = ".woff2"


def copy_vendor(out_dir: Path, math: bool = True) -> list[Path]:
    """Copy reveal.js (and KaTeX's stylesheet and fonts, for a deck with math) into ``out_dir/vendor``."""
    copied: list[Path] = []
    for package, relative in VENDOR_FILES + (KATEX_STYLE if math else ()):
        source = VENDOR_DIR / package / relative
        if not source.is_file():
            raise DeckError(PROJECT_DIR / "package.json", None, f"{package} is not installed ({relative} missing)", "run 'npm ci' (or 'make deck')")
        target = out_dir / "vendor" / package / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        copied.append(target)
    if not math:
        return copied
    fonts = VENDOR_DIR / "katex" / "dist" / "fonts"
    target_fonts = out_dir / "vendor" / "katex" / "dist" / "fonts"
    target_fonts.mkdir(parents=True, exist_ok=True)
    for font in sorted(fonts.glob(f"*{KATEX_FONT_SUFFIX}")):
        shutil.copyfile(font, target_fonts / font.name)
        copied.append(target_fonts / font.name)
    return copied


def copy_tree(source: Path, target: Path) -> list[Path]:
    """Copy a folder of our own front-end files (theme, demos) in a stable order."""
    copied: list[Path] = []
    for path in sorted(source.rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            destination = target / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, destination)
            copied.append(destination)
    return copied


def copy_file(source: Path, target: Path) -> Path:
    """Copy one of our own (or the talk's) front-end files into the output."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target
