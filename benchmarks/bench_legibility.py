"""What the legibility check adds to a warm build of the default talk.

Builds a copy of the default talk (network and figures from the cache: run
`make deck` once first, or give `--cache DIR`), then times warm rebuilds two
ways: with nothing changed (the check's findings come from its cache, no
Chromium) and after a one-word edit of a slide (Chromium lays the page out
again). Prints the check's own seconds next to the whole build's; asserts
nothing (the machine is shared).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from deck.pipeline import DEFAULT_CACHE, build  # noqa: E402

REPEATS = 3


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="the cache with the trained network (default: the project's)")
    cache = options.parse_args().cache
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        shutil.copytree(PROJECT / "slides", work / "slides", ignore=shutil.ignore_patterns("output", ".cache"))
        config, out = work / "slides" / "deck.yaml", work / "output"
        first = build(config, out, cache_dir=cache, progress=False)
        if first.legibility is None or first.legibility.skipped:
            print(f"legibility: check skipped ({first.legibility.skipped if first.legibility else 'no report'})")
            return
        slide_file = first.slides[len(first.slides) // 2].source.file
        unchanged: list[tuple[float, float]] = []
        edited: list[tuple[float, float]] = []
        for attempt in range(REPEATS):
            started = time.perf_counter()
            result = build(config, out, cache_dir=cache, progress=False)
            unchanged.append((result.legibility.seconds, time.perf_counter() - started))
            assert not result.legibility.browser, "an unchanged page ran Chromium"
            with slide_file.open("a", encoding="utf-8") as handle:
                handle.write(f"\nAn edit for the benchmark, number {attempt}.\n")
            started = time.perf_counter()
            result = build(config, out, cache_dir=cache, progress=False)
            edited.append((result.legibility.seconds, time.perf_counter() - started))
            assert result.legibility.browser, "an edited page did not run Chromium"
        slides = len(result.slides)
        print(f"legibility: default talk, {slides} slides, {len(result.legibility.findings)} finding(s)")
        for label, runs in (("nothing changed (cached, no Chromium)", unchanged), ("after a text edit (Chromium)", edited)):
            check = [c for c, _ in runs]
            total = [t for _, t in runs]
            print(f"warm build, {label}: check median {statistics.median(check):.3f} s (max {max(check):.3f}), "
                  f"whole build median {statistics.median(total):.3f} s, over {REPEATS}")


if __name__ == "__main__":
    main()
