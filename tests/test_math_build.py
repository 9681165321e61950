"""Math is typeset at build time: the page carries KaTeX's HTML and loads no math code."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

import deck.katex
from deck.errors import DeckError
from deck.pipeline import build


def write_talk(root: Path, slides: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "deck.yaml").write_text("title: Math\nslides:\n  - talk.md\n")
    (root / "talk.md").write_text(textwrap.dedent(slides).lstrip())
    return root / "deck.yaml"


def page_of(deck_yaml: Path) -> str:
    return (deck_yaml.parent / "output" / "index.html").read_text(encoding="utf-8")


def test_formulas_arrive_typeset_and_the_page_loads_no_math_script(tmp_path):
    deck_yaml = write_talk(tmp_path / "t", r"""
        ## Cost

        The cost $C = \frac{1}{n}\sum_x C_x$ and

        $$\delta^{(l)} = \left(W^{(l+1)}\right)^{\mathsf T} \delta^{(l+1)} \odot f'(z^{(l)})$$

        Note:
        Say $\eta$ slowly.
        """)
    build(deck_yaml, progress=False)
    html = page_of(deck_yaml)
    slides = html[html.index('<div class="slides">'):]
    assert slides.count('class="katex"') >= 2 and 'class="katex-display"' in slides
    assert "$" not in re.sub(r"<aside.*?</aside>", "", slides, flags=re.S).split("<script")[0]
    assert "\ue000" not in html and "ZZSTASH" not in html
    assert "math.js" not in html and "katex.min.js" not in html and "auto-render" not in html
    assert 'href="vendor/katex/dist/katex.min.css"' in html
    notes = re.search(r'<aside class="notes">(.*?)</aside>', html, re.S).group(1)
    assert "<math" in notes and 'class="katex-html"' not in notes  # MathML: the speaker view needs no stylesheet
    out = deck_yaml.parent / "output"
    assert (out / "vendor/katex/dist/katex.min.css").is_file() and any((out / "vendor/katex/dist/fonts").glob("*.woff2"))
    assert not (out / "vendor/reveal.js/plugin/math").exists()


def test_a_talk_without_math_ships_no_katex(tmp_path):
    deck_yaml = write_talk(tmp_path / "t", "## Plain\n\nA price of 5 dollars, no formulas.\n")
    build(deck_yaml, progress=False)
    assert "katex" not in page_of(deck_yaml)
    assert not (deck_yaml.parent / "output" / "vendor" / "katex").exists()


@pytest.mark.parametrize("slides, line", [
    ("## A\n\nfine $x$\n\n|||\n\nsecond column $\\frac{1$\n", 7),
    ("## A\n\nfine $x$\n\nNote:\nfirst\n\nbroken $\\sqrt{$ in notes\n", 8),
])
def test_a_broken_formula_is_located_in_columns_and_notes(tmp_path, slides, line):
    if "|||" in slides:
        slides = "{layout: two-columns}\n\n" + slides
        line += 2
    deck_yaml = write_talk(tmp_path / "t", slides)
    with pytest.raises(DeckError) as info:
        build(deck_yaml, progress=False)
    assert info.value.line == line and info.value.message.startswith("math: ")


def test_a_forged_memo_entry_is_typeset_again(tmp_path):
    deck_yaml = write_talk(tmp_path / "t", "## A\n\n$x^2$\n")
    build(deck_yaml, progress=False)
    memo = deck_yaml.parent / ".cache" / deck.katex.MEMO_FILE
    if not memo.is_file():
        memo = next(deck_yaml.parent.rglob(deck.katex.MEMO_FILE))
    memo.write_text('{"' + "0" * 64 + '": {"html": 5}, "x": [1]}')
    build(deck_yaml, progress=False)
    assert 'class="katex"' in page_of(deck_yaml)
