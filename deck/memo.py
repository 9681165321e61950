"""Small files in the build cache that remember work already done (formulas, code, layouts).

Each is written whole or not at all, through a temporary file beside it, so two builds at
once or one killed mid-write never leave half a file; and a cache that cannot be written
only costs doing the work again next time, never the build.
"""

from __future__ import annotations

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
