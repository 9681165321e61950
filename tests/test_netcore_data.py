"""IDX parsing, checksum verification and configuration validation."""

from __future__ import annotations

import gzip
import hashlib
import struct
from pathlib import Path

import numpy as np
import pytest

from netcore import data
from netcore.config import NetworkConfig
from netcore.errors import ConfigError, DataError
from netcore.idx import parse, read_idx


def idx_bytes(array: np.ndarray) -> bytes:
    """Written by hand (not with netcore.idx.encode) so the parser is checked independently."""
    code = {np.uint8: 0x08, np.int32: 0x0C, np.float64: 0x0E}[array.dtype.type]
    header = bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def test_encode_matches_hand_written_bytes():
    from netcore.idx import encode

    for array in (np.arange(12, dtype=np.uint8).reshape(3, 4), np.arange(6, dtype=np.int32), np.linspace(0, 1, 5)):
        assert encode(array) == idx_bytes(array)


def write_idx_set(directory: Path, arrays: dict[str, np.ndarray], encode=idx_bytes) -> Path:
    """A data folder as netcore expects one: gzipped IDX files and their SHA256SUMS."""
    directory.mkdir(parents=True, exist_ok=True)
    lines = []
    for stem, array in arrays.items():
        raw = gzip.compress(encode(array), mtime=0)
        (directory / f"{stem}.gz").write_bytes(raw)
        lines.append(f"{hashlib.sha256(raw).hexdigest()}  {stem}.gz")
    (directory / "SHA256SUMS").write_text("\n".join(lines) + "\n")
    return directory


def write_data_dir(directory: Path, train: int = 30, test: int = 10, side: int = 28) -> Path:
    rng = np.random.default_rng(0)
    return write_idx_set(directory, {
        "train-images-idx3-ubyte": rng.integers(0, 256, (train, side, side), dtype=np.uint8),
        "train-labels-idx1-ubyte": (np.arange(train) % 10).astype(np.uint8),
        "t10k-images-idx3-ubyte": rng.integers(0, 256, (test, side, side), dtype=np.uint8),
        "t10k-labels-idx1-ubyte": (np.arange(test) % 10).astype(np.uint8),
    })


@pytest.mark.parametrize("dtype", [np.uint8, np.int32, np.float64])
def test_parse_round_trips_raw_and_gzip(tmp_path, dtype):
    array = (np.arange(24).reshape(2, 3, 4) * 3).astype(dtype)
    raw = tmp_path / "a.idx"
    raw.write_bytes(idx_bytes(array))
    packed = tmp_path / "a.idx.gz"
    packed.write_bytes(gzip.compress(idx_bytes(array)))
    for path in (raw, packed):
        result = read_idx(path)
        assert result.dtype == np.dtype(dtype) and result.shape == (2, 3, 4)
        np.testing.assert_array_equal(result, array)


def test_truncated_data_names_file_and_sizes(tmp_path):
    path = tmp_path / "short-idx3-ubyte"
    path.write_bytes(idx_bytes(np.zeros((5, 28, 28), np.uint8))[:-10])
    with pytest.raises(DataError, match=r"short-idx3-ubyte: truncated: dimensions \(5, 28, 28\) need 3920 data bytes, found 3910"):
        read_idx(path)


def test_extra_bytes_rejected():
    with pytest.raises(DataError, match="3 unexpected bytes"):
        parse(idx_bytes(np.zeros((2,), np.uint8)) + b"abc", "x")


def test_wrong_magic_rejected(tmp_path):
    path = tmp_path / "notidx"
    path.write_bytes(b"PK\x03\x04" + bytes(100))
    with pytest.raises(DataError, match=r"notidx: not an IDX file \(magic number 0x504b0304"):
        read_idx(path)


def test_truncated_header_and_gzip(tmp_path):
    with pytest.raises(DataError, match="truncated IDX header"):
        parse(bytes([0, 0, 8, 3, 0, 0]), "h")
    path = tmp_path / "cut.gz"
    noise = np.random.default_rng(1).integers(0, 256, (50, 28, 28), dtype=np.uint8)
    path.write_bytes(gzip.compress(idx_bytes(noise))[:2000])
    with pytest.raises(DataError, match="cut.gz: truncated gzip stream"):
        read_idx(path)


def test_errors_are_one_line(tmp_path):
    path = tmp_path / "bad"
    path.write_bytes(b"\x00\x00\x08")
    with pytest.raises(DataError) as info:
        read_idx(path)
    assert "\n" not in str(info.value) and str(path) in str(info.value)


def test_custom_data_dir_loads_and_splits(tmp_path):
    directory = write_data_dir(tmp_path / "d")
    checksums = data.verify(directory)
    assert set(checksums) == {f"{s}.gz" for s in data.FILES.values()}
    dataset = data.load(directory, validation_size=10)
    assert dataset.train_images.shape == (20, 28, 28) and dataset.train_images.dtype == np.uint8
    assert dataset.validation_images.shape == (10, 28, 28)
    assert dataset.test_labels.tolist() == list(range(10))


