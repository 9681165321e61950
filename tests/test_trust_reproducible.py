"""Same inputs, same outputs: two clean builds give byte-identical decks.

Each build runs in its own copy of the project with its own empty cache, so
the network is trained twice and every figure drawn twice; any timestamp, wall
time, random order or absolute path that leaks into output/ shows up here as
a differing file.
"""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

from test_trust_malformed import PROJECT, make_project, run, tree_digest

pytestmark = pytest.mark.slow

DECKS = {
    "malformed-base": Path(__file__).resolve().parent / "malformed" / "base" / "slides",
    "starter": PROJECT / "tests" / "decks" / "starter" / "slides",
    "talk": PROJECT / "slides",  # the full default talk: trains the real network twice
}


def _first_difference(a: Path, b: Path) -> str:
    try:
        left, right = a.read_text().splitlines(), b.read_text().splitlines()
    except UnicodeDecodeError:
        return "(binary files differ)"
    diff = difflib.unified_diff(left, right, lineterm="", n=0)
    return "\n".join(line[:200] for line in list(diff)[2:8])


@pytest.mark.parametrize("deck", sorted(DECKS))
def test_two_clean_builds_are_byte_identical(deck: str, tmp_path: Path) -> None:
    digests = []
    projects = []
    for name in ("first", "second"):
        # Both copies first: the working tree may change while a build runs.
        project = make_project(tmp_path / name / "project")
        shutil.rmtree(project / "slides")
        shutil.copytree(DECKS[deck], project / "slides")
        projects.append(project)
    for name, project in zip(("first", "second"), projects):
        result = run(project, "--quiet", "--cache", str(tmp_path / name / "cache"))
        assert result.returncode == 0, result.stderr
        digests.append(tree_digest(project / "output"))
    first, second = digests
    differing = sorted(k for k in first.keys() | second.keys() if first.get(k) != second.get(k))
    print(f"\nreproducible build ({deck}): {len(first)} entries, {len(differing)} differing")
    details = "\n".join(
        f"{k}:\n{_first_difference(projects[0] / 'output' / k, projects[1] / 'output' / k)}"
        for k in differing[:5] if k in first and k in second and not k.endswith("/")
    )
    assert differing == [], f"files differ between two clean builds: {differing}\n{details}"
