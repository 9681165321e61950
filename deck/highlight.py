"""Code blocks highlighted at build time with Pygments, so the page ships no highlighter.

reveal.js's highlight plugin bundles all of highlight.js (about 900 KB to parse on
every load) to colour a few code blocks. Here each block is coloured once, at build
time, into highlight.js's class names (so a theme colours ``hljs-keyword`` and the
rest exactly as it would for reveal.js's plugin) and the markup reveal.js's
stylesheet already knows for line steps: a block with
``data-line-numbers="1-4|5-9"`` becomes a table of numbered lines whose highlighted
rows are marked, one ``<code>`` per step, the steps after the first as fragments that
stack over it. Stepping through them is plain reveal.js fragments; print and the
single file need nothing more.
"""

from __future__ import annotations

import functools
import hashlib
import html
import re
from pathlib import Path

from typing import TYPE_CHECKING, Any

from deck.memo import recall_json, remember_json

if TYPE_CHECKING:
    from pygments.lexer import Lexer

STYLESHEET = "theme/code.css"
# The layout of numbered lines, which reveal.js's plugin used to inject; colours are the theme's.
LINE_RULES = (
    "/* Numbered code lines (deck/highlight.py); token colours come from the theme's .hljs-* rules. */\n"
    ".reveal .hljs-ln { border-collapse: collapse; }\n"
    ".reveal .hljs-ln-n::before { content: attr(data-line-number); }\n"
    ".reveal .hljs-ln-numbers { padding-right: 0.6em; text-align: right; vertical-align: top; white-space: nowrap; }\n"
)
MEMO_FILE = "code-coloured.json"
_VERSION = "hljs-classes-v1"  # part of each remembered block's key: bump when the colouring changes


@functools.cache
def _classes() -> tuple[tuple[Any, str], ...]:
    """Pygments token types to highlight.js classes, most specific first."""
    from pygments.token import Comment, Generic, Keyword, Name, Number, Operator, Punctuation, String

    return (
        (Comment.Preproc, "hljs-meta"), (Comment, "hljs-comment"),
        (Keyword.Type, "hljs-type"), (Keyword.Constant, "hljs-literal"), (Keyword, "hljs-keyword"),
        (Operator.Word, "hljs-keyword"), (Operator, "hljs-operator"), (Punctuation, "hljs-punctuation"),
        (String.Regex, "hljs-regexp"), (String.Symbol, "hljs-symbol"), (String, "hljs-string"), (Number, "hljs-number"),
        (Name.Builtin, "hljs-built_in"), (Name.Function, "hljs-title function_"), (Name.Class, "hljs-title class_"),
        (Name.Exception, "hljs-title class_"), (Name.Decorator, "hljs-meta"), (Name.Attribute, "hljs-attr"),
        (Name.Tag, "hljs-name"), (Name.Variable, "hljs-variable"), (Name.Constant, "hljs-variable constant_"),
        (Generic.Deleted, "hljs-deletion"), (Generic.Inserted, "hljs-addition"), (Generic.Heading, "hljs-section"),
        (Generic.Emph, "hljs-emphasis"), (Generic.Strong, "hljs-strong"),
    )


class CodeColours:
    """Each code block's coloured lines, remembered in the cache by its language and source.

    Building a Pygments lexer compiles a hundred regular expressions (about 0.1 s for
    Python), so a warm build takes every block it has seen from here and never imports
    Pygments at all."""

    def __init__(self, cache_dir: Path | None = None):
        self.path = cache_dir / MEMO_FILE if cache_dir is not None else None
        self.memo: dict[str, list[str]] = {}
        self.changed = False
        if self.path is not None:
            loaded = recall_json(self.path)
            if isinstance(loaded, dict):  # anything malformed is simply coloured again
                self.memo = {k: v for k, v in loaded.items() if isinstance(v, list) and all(isinstance(line, str) for line in v)}

    def lines(self, language: str | None, code: str) -> list[str]:
        key = hashlib.sha256(f"{_VERSION}\0{language or ''}\0{code}".encode()).hexdigest()
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = _coloured_lines(language, code)
            self.changed = True
        return found

    def save(self) -> None:
        if self.path is None or not self.changed:
            return
        remember_json(self.path, self.memo)
        self.changed = False


