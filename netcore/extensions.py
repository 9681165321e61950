"""Optional modules that add to netcore's facts (``facts_talk.py``: the numbers the talk quotes).

An extension is a module `netcore/<kind>_<topic>.py`; `files(kind)` finds them
(for the cache keys as well as for `run`, so the two always agree). Each
extension returns a dict; merging refuses to let one silently replace what
netcore or another extension already produced.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def files(kind: str) -> list[Path]:
    """The `netcore/<kind>_*.py` modules, sorted by name."""
    return sorted(HERE.glob(f"{kind}_*.py"))


def run(kind: str, function: str, ctx: Any, into: dict[str, Any], what: str) -> None:
    """Call `function(ctx)` of every `<kind>_*.py` module and merge each result into `into`."""
    for path in files(kind):
        module = importlib.import_module(f"netcore.{path.stem}")
        merge(into, getattr(module, function)(ctx), f"netcore/{path.name}", what)


def merge(into: dict[str, Any], extra: dict[str, Any], source: str, what: str) -> None:
    """Add ``extra`` to ``into``; a name both define is a bug in ``source``."""
    clash = sorted(set(extra) & set(into))
    if clash:
        raise ValueError(f"{source} redefines {what} {clash}")
    into.update(extra)
