"""Markdown to HTML for one slide, with math, fragments and placed blocks kept intact.

Python-Markdown would mangle LaTeX (underscores become emphasis, backslashes
vanish), so math is lifted out before conversion and left as a numbered mark
that the build replaces with KaTeX's HTML (``math_marks``). Figures and demos
arrive as finished HTML and travel through Markdown the same way, as opaque tokens.
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass, field

import markdown

_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_MATH = re.compile(r"(?<!\\)\$\$(.+?)(?<!\\)\$\$|(?<![\\$])\$(?!\s)([^$\n]+?)(?<![\s\\])\$(?!\d)", re.S)
_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.S)
_FRAGMENT_ITEM = re.compile(r"^(\s*)\+ ", re.M)
_FRAGMENT_HTML = re.compile(r"<li>(\s*<p>)?FRAGMENTMARK\s*")
_TOKEN = re.compile(r"(?:<p>)?ZZSTASH(\d+)ZZ(?:</p>)?")
# Private-use characters around a formula's number: nothing a speaker types, nothing Markdown touches.
_MATH_MARK = re.compile("\ue000(\\d+)\ue001")


@dataclass
class Stash:
    """HTML that must pass through Markdown untouched, swapped for plain tokens."""

    blocks: list[str] = field(default_factory=list)

    def put(self, fragment: str) -> str:
        self.blocks.append(fragment)
        return f"ZZSTASH{len(self.blocks) - 1}ZZ"

    def restore(self, text: str) -> str:
        # Stashed blocks may hold tokens of their own (math inside a caption).
        for _ in range(3):
            if "ZZSTASH" not in text:
                break
            text = _TOKEN.sub(lambda m: self.blocks[int(m.group(1))], text)
        return text


@dataclass
class Formula:
    """One piece of LaTeX found in a slide, typeset at build time."""

    source: str
    display: bool
    line: int  # in the slide's file, counted from the ``first_line`` given to ``to_html``
    in_notes: bool = False


def to_html(source: str, stash: Stash, formulas: list[Formula] | None = None, first_line: int = 0, in_notes: bool = False) -> str:
    """Convert one slide's Markdown (already Jinja-rendered) to HTML.

    With a ``formulas`` list, each formula found is appended to it and left in the
    HTML as a mark for ``fill_math``; without one, formulas stay as their source."""
    text = _protect(source, stash, formulas, first_line, in_notes)
    text = _FRAGMENT_ITEM.sub(lambda m: f"{m.group(1)}- FRAGMENTMARK ", text)
    converter = _converter()
    converted = converter.reset().convert(text)
    converted = _FRAGMENT_HTML.sub(lambda m: f'<li class="fragment">{m.group(1) or ""}', converted)
    return stash.restore(converted)


@functools.cache
def _converter() -> markdown.Markdown:
    """One Markdown instance, reset between slides: building one costs more than converting.

    Extensions are passed as objects: by name, Markdown looks them up among every installed
    package's entry points, which costs more than the whole rest of a warm build."""
    from markdown.extensions.attr_list import AttrListExtension
    from markdown.extensions.fenced_code import FencedCodeExtension
    from markdown.extensions.sane_lists import SaneListExtension
    from markdown.extensions.tables import TableExtension

    extensions = [FencedCodeExtension(), TableExtension(), AttrListExtension(), SaneListExtension()]
    return markdown.Markdown(extensions=extensions, output_format="html")


def next_fence(fence: str | None, line: str) -> str | None:
    """The code fence open after ``line`` (None outside code), given the one open before it.

    Every reader of slide text (the splitter, the notes finder, the math guard)
    must agree on where code starts and ends, so they all step through this.
    """
    if fence is None:
        opening = _FENCE.match(line)
        return opening.group(1) if opening else None
    closing = line.strip()
    if closing.startswith(fence[0] * len(fence)) and not closing.strip(fence[0]):
        return None
    return fence


def fill_math(html_text: str, typeset: list[str]) -> str:
    """Put each formula's typeset HTML where ``to_html`` left its mark."""
    return _MATH_MARK.sub(lambda m: typeset[int(m.group(1))] if int(m.group(1)) < len(typeset) else "", html_text)


def _protect(source: str, stash: Stash, formulas: list[Formula] | None, first_line: int, in_notes: bool) -> str:
    """Stash math outside code blocks and code spans; leave everything else alone."""
    segments: list[tuple[bool, int, list[str]]] = []  # (is code, first line, lines)
    fence: str | None = None
    for number, line in enumerate(source.split("\n")):
        before, fence = fence, next_fence(fence, line)
        in_code = before is not None or fence is not None
        if not segments or segments[-1][0] != in_code or (before is None and fence is not None):
            segments.append((in_code, number, []))
        segments[-1][2].append(line)
    return "\n".join(
        "\n".join(lines) if is_code else _protect_prose("\n".join(lines), stash, formulas, first_line + first, in_notes)
        for is_code, first, lines in segments
    )


def _protect_prose(text: str, stash: Stash, formulas: list[Formula] | None, offset: int, in_notes: bool) -> str:
    spans = [m.span() for m in _CODE_SPAN.finditer(text)]

    def replace(match: re.Match[str]) -> str:
        if any(start <= match.start() < end for start, end in spans):
            return match.group(0)
        display = match.group(1) is not None
        latex = match.group(1) if display else match.group(2)
        if formulas is None:
            return stash.put(html.escape(match.group(0), quote=False))
        formulas.append(Formula(latex, display, offset + text.count("\n", 0, match.start()), in_notes))
        return stash.put(f"\ue000{len(formulas) - 1}\ue001")

    return _MATH.sub(replace, text)


def plain_words(source: str) -> list[str]:
    """The words a reader sees on a slide: markup, math and code blocks left out."""
    text = re.sub(r"```.*?```|~~~.*?~~~", " ", source, flags=re.S)
    text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", " ", text, flags=re.S)
    text = _MATH.sub(" ", text)
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)|<[^>]+>", " ", text)
    return re.findall(r"[A-Za-z0-9][A-Za-z0-9'’-]*", text)
