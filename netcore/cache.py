"""A small content-addressed disk cache whose entries are verified before use.

Each entry is a directory `<root>/<kind>/<key>/` holding the stored files and a
`manifest.json` with the SHA-256 of every file, the kind and key it was filed
under, and a checksum of the manifest itself.
Entries are written to a temporary directory and renamed into place, so a
crash never leaves a half-written entry under the real key; an entry that does
not verify (edited, truncated, unreadable, filed under another key, holding a
file or link the manifest does not list) is deleted and reported as a miss, and
so is one whose contents its reader cannot use (`Cache.load`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, TypeVar

T = TypeVar("T")

from netcore.errors import CacheError, NetcoreError

MANIFEST = "manifest.json"
SOURCE_DIR = Path(__file__).resolve().parent


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def key_of(*parts: Any) -> str:
    """Hash any JSON-serialisable inputs into a cache key."""
    return sha256(json.dumps(parts, sort_keys=True, separators=(",", ":")).encode())


def source_digest(*paths: Path) -> str:
    """Hash source files: the 'code version' of whatever they compute."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


# Modules whose code determines the trained network; editing a figure module
# must not retrain, so the figures and exports are keyed separately.
TRAINING_MODULES = ("activations.py", "costs.py", "network.py", "step.py", "training.py", "data.py", "idx.py", "config.py")


def training_code_version() -> str:
    return source_digest(*(SOURCE_DIR / name for name in TRAINING_MODULES))


@dataclass(frozen=True)
class Entry:
    directory: Path
    meta: dict[str, Any]

    def path(self, name: str) -> Path:
        return self.directory / name

    def read(self, name: str) -> bytes:
        return (self.directory / name).read_bytes()


class Cache:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.rebuilt: list[str] = []  # "kind/key" of corrupted entries that were thrown away

    def _dir(self, kind: str, key: str) -> Path:
        return self.root / kind / key

    def get(self, kind: str, key: str) -> Entry | None:
        """The verified entry, or None on a miss (a corrupted entry counts as a miss)."""
        directory = self._dir(kind, key)
        if directory.is_symlink() or not directory.is_dir():
            return None
        try:
            manifest = json.loads((directory / MANIFEST).read_text())
            meta = _verify(directory, manifest, kind, key)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self._throw_away(kind, key)
            return None
        return Entry(directory, meta)

    def load(self, kind: str, key: str, reader: Callable[[Entry], T]) -> T | None:
        """``reader(entry)`` of the verified entry, or None on a miss.

        An entry whose checksums hold can still be forged or written by an older
        version of the code: whatever the reader cannot use (wrong types, shapes,
        keys) is thrown away and rebuilt like a corrupted one, never a crash.
        """
        entry = self.get(kind, key)
        if entry is None:
            return None
        try:
            return reader(entry)
        except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError, EOFError,
                zipfile.BadZipFile, NetcoreError):
            self._throw_away(kind, key)
            return None

    def _throw_away(self, kind: str, key: str) -> None:
        self.discard(kind, key)
        self.rebuilt.append(f"{kind}/{key}")

    def put(self, kind: str, key: str, files: dict[str, bytes], meta: dict[str, Any]) -> Entry:
        """Store files atomically under (kind, key) and return the entry."""
        final = self._dir(kind, key)
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
            _remove_stale_staging(final.parent)
            staging = Path(tempfile.mkdtemp(prefix=f".{key[:12]}-", dir=final.parent))
        except OSError as exc:
            raise CacheError(f"{final}: cannot write cache entry ({exc.strerror or exc})") from None
        try:
            body = {"files": {name: sha256(data) for name, data in files.items()}, "meta": meta, "kind": kind, "key": key}
            for name, data in files.items():
                (staging / name).write_bytes(data)
            manifest = dict(body, checksum=key_of(body))
            (staging / MANIFEST).write_text(json.dumps(manifest, sort_keys=True, indent=1))
            if final.exists() or final.is_symlink():
                self.discard(kind, key)
            try:
                os.replace(staging, final)
            except OSError:
                pass  # another build stored the same key first; theirs is equally good
        except OSError as exc:
            raise CacheError(f"{final}: cannot write cache entry ({exc.strerror or exc})") from None
        finally:
            # Also on Ctrl-C or SIGTERM: no half-written folder is left in the cache.
            shutil.rmtree(staging, ignore_errors=True)
        return Entry(final, meta)

    def read_json(self, name: str) -> dict[str, Any]:
        """A small JSON side file (e.g. the data-checksum memo); {} if missing or unreadable."""
        try:
            value = json.loads((self.root / name).read_text())
        except (OSError, ValueError):
            return {}
        return value if isinstance(value, dict) else {}

    def write_json(self, name: str, value: dict[str, Any]) -> None:
        """Replace a side file atomically; failure only costs speed, so it is ignored."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(prefix=f".{name}-", dir=self.root)
            with os.fdopen(fd, "w") as handle:
                json.dump(value, handle, sort_keys=True)
            os.replace(temp, self.root / name)
        except OSError:
            pass

    def discard(self, kind: str, key: str) -> None:
        directory = self._dir(kind, key)
        if directory.is_symlink():
            directory.unlink()
        else:
            shutil.rmtree(directory, ignore_errors=True)


STALE_SECONDS = 3600.0  # a put takes seconds: an older half-written folder belongs to a killed build


def _remove_stale_staging(folder: Path) -> None:
    """Half-written entries of builds killed outright (SIGKILL, power loss) are removed an hour on."""
    now = time.time()
    for path in folder.glob(".*"):
        try:
            if path.is_dir() and not path.is_symlink() and now - path.stat().st_mtime > STALE_SECONDS:
                shutil.rmtree(path, ignore_errors=True)
        except OSError:
            pass


def _verify(directory: Path, manifest: Any, kind: str, key: str) -> dict[str, Any]:
    """The entry's meta if every check holds; ValueError (or a type error) otherwise."""
    files, meta = manifest["files"], manifest["meta"]
    if not isinstance(files, dict) or not isinstance(meta, dict):
        raise ValueError("manifest shape")
    if manifest["kind"] != kind or manifest["key"] != key:
        raise ValueError("filed under another key")
    body = {"files": files, "meta": meta, "kind": kind, "key": key}
    if manifest["checksum"] != key_of(body):
        raise ValueError("manifest checksum")
    present = {p.name for p in directory.iterdir()} - {MANIFEST}
    if present != set(files):
        raise ValueError("files the manifest does not list, or missing ones")
    for name, digest in files.items():
        path = directory / name
        if not isinstance(digest, str) or not stat.S_ISREG(path.lstat().st_mode):
            raise ValueError(f"{name} is not a plain file")
        if sha256(path.read_bytes()) != digest:
            raise ValueError(f"checksum of {name}")
    return meta
