"""Optional modules that add to netcore's products (talk facts, extra browser data).

Each extension returns a dict; merging refuses to let one silently replace what
netcore or another extension already produced.
"""

from __future__ import annotations

from typing import Any


def merge(into: dict[str, Any], extra: dict[str, Any], source: str, what: str) -> None:
    """Add ``extra`` to ``into``; a name both define is a bug in ``source``."""
    clash = sorted(set(extra) & set(into))
    if clash:
        raise ValueError(f"{source} redefines {what} {clash}")
    into.update(extra)