def test_corrupted_file_fails_checksum(tmp_path):
    directory = write_data_dir(tmp_path / "d")
    target = directory / "t10k-labels-idx1-ubyte.gz"
    content = bytearray(target.read_bytes())
    content[-5] ^= 0xFF
    target.write_bytes(bytes(content))
    with pytest.raises(DataError, match=r"t10k-labels-idx1-ubyte.gz: SHA-256 mismatch"):
        data.verify(directory)


def test_missing_checksum_file_and_entry(tmp_path):
    directory = write_data_dir(tmp_path / "d")
    sums = directory / "SHA256SUMS"
    sums.write_text("\n".join(sums.read_text().splitlines()[:3]) + "\n")
    with pytest.raises(DataError, match="no checksum listed for t10k-labels-idx1-ubyte.gz"):
        data.verify(directory)
    sums.unlink()
    with pytest.raises(DataError, match="missing checksum file"):
        data.verify(directory)


def test_bundled_mnist_checksums_verify():
    sums = data.verify(None)
    assert len(sums) == 4


def test_config_defaults_and_round_trip():
    cfg = NetworkConfig()
    assert cfg.layers == (784, 16, 16, 10)
    again = NetworkConfig.from_mapping(cfg.to_dict())
    assert again == cfg and again.digest() == cfg.digest()
    assert NetworkConfig(data_dir="/elsewhere").digest() == cfg.digest()
    assert NetworkConfig(seed=1).digest() != cfg.digest()


@pytest.mark.parametrize(
    "mapping, key, message",
    [
        ({"learnig_rate": 0.1}, "learnig_rate", "did you mean 'learning_rate'"),
        ({"layers": [784, 0, 10]}, "layers", "positive integers"),
        ({"layers": [784]}, "layers", "at least two"),
        ({"hidden_activation": "tanh"}, "hidden_activation", "sigmoid, relu"),
        ({"output_activation": "relu"}, "output_activation", "sigmoid, softmax"),
        ({"cost": "cross-entropy"}, "cost", "did you mean 'cross_entropy'"),
        ({"learning_rate": 0}, "learning_rate", "> 0"),
        ({"learning_rate": "1e-1"}, "learning_rate", "YAML reads"),
        ({"batch_size": 0}, "batch_size", ">= 1"),
        ({"epochs": 2.5}, "epochs", "integer"),
        ({"seed": -1}, "seed", ">= 0"),
        ({"lr_decay": 1.5}, "lr_decay", r"\(0, 1\]"),
    ],
)
def test_config_errors_name_the_key(mapping, key, message):
    with pytest.raises(ConfigError, match=message) as info:
        NetworkConfig.from_mapping(mapping)
    assert info.value.key == key
    assert "\n" not in str(info.value)


def test_checksum_memo_skips_unchanged_files_only(tmp_path):
    import os

    directory = write_data_dir(tmp_path / "d")
    memo: dict = {}
    first = data.verify(directory, memo)
    assert len(memo) == 4 and sorted(v[2] for v in memo.values()) == sorted(first.values())
    # A changed file (new modification time) is hashed again, so corruption is caught.
    target = directory / "t10k-labels-idx1-ubyte.gz"
    content = bytearray(target.read_bytes())
    content[-5] ^= 0xFF
    target.write_bytes(bytes(content))
    os.utime(target, ns=(1, 1))
    with pytest.raises(DataError, match="t10k-labels-idx1-ubyte.gz: SHA-256 mismatch"):
        data.verify(directory, memo)
    content[-5] ^= 0xFF
    target.write_bytes(bytes(content))
    os.utime(target, ns=(2, 2))
    # An unchanged file (same size and time) is taken from the memo: shown here by changing
    # its bytes behind the memo's back, as git's index would not notice either.
    other = directory / "train-labels-idx1-ubyte.gz"
    before = other.stat()
    content = bytearray(other.read_bytes())
    content[-5] ^= 0xFF
    other.write_bytes(bytes(content))
    os.utime(other, ns=(before.st_atime_ns, before.st_mtime_ns))
    data.verify(directory, memo)
    # A memo digest that disagrees with SHA256SUMS (stale or forged) is checked against the
    # file itself, so it can neither pass a bad file nor condemn a good one.
    memo[str(other.resolve())][2] = "0" * 64
    with pytest.raises(DataError, match="train-labels-idx1-ubyte.gz: SHA-256 mismatch"):
        data.verify(directory, memo)
    content[-5] ^= 0xFF
    other.write_bytes(bytes(content))
    os.utime(other, ns=(before.st_atime_ns, before.st_mtime_ns))
    memo[str(other.resolve())][2] = "0" * 64
    assert data.verify(directory, memo) == first


def test_figure_registry_rejects_bad_specs():
    from netcore.errors import FigureError, NetcoreError
    from netcore.figures.registry import FigureSpec, discover, register

    discover()
    assert issubclass(FigureError, NetcoreError)
    with pytest.raises(FigureError, match="format must be one of"):
        FigureSpec("x", "jpg", "alt", "caption", lambda ctx: None)
    with pytest.raises(FigureError, match="alt text is required"):
        FigureSpec("x", "svg", " ", "caption", lambda ctx: None)

    def draw(ctx):
        return None

    draw.__module__ = "netcore.figures.somewhere_else"
    with pytest.raises(FigureError, match="registered twice"):
        register(FigureSpec("first-layer-weights", "png", "alt", "caption", draw))
