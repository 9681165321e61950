"""The slide parser: separators, options, notes, fragments, math and facts."""

from __future__ import annotations

from pathlib import Path

import pytest

from deck.errors import DeckError
from deck.markup import Stash, to_html
from deck.sources import parse_files, split_file


def write(tmp_path: Path, text: str, name: str = "s.md") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_horizontal_and_vertical_separators(tmp_path: Path) -> None:
    path = write(tmp_path, "# One\n---\n# Two\n--\n# Two below\n---\n# Three\n")
    slides = parse_files([path])
    assert [(s.h, s.v) for s in slides] == [(0, 0), (1, 0), (1, 1), (2, 0)]
    assert [s.line for s in slides] == [1, 3, 5, 7]


def test_slides_continue_across_files(tmp_path: Path) -> None:
    first = write(tmp_path, "# A\n---\n# B\n", "a.md")
    second = write(tmp_path, "---\n# C\n", "b.md")
    slides = parse_files([first, second])
    assert [(s.file.name, s.h) for s in slides] == [("a.md", 0), ("a.md", 1), ("b.md", 2)]


def test_separator_inside_code_fence_is_text(tmp_path: Path) -> None:
    path = write(tmp_path, "# Code\n```yaml\n---\nkey: value\n```\n---\n# Next\n")
    slides = parse_files([path])
    assert len(slides) == 2
    assert "---" in slides[0].body


def test_unclosed_fence_is_located(tmp_path: Path) -> None:
    path = write(tmp_path, "# Code\n\n```python\nx = 1\n")
    with pytest.raises(DeckError) as error:
        split_file(path, path.read_text())
    assert error.value.line == 3
    assert "never closed" in error.value.message


def test_options_line_and_notes(tmp_path: Path) -> None:
    path = write(tmp_path, "{layout: figure, id: costs, transition: fade}\n## Cost\n\nBody text\n\nNote:\nSay this.\nAnd this.\n")
    (slide,) = parse_files([path])
    assert slide.options == {"layout": "figure", "id": "costs", "transition": "fade"}
    assert slide.body == "## Cost\n\nBody text"
    assert slide.body_line == 2
    assert slide.notes == "Say this.\nAnd this."
    assert slide.notes_line == 7


@pytest.mark.parametrize(
    "options, message",
    [
        ("{layot: figure}", "unknown slide option 'layot'"),
        ("{transition: wobble}", "unknown transition 'wobble'"),
        ("{id: 3d}", "must start with a letter"),
        ("{layout: [a, b}", "not valid YAML"),
    ],
)
def test_bad_options_are_errors(tmp_path: Path, options: str, message: str) -> None:
    path = write(tmp_path, f"# Title\n---\n{options}\n# Body\n")
    with pytest.raises(DeckError) as error:
        parse_files([path])
    assert message in error.value.message
    assert error.value.line == 3


def test_did_you_mean_for_options(tmp_path: Path) -> None:
    path = write(tmp_path, "{layot: figure}\n# x\n")
    with pytest.raises(DeckError) as error:
        parse_files([path])
    assert "did you mean 'layout'" in error.value.one_line()


def test_fragments_marked_with_plus() -> None:
    html = to_html("- always\n+ first click\n+ second click\n", Stash())
    assert html.count('<li class="fragment">') == 2
    assert "<li>always</li>" in html


def test_math_survives_markdown() -> None:
    source = "Inline $a_j^{(L)} * b_k$ and\n\n$$\n\\frac{\\partial C_0}{\\partial w^{(L)}} = a^{(L-1)}\\,\\sigma'(z^{(L)})\n$$\n"
    html = to_html(source, Stash())
    assert "$a_j^{(L)} * b_k$" in html
    assert "\\frac{\\partial C_0}{\\partial w^{(L)}} = a^{(L-1)}\\,\\sigma'(z^{(L)})" in html
    assert "<em>" not in html


def test_math_inside_code_is_left_alone() -> None:
    html = to_html("Use `$x$` literally\n\n```\nprice = \"$5\"\n```\n", Stash())
    assert "<code>$x$</code>" in html
    assert "price = &quot;$5&quot;" in html


def test_code_blocks_carry_their_language() -> None:
    html = to_html("```python\nprint(1)\n```\n", Stash())
    assert '<code class="language-python">' in html
