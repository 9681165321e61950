"""YAML that would expand without end, and slide files with nothing in them: quick, located errors."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from deck.errors import DeckError
from deck.pipeline import build, load_sources
from deck.yamlsource import MAX_VALUES, load_yaml


def laughs(levels: int = 9, width: int = 9) -> str:
    """The 'billion laughs': each level repeats the one above it ``width`` times (9**9 values)."""
    names = "abcdefghijklmnop"[:levels]
    lines = ["title: Bomb", "a: &a [" + ", ".join(['"lol"'] * width) + "]"]
    for before, name in zip(names, names[1:]):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{before}"] * width) + "]")
    return "\n".join(lines) + "\nslides: [a.md]\n"


def test_billion_laughs_in_deck_yaml_is_refused_quickly_at_its_line(tmp_path):
    root = tmp_path / "t"
    root.mkdir()
    (root / "deck.yaml").write_text(laughs())
    (root / "a.md").write_text("## A\n")
    started = time.perf_counter()
    with pytest.raises(DeckError) as info:
        build(root / "deck.yaml", progress=False)
    seconds = time.perf_counter() - started
    assert seconds < 2, seconds
    # Line 6 holds 'f', the first level past the limit: 9**5 = 59049 values.
    assert info.value.line == 6 and "expands to more than" in info.value.message and "alias" in info.value.message


def test_aliases_that_stay_small_still_work():
    located = load_yaml(Path("deck.yaml"), "a: &x [1, 2]\nb: *x\nc: {d: *x}\n")
    assert located.data == {"a": [1, 2], "b": [1, 2], "c": {"d": [1, 2]}}
    assert located.line_of("c", "d") == 3


@pytest.mark.parametrize("text, line, words", [
    ("a: &a [1, *a]\n", 1, "contains it"),
    ("x: 1\na: &a {b: {c: *a}}\n", 2, "contains it"),
    ("x: " + "[" * 2000 + "]" * 2000 + "\n", None, "nested more than"),
    ("x: " + "[" * 150 + "1" + "]" * 150 + "\n", 1, "nested more than"),
])
def test_loops_and_deep_nesting_are_errors_not_crashes(text, line, words):
    with pytest.raises(DeckError) as info:
        load_yaml(Path("deck.yaml"), text)
    assert info.value.line == line and words in info.value.message


def test_the_value_budget_is_not_reached_by_a_big_honest_file():
    text = "slides:\n" + "".join(f"  - s{i}.md\n" for i in range(MAX_VALUES // 10))
    assert len(load_yaml(Path("deck.yaml"), text).data["slides"]) == MAX_VALUES // 10


def test_aliases_in_slide_options_are_refused(tmp_path):
    root = tmp_path / "t"
    root.mkdir()
    (root / "deck.yaml").write_text("title: T\nslides: [a.md]\n")
    bomb = "{layout: &a [x, x, x, x, x, x, x, x, x], id: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a], class: [*b, *b, *b, *b, *b, *b, *b, *b, *b]}"
    (root / "a.md").write_text("## A\n\n---\n" + bomb + "\n## B\n")
    with pytest.raises(DeckError) as info:
        load_sources(root / "deck.yaml")
    assert info.value.line == 4 and "aliases" in info.value.message


def test_a_wrong_option_value_is_quoted_short(tmp_path):
    root = tmp_path / "t"
    root.mkdir()
    (root / "deck.yaml").write_text("title: T\nslides: [a.md]\n")
    (root / "a.md").write_text("{layout: [" + ", ".join(["x" * 50] * 500) + "]}\n## A\n")
    with pytest.raises(DeckError) as info:
        load_sources(root / "deck.yaml")
    assert len(info.value.message) < 140, info.value.message


@pytest.mark.parametrize("text, words", [
    ("", "is empty"),
    ("   \n\n\t\n", "is empty"),
    ("---\n\n---\n", "only slide separators"),
])
def test_an_empty_slide_file_is_a_located_error(tmp_path, text, words):
    root = tmp_path / "t"
    root.mkdir()
    (root / "deck.yaml").write_text("title: T\nslides:\n  - a.md\n  - b.md\n")
    (root / "a.md").write_text("## A\n")
    (root / "b.md").write_text(text)
    with pytest.raises(DeckError) as info:
        load_sources(root / "deck.yaml")
    assert info.value.path.name == "b.md" and info.value.line == 1 and words in info.value.message
