"""Where the tool's own files live, and path safety: nothing a talk names may lead outside its folder."""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent  # the source checkout (meaningless once installed as a wheel)


def _first_existing(*candidates: Path) -> Path:
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return candidates[-1]


# An installed wheel carries templates/ and the pinned front-end files inside the package;
# a checkout (and an editable install) keeps them at the top of the project.
TEMPLATES_DIR = _first_existing(PACKAGE_DIR / "templates", PROJECT_DIR / "templates")
VENDOR_DIR = _first_existing(PACKAGE_DIR / "vendor", PROJECT_DIR / "node_modules")
# A reference that starts with a URL scheme ("https:", "data:") is not a file of the deck.
URL_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


def inside(path: Path, root: Path) -> bool:
    """True when ``path`` (after resolving '..' and links) lies within ``root``."""
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def hidden(path: Path, root: Path) -> bool:
    """True when a part of ``path`` below ``root`` is hidden (``.git``, ``.cache``): never shipped."""
    try:
        parts = path.resolve().relative_to(root.resolve()).parts
    except ValueError:
        return True
    return any(part.startswith(".") for part in parts)
