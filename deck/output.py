"""One atomic write into the output folder.

The whole deck is built in a staging folder beside the output; only when the
build has succeeded does it take the output's place. A failed or interrupted
build therefore leaves the last good deck exactly as it was. A folder we did
not create is never replaced, so nothing the user wrote can be deleted.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from deck.errors import DeckError

MARKER = ".deck-build"


@contextmanager
def staging(out_dir: Path) -> Iterator[Path]:
    """Yield an empty staging folder; on success it replaces ``out_dir``."""
    out_dir = out_dir.absolute()
    _check_replaceable(out_dir)
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.staging-", dir=out_dir.parent))
    except OSError as exc:
        raise DeckError(out_dir, None, f"cannot write the output folder: {exc.strerror or exc}") from None
    try:
        yield stage
        (stage / MARKER).write_text("Built by build.py; this whole folder is replaced on every build.\n", encoding="utf-8")
        replace(stage, out_dir)
    except OSError as exc:
        raise DeckError(out_dir, None, f"cannot write the output: {exc.strerror or exc}") from None
    finally:
        if stage.exists():
            shutil.rmtree(stage, ignore_errors=True)


def replace(stage: Path, out_dir: Path) -> None:
    """Swap the staged deck in; the old deck is removed only after the swap."""
    if not out_dir.exists():
        os.replace(stage, out_dir)
        return
    retired = out_dir.parent / f".{out_dir.name}.retired-{os.getpid()}"
    try:
        os.replace(out_dir, retired)
        os.replace(stage, out_dir)
    except BaseException:  # Ctrl-C between the two renames must not lose the old deck
        if retired.exists() and not out_dir.exists():
            os.replace(retired, out_dir)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def recover(out_dir: Path) -> None:
    """Put back a deck left retired by a build that was killed mid-swap."""
    out_dir = out_dir.absolute()
    if out_dir.exists() or not out_dir.parent.is_dir():
        return
    retired = sorted(out_dir.parent.glob(f".{out_dir.name}.retired-*"))
    if retired:
        os.replace(retired[-1], out_dir)


def _check_replaceable(out_dir: Path) -> None:
    if not out_dir.exists():
        return
    if not out_dir.is_dir():
        raise DeckError(out_dir, None, "the output path exists and is not a folder")
    if any(out_dir.iterdir()) and not (out_dir / MARKER).is_file():
        raise DeckError(out_dir, None, "refusing to replace a folder this tool did not build", "choose an empty or new folder with --out")
    if not _writable(out_dir) or not _writable(out_dir.parent):
        raise DeckError(out_dir, None, "the output folder is read-only", "make it writable or choose another folder with --out")


def _writable(path: Path) -> bool:
    """Mode bits as well as access(): root passes access() even on a read-only folder."""
    return os.access(path, os.W_OK) and bool(path.stat().st_mode & stat.S_IWUSR)
