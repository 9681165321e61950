"""Loads MNIST-format data, verified against SHA256SUMS, split into train/validation/test.

Images stay uint8 (N, 28, 28): 47 MB instead of 376 MB as float64; the trainer
scales each mini-batch to [0, 1] as it goes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from netcore.errors import DataError

if TYPE_CHECKING:  # numpy is imported where arrays are made: verifying the files needs none
    import numpy as np

BUNDLED_DIR = Path(__file__).resolve().parent / "data" / "mnist"
FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}
SUMS_FILE = "SHA256SUMS"


@dataclass(frozen=True)
class Dataset:
    """The three splits. The test split is only for reporting, never for tuning."""

    train_images: np.ndarray
    train_labels: np.ndarray
    validation_images: np.ndarray
    validation_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray

    @property
    def pixels(self) -> int:
        return int(self.test_images.shape[1] * self.test_images.shape[2])

    @property
    def classes(self) -> int:
        return int(max(self.train_labels.max(), self.test_labels.max())) + 1


def resolve_dir(data_dir: str | Path | None) -> Path:
    """The data directory a config means (None = the bundled MNIST)."""
    return BUNDLED_DIR if data_dir is None else Path(data_dir)


def _find(data_dir: Path, stem: str) -> Path:
    for name in (stem + ".gz", stem):
        if (data_dir / name).is_file():
            return data_dir / name
    raise DataError(f"{data_dir / (stem + '.gz')}: missing data file (expected {stem}.gz or {stem})")


def _read_sums(data_dir: Path) -> dict[str, str]:
    path = data_dir / SUMS_FILE
    try:
        text = path.read_text()
    except OSError:
        raise DataError(f"{path}: missing checksum file (create it with: sha256sum *-ubyte* > {SUMS_FILE})") from None
    sums = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 2 or len(parts[0]) != 64:
            raise DataError(f"{path}:{number}: expected '<sha256> <file name>', got {line.strip()!r}")
        sums[parts[1].lstrip("*")] = parts[0].lower()
    return sums


def verify(data_dir: str | Path | None, memo: dict[str, list] | None = None) -> dict[str, str]:
    """Check every data file against SHA256SUMS; return {file name: sha256}.

    The returned checksums are part of the cache key, so they are computed from
    the bytes on disk, not copied from the sums file. `memo` ({path: [size,
    mtime_ns, sha256]}, updated in place) lets a warm build skip re-hashing
    files whose size and modification time are unchanged, as git's index does.
    """
    directory = resolve_dir(data_dir)
    if not directory.is_dir():
        raise DataError(f"{directory}: data directory does not exist")
    sums = _read_sums(directory)
    result = {}
    for stem in FILES.values():
        path = _find(directory, stem)
        expected = sums.get(path.name)
        if expected is None:
            raise DataError(f"{directory / SUMS_FILE}: no checksum listed for {path.name}")
        actual = _hash(path, memo)
        if actual != expected and memo is not None:
            memo.pop(str(path.resolve()), None)  # a stale or forged memo never condemns a good file
            actual = _hash(path, memo)
        if actual != expected:
            raise DataError(f"{path}: SHA-256 mismatch (file is corrupted or not the one listed in {SUMS_FILE})")
        result[path.name] = actual
    return result


def _hash(path: Path, memo: dict[str, list] | None) -> str:
    stat = path.stat()
    key = str(path.resolve())
    if memo is not None:
        known = memo.get(key)
        if _memo_entry_ok(known) and known[:2] == [stat.st_size, stat.st_mtime_ns]:
            return known[2]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if memo is not None:
        memo[key] = [stat.st_size, stat.st_mtime_ns, digest]
    return digest


def _memo_entry_ok(known: object) -> bool:
    """A memo entry is [size, mtime_ns, sha256 hex]; anything else (a forged or damaged memo) is ignored."""
    return (
        isinstance(known, list) and len(known) == 3
        and all(isinstance(v, int) and not isinstance(v, bool) for v in known[:2])
        and isinstance(known[2], str) and len(known[2]) == 64 and all(c in "0123456789abcdef" for c in known[2])
    )


def _load_pair(directory: Path, images_stem: str, labels_stem: str) -> tuple[np.ndarray, np.ndarray]:
    images_path, labels_path = _find(directory, images_stem), _find(directory, labels_stem)
    import numpy as np

    from netcore.idx import read_idx

    images, labels = read_idx(images_path), read_idx(labels_path)
    if images.ndim != 3 or images.dtype != np.uint8:
        raise DataError(f"{images_path}: expected uint8 images of shape (N, rows, cols), got {images.dtype} {images.shape}")
    if labels.ndim != 1 or labels.dtype != np.uint8:
        raise DataError(f"{labels_path}: expected uint8 labels of shape (N,), got {labels.dtype} {labels.shape}")
    if len(images) != len(labels):
        raise DataError(f"{labels_path}: {len(labels)} labels for {len(images)} images in {images_path.name}")
    return images, labels


def load(data_dir: str | Path | None = None, validation_size: int = 10_000, verified: bool = False) -> Dataset:
    """Load and split the data; `verified=True` skips re-hashing files already checked."""
    directory = resolve_dir(data_dir)
    if not verified:
        verify(directory)
    train_x, train_y = _load_pair(directory, FILES["train_images"], FILES["train_labels"])
    test_x, test_y = _load_pair(directory, FILES["test_images"], FILES["test_labels"])
    if train_x.shape[1:] != test_x.shape[1:]:
        raise DataError(f"{directory}: training images are {train_x.shape[1:]} but test images are {test_x.shape[1:]}")
    if not 0 <= validation_size < len(train_x):
        raise DataError(f"{directory}: validation_size {validation_size} must be smaller than the {len(train_x)} training images")
    cut = len(train_x) - validation_size  # the last images, as in Nielsen's split
    return Dataset(train_x[:cut], train_y[:cut], train_x[cut:], train_y[cut:], test_x, test_y)


def load_test(data_dir: str | Path | None = None, verified: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Only the test images and labels: what facts, figures and exports read of a trained model's data."""
    directory = resolve_dir(data_dir)
    if not verified:
        verify(directory)
    return _load_pair(directory, FILES["test_images"], FILES["test_labels"])


def as_inputs(images: np.ndarray) -> np.ndarray:
    """uint8 images (N, rows, cols) -> float64 rows (N, rows*cols) in [0, 1]."""
    return images.reshape(len(images), -1) * (1.0 / 255.0)
