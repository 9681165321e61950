"""Parser for the IDX format MNIST ships in, strict so a bad file never trains a model.

Format (big-endian): two zero bytes, a type code, the number of dimensions,
one uint32 per dimension, then the values in C order.
"""

from __future__ import annotations

import gzip
import math
import zlib
from pathlib import Path

import numpy as np

from netcore.errors import DataError

# IDX type code -> numpy dtype (big-endian where it matters).
_DTYPES = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_GZIP_MAGIC = b"\x1f\x8b"
MAX_DATA_BYTES = 2**40  # no real data set of this kind comes near a terabyte


def read_bytes(path: Path) -> bytes:
    """Return the file's content, decompressed if it is gzip (by magic, not by name)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(f"{path}: cannot read file ({exc.strerror or exc})") from None
    if not raw.startswith(_GZIP_MAGIC):
        return raw
    try:
        return gzip.decompress(raw)
    except EOFError:
        raise DataError(f"{path}: truncated gzip stream (the download or copy was cut short)") from None
    except (OSError, zlib.error) as exc:
        raise DataError(f"{path}: corrupted gzip data ({exc})") from None


def parse(data: bytes, name: str = "<bytes>") -> np.ndarray:
    """Decode IDX bytes into an array in native byte order, checking every size."""
    if len(data) < 4:
        raise DataError(f"{name}: too short for an IDX header ({len(data)} bytes)")
    if data[0] != 0 or data[1] != 0 or data[2] not in _DTYPES:
        raise DataError(
            f"{name}: not an IDX file (magic number 0x{data[:4].hex()}, "
            "expected 0x0000 then a type code such as 08)"
        )
    dtype = _DTYPES[data[2]]
    ndim = data[3]
    if ndim == 0:
        raise DataError(f"{name}: IDX header declares zero dimensions")
    header_size = 4 + 4 * ndim
    if len(data) < header_size:
        raise DataError(f"{name}: truncated IDX header ({ndim} dimensions need {header_size} bytes)")
    dims = tuple(int(d) for d in np.frombuffer(data, dtype=">u4", count=ndim, offset=4))
    # Exact integers: numpy's product wraps around silently past 2**63 and could "match" the data.
    expected = math.prod(dims) * dtype.itemsize
    actual = len(data) - header_size
    if expected > MAX_DATA_BYTES:
        raise DataError(f"{name}: IDX header declares dimensions {dims}, {expected:,} bytes of data: the header is damaged")
    if actual < expected:
        raise DataError(f"{name}: truncated: dimensions {dims} need {expected} data bytes, found {actual}")
    if actual > expected:
        raise DataError(f"{name}: {actual - expected} unexpected bytes after the data for dimensions {dims}")
    values = np.frombuffer(data, dtype=dtype, offset=header_size).reshape(dims)
    return values.astype(dtype.newbyteorder("="), copy=True)


def encode(array: np.ndarray) -> bytes:
    """The IDX bytes of an array: used to write data subsets (and test files)."""
    codes = {dtype: code for code, dtype in _DTYPES.items()}
    dtype = array.dtype.newbyteorder(">") if array.dtype.itemsize > 1 else array.dtype
    code = codes.get(np.dtype(dtype))
    if code is None:
        raise ValueError(f"IDX cannot store dtype {array.dtype}")
    dims = np.asarray(array.shape, dtype=">u4").tobytes()
    return bytes([0, 0, code, array.ndim]) + dims + np.ascontiguousarray(array, dtype=dtype).tobytes()


def read_idx(path: Path) -> np.ndarray:
    """Read an IDX file (raw or gzip) from disk."""
    path = Path(path)
    return parse(read_bytes(path), str(path))
