"""Where the project lives, and path safety: nothing a slide names may lead outside the project."""

from __future__ import annotations

import re
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = PROJECT_DIR / "templates"
# A reference that starts with a URL scheme ("https:", "data:") is not a file of the deck.
URL_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


def inside(path: Path, root: Path) -> bool:
    """True when ``path`` (after resolving '..' and links) lies within ``root``."""
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True
