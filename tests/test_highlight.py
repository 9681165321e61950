"""Code blocks are coloured at build time: the page ships no highlighter, and line steps are fragments."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from deck.errors import DeckError
from deck.highlight import StepError, highlight_blocks, parse_steps
from deck.markup import Stash, to_html
from deck.pipeline import build


def coloured(markdown: str) -> str:
    return highlight_blocks(to_html(textwrap.dedent(markdown), Stash()))


def test_tokens_get_highlight_js_classes_and_text_stays_escaped():
    html = coloured('''
        ```python
        def f(x):  # <b>not bold</b>
            return "a&b" + 1
        ```
        ''')
    assert '<span class="hljs-keyword">def</span>' in html and '<span class="hljs-title function_">f</span>' in html
    assert '<span class="hljs-comment"># &lt;b&gt;not bold&lt;/b&gt;</span>' in html
    assert "a&amp;b" in html and '<span class="hljs-number">1</span>' in html
    assert html.startswith('<pre class="code-wrapper"><code class="hljs language-python">')


def test_a_token_over_several_lines_is_closed_on_each():
    html = coloured('''
        ```python
        s = """one
        two"""
        ```
        ''')
    body = re.search(r"<code[^>]*>(.*)</code>", html, re.S).group(1)
    for line in body.split("\n"):
        assert line.count("<span") == line.count("</span>"), line


def test_line_steps_become_one_block_each_the_later_ones_fragments():
    html = coloured('''
        ```{ .python data-line-numbers="1-2|3" }
        a = 1
        b = 2
        c = 3
        ```
        ''')
    blocks = re.findall(r"<code ([^>]*)>(.*?)</code>", html, re.S)
    assert len(blocks) == 2
    (first, first_rows), (second, second_rows) = blocks
    assert "fragment" not in first and 'data-line-numbers="1-2|3"' in first and "has-highlights" in first
    assert "fragment" in second and 'data-line-numbers="3"' in second
    marked = lambda rows: [int(n) for n in re.findall(r'<tr class="highlight-line"><td[^>]*data-line-number="(\d+)"', rows)]  # noqa: E731
    assert marked(first_rows) == [1, 2] and marked(second_rows) == [3]


def test_unknown_languages_are_plain_text():
    assert "<span" not in coloured("```klingon\nqapla' <x>\n```\n").split("<code", 1)[1]


@pytest.mark.parametrize("value", ["1-x", "3-1", "0"])
def test_bad_steps_are_refused(value):
    with pytest.raises(StepError):
        parse_steps(value)


def write_talk(root: Path, slides: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "deck.yaml").write_text("title: Code\nslides:\n  - talk.md\n")
    (root / "talk.md").write_text(textwrap.dedent(slides).lstrip())
    return root / "deck.yaml"


def test_a_step_past_the_last_line_fails_the_build_at_its_fence(tmp_path):
    deck_yaml = write_talk(tmp_path / "t", '## Code\n\nText\n\n```{ .python data-line-numbers="1|5" }\nx = 1\n```\n')
    with pytest.raises(DeckError) as info:
        build(deck_yaml, progress=False)
    assert info.value.line == 5 and "past the block's last line" in info.value.message


@pytest.mark.browser
def test_the_page_loads_no_highlighter_and_steps_through_lines(tmp_path, open_deck):
    deck_yaml = write_talk(tmp_path / "t", '## Code\n\n```{ .python data-line-numbers="1|2" }\nx = 1\ny = 2\n```\n')
    build(deck_yaml, progress=False)
    index = deck_yaml.parent / "output" / "index.html"
    page_html = index.read_text(encoding="utf-8")
    assert "highlight.js" not in page_html and "monokai" not in page_html and "RevealHighlight" not in page_html
    assert not (deck_yaml.parent / "output" / "vendor" / "reveal.js" / "plugin" / "highlight").exists()
    page, log = open_deck(index)
    visible = "() => [...document.querySelectorAll('pre code')].filter(c => getComputedStyle(c).opacity === '1' && c.offsetParent).length"
    assert page.evaluate("() => Reveal.availableFragments().next") is True
    first = page.evaluate("() => document.querySelector('pre code tr.highlight-line td.hljs-ln-code').textContent")
    page.evaluate("() => Reveal.next()")
    page.wait_for_function("() => document.querySelector('pre code.fragment').classList.contains('visible')")
    second = page.evaluate("() => document.querySelector('pre code.fragment.visible tr.highlight-line td.hljs-ln-code').textContent")
    assert (first, second) == ("x = 1", "y = 2")
    assert page.evaluate(visible) >= 1
    assert log.console_errors == []