_BLOCK = re.compile(r'<pre><code(?: class="language-([\w+#.-]+)")?((?: [\w-]+="[^"]*")*)>(.*?)</code></pre>', re.S)
_LINE_NUMBERS = re.compile(r' data-line-numbers="([^"]*)"')
_STEP = re.compile(r"^\s*(\d+)(?:\s*-\s*(\d+))?\s*$")


class StepError(ValueError):
    """A ``data-line-numbers`` value that names no lines."""


def highlight_blocks(text: str, colours: CodeColours | None = None) -> str:
    """Every ``<pre><code>`` block in ``text`` coloured."""
    colours = colours or CodeColours()
    return _BLOCK.sub(lambda m: _block(m.group(1), m.group(2), html.unescape(m.group(3)), colours), text)


def stylesheet() -> str:
    """What a page with code blocks needs beside its theme."""
    return LINE_RULES


def parse_steps(value: str) -> list[set[int]]:
    """``"1-4|6,8"`` as the line sets of each step; an empty value means numbers without highlights."""
    steps: list[set[int]] = []
    for step in value.split("|"):
        lines: set[int] = set()
        for part in filter(None, (p.strip() for p in step.split(","))):
            match = _STEP.match(part)
            if match is None:
                raise StepError(f"data-line-numbers: '{part}' is not a line or a range such as 3-7")
            first = int(match.group(1))
            last = int(match.group(2) or first)
            if last < first or first < 1:
                raise StepError(f"data-line-numbers: '{part}' is not a range of lines from 1")
            lines.update(range(first, last + 1))
        steps.append(lines)
    return steps


def _block(language: str | None, attributes: str, code: str, colours: CodeColours) -> str:
    lines = colours.lines(language, code)
    classes = "hljs" + (f" language-{language}" if language else "")
    numbers = _LINE_NUMBERS.search(attributes)
    if numbers is None:
        return f'<pre class="code-wrapper"><code class="{classes}"{attributes}>' + "\n".join(lines) + "</code></pre>"
    steps = parse_steps(numbers.group(1))
    beyond = max((line for step in steps for line in step), default=0)
    if beyond > len(lines):
        raise StepError(f"data-line-numbers: line {beyond} is past the block's last line ({len(lines)})")
    rest = _LINE_NUMBERS.sub("", attributes)
    blocks = []
    for index, step in enumerate(steps):
        marked = " has-highlights" if step else ""
        fragment = " fragment" if index else ""
        spec = numbers.group(1) if index == 0 else "|".join(numbers.group(1).split("|")[index:index + 1])
        rows = "".join(_row(number, line, number in step) for number, line in enumerate(lines, start=1))
        blocks.append(f'<code class="{classes}{marked}{fragment}" data-line-numbers="{html.escape(spec)}"{rest}><table class="hljs-ln">{rows}</table></code>')
    return '<pre class="code-wrapper">' + "".join(blocks) + "</pre>"


def _row(number: int, line: str, highlighted: bool) -> str:
    mark = ' class="highlight-line"' if highlighted else ""
    return (
        f'<tr{mark}><td class="hljs-ln-line hljs-ln-numbers" data-line-number="{number}">'
        f'<div class="hljs-ln-n" data-line-number="{number}"></div></td>'
        f'<td class="hljs-ln-line hljs-ln-code" data-line-number="{number}">{line or " "}</td></tr>'
    )


def _coloured_lines(language: str | None, code: str) -> list[str]:
    """The block's lines as HTML; a token running over a line end is closed and reopened."""
    lines: list[str] = [""]
    for kind, text in _lexer(language).get_tokens(code):
        css = _class_of(kind)
        for index, piece in enumerate(text.split("\n")):
            if index:
                lines.append("")
            if piece:
                escaped = html.escape(piece, quote=False)
                lines[-1] += f'<span class="{css}">{escaped}</span>' if css else escaped
    if lines and lines[-1] == "":
        lines.pop()
    return lines


@functools.cache
def _class_of(kind: Any) -> str:
    for token, css in _classes():
        if kind in token:
            return css
    return ""


@functools.cache
def _lexer(language: str | None) -> "Lexer":
    from pygments.lexers import get_lexer_by_name
    from pygments.lexers.special import TextLexer
    from pygments.util import ClassNotFound

    if not language:
        return TextLexer(stripnl=False)
    try:
        return get_lexer_by_name(language, stripnl=False, ensurenl=True)
    except ClassNotFound:
        return TextLexer(stripnl=False)  # an unknown language is shown as plain text, never refused
