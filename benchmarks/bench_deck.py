"""Deck pipeline figures: warm rebuild after a text edit, and the size of the output.

Builds a copy of the default talk (the network comes from the project's .cache,
so run `make deck` once first), then edits one slide's text and rebuilds,
timing both the in-process pipeline and the full `python build.py` command a
speaker runs. Prints the figures; asserts nothing (the machine is shared).
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from deck.pipeline import DEFAULT_CACHE, build  # noqa: E402

REPEATS = 5


def folder_bytes(folder: Path, skip: tuple[str, ...] = ()) -> int:
    total = 0
    for path in folder.rglob("*"):
        relative = path.relative_to(folder).as_posix()
        if path.is_file() and not relative.startswith(skip):
            total += path.stat().st_size
    return total


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        shutil.copytree(PROJECT / "slides", work / "slides")
        config, out = work / "slides" / "deck.yaml", work / "output"
        first = build(config, out, cache_dir=DEFAULT_CACHE, progress=False)
        slide_file = first.slides[len(first.slides) // 2].source.file
        in_process: list[float] = []
        command: list[float] = []
        for attempt in range(REPEATS):
            with slide_file.open("a", encoding="utf-8") as handle:
                handle.write(f"\nAn edit for the benchmark, number {attempt}.\n")
            started = time.perf_counter()
            result = build(config, out, cache_dir=DEFAULT_CACHE, progress=False)
            in_process.append(time.perf_counter() - started)
            assert not result.trained and not result.redrawn
            with slide_file.open("a", encoding="utf-8") as handle:
                handle.write(f"\nA second edit, number {attempt}.\n")
            started = time.perf_counter()
            subprocess.run([sys.executable, str(PROJECT / "build.py"), "--config", str(config), "--out", str(out), "--quiet"], check=True)
            command.append(time.perf_counter() - started)
        demo_parts = ("data/", "demos/", "figures/demo-")
        print(f"deck: {len(result.slides)} slides, {len(result.figures)} figures")
        print(f"rebuild after a text edit, network cached (in-process build()): median {statistics.median(in_process):.3f} s, max {max(in_process):.3f} s over {REPEATS}")
        print(f"rebuild after a text edit, network cached (python build.py):   median {statistics.median(command):.3f} s, max {max(command):.3f} s over {REPEATS}  (target < 1 s)")
        print(f"output/ total:          {folder_bytes(out) / 1e6:.2f} MB")
        print(f"output/ without demos:  {folder_bytes(out, demo_parts) / 1e6:.2f} MB  (target < 5 MB; demos = data/, demos/, figures/demo-*)")


if __name__ == "__main__":
    main()
