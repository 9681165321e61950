"""Any talk, side by side: whole-process rebuilds after a one-line edit, and each example's output size.

Three talks are rebuilt in turn, in one run, so they share the machine's noise:
the default talk (network from the project's .cache: run `make deck` first),
the birthday example (its own computation, figure and demo) and a talk with no
computation at all (the `build.py new` scaffold). Each round appends a line to
one slide and times `python build.py TALK` as a speaker runs it (wall and the
child's CPU), and a probe reports which heavy modules such a build imports.
`--baseline DIR` adds a checkout of an earlier commit's default-talk rebuild.
Prints the figures; asserts nothing (the machine is shared).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
ROUNDS = 7


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def timed(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system of the child) of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def heavy_imports(build_py: Path, talk: Path, out: Path, cache: Path) -> list[str]:
    probe = (
        "import sys, runpy, os; sys.path.insert(0, os.path.dirname(sys.argv[1])); sys.argv = [sys.argv[1], '--config', sys.argv[2], '--out', sys.argv[3], '--cache', sys.argv[4], '--quiet']\n"
        "try:\n    runpy.run_path(sys.argv[0], run_name='__main__')\nexcept SystemExit:\n    pass\n"
        "print(__import__('json').dumps([m for m in ('numpy', 'matplotlib', 'netcore') if m in sys.modules]))"
    )
    result = subprocess.run([sys.executable, "-c", probe, str(build_py), str(talk), str(out), str(cache)], capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, help="a checkout of an earlier commit (with node_modules) to time the default talk against")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        talks: dict[str, tuple[Path, Path, Path]] = {}  # name -> (build.py, talk folder, slide file to edit)
        shutil.copytree(PROJECT / "slides", work / "default" / "slides")
        talks["default talk (netcore, cached)"] = (PROJECT / "build.py", work / "default" / "slides", work / "default" / "slides" / "07-cost.md")
        shutil.copytree(PROJECT / "examples" / "birthday", work / "birthday", ignore=shutil.ignore_patterns("output", ".cache"))
        talks["birthday example (own computation)"] = (PROJECT / "build.py", work / "birthday", work / "birthday" / "talk.md")
        subprocess.run([sys.executable, str(PROJECT / "build.py"), "new", str(work / "plain")], check=True, stdout=subprocess.DEVNULL)
        talks["talk with no computation (scaffold)"] = (PROJECT / "build.py", work / "plain", work / "plain" / "slides.md")
        if args.baseline:
            shutil.copytree(args.baseline / "slides", work / "baseline" / "slides")
            talks["default talk, baseline checkout"] = (args.baseline / "build.py", work / "baseline" / "slides", work / "baseline" / "slides" / "07-cost.md")
        cache = PROJECT / ".cache"
        outputs = {name: talk.parent / "output" if talk.name == "slides" else talk / "output" for name, (_, talk, _) in talks.items()}
        for name, (build_py, talk, _) in talks.items():  # warm every cache first
            subprocess.run([sys.executable, str(build_py), "--config", str(talk / "deck.yaml"), "--out", str(outputs[name]), "--cache", str(cache), "--quiet"], check=True)
        # The legibility check lays changed slides out in Chromium (issue 13): the engine's own
        # figures are taken with --no-legibility, and the default talk once more with the check.
        checked = "default talk, legibility check included"
        runs = {name: (name, ["--no-legibility"] if build_py == PROJECT / "build.py" else []) for name, (build_py, _, _) in talks.items()}
        runs[checked] = ("default talk (netcore, cached)", [])
        samples: dict[str, list[tuple[float, float]]] = {name: [] for name in runs}
        for round_number in range(ROUNDS):
            for name, (talk_name, flags) in runs.items():
                build_py, talk, slide_file = talks[talk_name]
                with slide_file.open("a", encoding="utf-8") as handle:
                    handle.write(f"\nAn edit for the benchmark, round {round_number}.\n")
                samples[name].append(timed([sys.executable, str(build_py), "--config", str(talk / "deck.yaml"), "--out", str(outputs[talk_name]),
                                            "--cache", str(cache), "--quiet", *flags]))
        print(f"whole-process rebuild after a one-line edit (`python build.py TALK --no-legibility`), median of {ROUNDS} interleaved rounds:")
        medians = {name: (statistics.median(w for w, _ in s), statistics.median(c for _, c in s)) for name, s in samples.items()}
        for name, (wall, cpu) in medians.items():
            print(f"  {name:<38} {wall:.3f} s wall, {cpu:.3f} s CPU")
        plain = medians["talk with no computation (scaffold)"]
        default = medians["default talk (netcore, cached)"]
        print(f"  no-computation talk / default talk: {plain[0] / default[0]:.2f} wall, {plain[1] / default[1]:.2f} CPU  (target <= 0.33)")
        if args.baseline:
            base = medians["default talk, baseline checkout"]
            print(f"  default talk now / baseline: {default[0] / base[0]:.2f} wall, {default[1] / base[1]:.2f} CPU  (target <= 1.0)")
        with_check = medians[checked]
        print(f"  the legibility check adds {with_check[0] - default[0]:.3f} s wall, {with_check[1] - default[1]:.3f} s CPU to the default talk's rebuild")
        for name, (build_py, talk, _) in talks.items():
            loaded = heavy_imports(build_py, talk / "deck.yaml", outputs[name], cache)
            print(f"  {name:<38} imports: {', '.join(loaded) or 'none of numpy, matplotlib, netcore'}")
        print("output size:")
        for name, out in outputs.items():
            print(f"  {name:<38} {folder_bytes(out) / 1e6:.2f} MB  ({sum(1 for p in out.rglob('*') if p.is_file())} files)")


if __name__ == "__main__":
    main()
