"""A warm build redoes nothing it has done before, and a damaged memo is only redone."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import deck.highlight
import deck.katex
from deck.pipeline import build
from deck.render import SlideSandbox

SLIDES = """
## Warm

{{ deck.title }} has $x^2$ and code:

```python
print("hello")
```
"""


def write_talk(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "deck.yaml").write_text("title: Warm\nslides:\n  - talk.md\n")
    (root / "talk.md").write_text(textwrap.dedent(SLIDES).lstrip())
    return root / "deck.yaml"


def test_a_warm_build_compiles_no_template_builds_no_lexer_and_starts_no_node(tmp_path, monkeypatch):
    deck_yaml = write_talk(tmp_path / "t")
    first = (build(deck_yaml, progress=False, check_legibility="off"), (deck_yaml.parent / "output" / "index.html").read_text())
    monkeypatch.setattr(SlideSandbox, "compile", lambda *a, **k: pytest.fail("a slide template was compiled again"))
    monkeypatch.setattr(deck.highlight, "_coloured_lines", lambda *a: pytest.fail("a code block was coloured again"))
    monkeypatch.setattr(deck.katex, "katex_batch", lambda *a: pytest.fail("node started again"))
    build(deck_yaml, progress=False, check_legibility="off")
    assert (deck_yaml.parent / "output" / "index.html").read_text() == first[1]


def test_damaged_memos_are_redone_not_trusted(tmp_path):
    deck_yaml = write_talk(tmp_path / "t")
    build(deck_yaml, progress=False, check_legibility="off")
    page = (deck_yaml.parent / "output" / "index.html").read_text()
    cache = deck_yaml.parent / ".cache" if (deck_yaml.parent / ".cache").is_dir() else next(deck_yaml.parent.rglob("slide-templates")).parent
    for code in (cache / "slide-templates").glob("*.code"):
        code.write_bytes(b"\x00not marshal")
    (cache / deck.highlight.MEMO_FILE).write_text('{"x": [1, 2]}')
    build(deck_yaml, progress=False, check_legibility="off")
    assert (deck_yaml.parent / "output" / "index.html").read_text() == page
    # One byte flipped in the middle of every memo (compiled code, KaTeX's HTML, coloured code):
    # still valid marshal or JSON, perhaps, but never trusted, so the page comes out the same.
    for path in [p for p in cache.rglob("*") if p.is_file() and p.stat().st_size]:
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0x01
        path.write_bytes(bytes(data))
    build(deck_yaml, progress=False, check_legibility="off")
    assert (deck_yaml.parent / "output" / "index.html").read_text() == page
