"""Names for people: "did you mean" hints and URL-safe slugs, written once."""

from __future__ import annotations

import difflib
import re
from typing import Iterable


def did_you_mean(word: str, choices: Iterable[str], known: str = "known keys") -> str:
    """A hint for a misspelt name: the closest choice, or the whole list when none is close."""
    options = sorted({str(c) for c in choices})
    if not options:
        return f"there are no {known} here"
    close = difflib.get_close_matches(str(word), options, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return f"{known}: {', '.join(options)}"


def slug(title: str) -> str:
    """A file name from a title: 'How a Net Learns!' -> 'how-a-net-learns'."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "deck"
