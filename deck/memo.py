"""Small files in the build cache that remember work already done (formulas, code, layouts).

Each is written whole or not at all, through a temporary file beside it, so two builds at
once or one killed mid-write never leave half a file; and a cache that cannot be written
only costs doing the work again next time, never the build.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path


def remember(path: Path, data: str | bytes) -> None:
    """Replace ``path`` with ``data`` atomically; failures are ignored (the memo is an optimisation)."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(payload)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError:
        pass


def remember_checked(path: Path, payload: bytes) -> None:
    """``remember`` with the payload's SHA-256 in front, for memos that are run, not just read
    (compiled template code): ``recall_checked`` hands back only bytes that are whole."""
    remember(path, hashlib.sha256(payload).digest() + payload)


def recall_checked(path: Path) -> bytes | None:
    """What ``remember_checked`` wrote, or None when it is missing or damaged in any byte."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    digest, payload = data[:32], data[32:]
    return payload if len(data) > 32 and hashlib.sha256(payload).digest() == digest else None


def remember_json(path: Path, value: object) -> None:
    """A JSON memo, checked like compiled code: a damaged byte inside a remembered string (a
    formula's HTML, a line of code) must not reach a slide."""
    remember_checked(path, json.dumps(value, sort_keys=True).encode("utf-8"))


def recall_json(path: Path) -> object:
    """What ``remember_json`` wrote, or None when it is missing, damaged or not JSON."""
    payload = recall_checked(path)
    try:
        return json.loads(payload) if payload is not None else None
    except ValueError:
        return None
