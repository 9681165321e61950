"""Every kind of bad input: one located line, exit status 2, the last good deck untouched."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import STARTER, run_build, tree_digest

LOCATED = re.compile(r"^[^\s:]+:\d+: \S")


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("errors-cache")


@pytest.fixture
def deck(tmp_path: Path, shared_cache: Path) -> Path:
    """A fresh copy of the starter deck, already built once into <copy>/output."""
    copy = tmp_path / "starter"
    shutil.copytree(STARTER, copy)
    result = run_build("--config", copy / "slides" / "deck.yaml", "--out", copy / "output", "--cache", shared_cache, "--quiet")
    assert result.returncode == 0, result.stderr
    return copy


def build_broken(deck: Path, shared_cache: Path) -> tuple[str, int]:
    before = tree_digest(deck / "output")
    result = run_build("--config", deck / "slides" / "deck.yaml", "--out", deck / "output", "--cache", shared_cache)
    assert tree_digest(deck / "output") == before, "a failed build changed the previous output"
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0], result.returncode


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


CASES = {
    "yaml syntax": ("deck.yaml", "target_minutes: 5", "target_minutes: [5", "deck.yaml:9: invalid YAML"),
    "unknown deck key": ("deck.yaml", "target_minutes: 5", "target_minute: 5", "deck.yaml:8: unknown key 'target_minute' (hint: did you mean 'target_minutes'?)"),
    "unknown figure": ("figures.md", "figure:first-layer-weights", "figure:first-layer-weight", "figures.md:4: unknown figure 'first-layer-weight'"),
    "unknown layout": ("figures.md", "{layout: two-columns}", "{layout: three-columns}", "figures.md:11: unknown layout 'three-columns'"),
    "unknown option": ("basics.md", "{id: points, transition: fade}", "{id: points, transiton: fade}", "basics.md:16: unknown slide option 'transiton'"),
    "missing image": ("basics.md", "## Math", "## Math\n\n![A photo](photo.jpg)", "basics.md:39: image 'photo.jpg' not found"),
    "escaping image": ("basics.md", "## Math", "## Math\n\n![Secrets](../../../../etc/passwd)", "basics.md:39: image path '../../../../etc/passwd' leads outside the talk folder"),
    "jinja undefined": ("basics.md", "{{ net.parameter_count }}", "{{ net.parameter_cout }}", "basics.md:30: unknown fact 'net.parameter_cout' (hint: did you mean 'parameter_count'?)"),
    "jinja syntax": ("basics.md", "{{ net.parameter_count }}", "{{ net.parameter_count }", "basics.md:30: template error"),
    "unknown demo": ("figures.md", 'demo("neuron")', 'demo("neurone")', "figures.md:37: unknown demo 'neurone'"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_gives_one_located_line(case: str, deck: Path, shared_cache: Path) -> None:
    name, old, new, expected = CASES[case]
    edit(deck / "slides" / name, old, new)
    line, status = build_broken(deck, shared_cache)
    assert status == 2
    assert LOCATED.match(line), line
    assert line.startswith(str(deck.relative_to(Path.cwd()) if deck.is_relative_to(Path.cwd()) else deck)) or expected.split(":")[0] in line
    assert expected in line, line


def test_unreadable_slide_file(deck: Path, shared_cache: Path) -> None:
    (deck / "slides" / "basics.md").write_bytes(b"# Caf\xe9\n")
    line, status = build_broken(deck, shared_cache)
    assert status == 2
    assert "basics.md:1: not valid UTF-8" in line


def test_missing_slide_file(deck: Path, shared_cache: Path) -> None:
    (deck / "slides" / "figures.md").unlink()
    line, status = build_broken(deck, shared_cache)
    assert status == 2
    assert "deck.yaml:16: slide file 'figures.md' not found" in line


def test_unknown_fact_suggests_the_right_name(deck: Path, shared_cache: Path) -> None:
    edit(deck / "slides" / "basics.md", "{{ net.parameter_count }}", "{{ net.parameter_cout }}")
    line, _ = build_broken(deck, shared_cache)
    assert "did you mean 'parameter_count'?" in line


def test_unknown_figure_lists_known_names(deck: Path, shared_cache: Path) -> None:
    edit(deck / "slides" / "figures.md", "figure:first-layer-weights", "figure:nope")
    line, _ = build_broken(deck, shared_cache)
    assert "known figures:" in line and "cost-curves" in line


def test_successful_build_replaces_output_whole(deck: Path, shared_cache: Path) -> None:
    stale = deck / "output" / "stale.txt"
    stale.write_text("left over")
    edit(deck / "slides" / "basics.md", "# Part one", "# Part one, revised")
    result = run_build("--config", deck / "slides" / "deck.yaml", "--out", deck / "output", "--cache", shared_cache, "--quiet")
    assert result.returncode == 0, result.stderr
    assert not stale.exists()
    assert "Part one, revised" in (deck / "output" / "index.html").read_text()
    leftovers = [p.name for p in deck.iterdir() if p.name.startswith(".output")]
    assert leftovers == []


def test_refuses_to_replace_a_folder_it_did_not_build(deck: Path, shared_cache: Path) -> None:
    foreign = deck / "mine"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("precious")
    result = run_build("--config", deck / "slides" / "deck.yaml", "--out", foreign, "--cache", shared_cache)
    assert result.returncode == 2
    assert "refusing to replace a folder this tool did not build" in result.stderr
    assert (foreign / "thesis.tex").read_text() == "precious"
