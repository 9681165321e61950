"""Slide sources to slide HTML: Jinja against the facts, then Markdown, then the page's rules.

Slide text is a Jinja template so that numbers are never typed by hand:
``{{ net.test_accuracy_percent }}`` is filled in from the computation that
produced it for this very build. The template runs in a sandbox: it can read
facts and call ``figure()`` and ``demo()``, nothing else, within bounds of size
and time. Unknown names are errors, located in the slide.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import re
import signal
import sys
import threading
import traceback
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

import jinja2
import jinja2.sandbox
from markupsafe import Markup, escape

from deck.compute import Figure
from deck.config import DeckConfig
from deck.errors import DeckError
from deck.hints import did_you_mean
from deck.highlight import CodeColours, StepError, highlight_blocks
from deck.markup import Formula, Stash, to_html
from deck.memo import recall_checked, remember_checked
from deck.paths import URL_SCHEME, hidden, inside
from deck.policy import check_html, remote_host
from deck.present.join import join_html
from deck.sources import Slide
from deck.talk import Demo

# Linear time on any input: alt, src and title may not contain the brackets that start another image.
IMAGE_REFERENCE = re.compile(r"!\[(?P<alt>[^\[\]\n]*)\]\((?P<src>[^()\[\]\s]+)(?:\s+\"(?P<title>[^\"\n]*)\")?\)")
RAW_SCRIPT = re.compile(r"<\s*script\b", re.I)
_COLUMN_BREAK = re.compile(r"^\|\|\|\s*$", re.M)
_COLOUR = re.compile(r"^(#[0-9A-Fa-f]{3,8}|[a-z]+|(rgb|rgba|hsl|hsla)\([^)]*\))$")
MAX_SLIDE_OUTPUT = 2_000_000  # characters one slide's template may produce
MAX_TEMPLATE_SECONDS = 5.0
MAX_POWER = 10_000  # the largest result magnitude's digits a template may compute with **
# Markdown's link parser is quadratic in the number of brackets; no real slide comes near this.
MAX_BRACKETS = 1_000


# What compiled slide code depends on besides its text: a change to the sandbox recompiles.
_SANDBOX_VERSION = hashlib.sha256(f"{jinja2.__version__}\0{sys.version}\0".encode() + Path(__file__).read_bytes()).hexdigest()


@dataclass
class RenderedSlide:
    """A slide ready for its layout template."""

    source: Slide
    content: Markup
    columns: list[Markup]
    notes: Markup
    attributes: dict[str, str]
    classes: list[str]
    formulas: list[Formula] = field(default_factory=list)  # typeset by the build into the marks left in content, columns and notes
    figures: list[str] = field(default_factory=list)
    demos: list[str] = field(default_factory=list)
    has_code: bool = False  # coloured code blocks: the page needs the code stylesheet


@dataclass
class MediaFile:
    """A speaker's own image, copied into the deck under ``media/``."""

    source: Path
    target: str


class Facts(Mapping[str, Any]):
    """One computation's facts as slides see them (``net.*``), named for error messages."""

    def __init__(self, namespace: str, values: Mapping[str, Any]):
        self.namespace = namespace
        self._values = dict(values)

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


class _Undefined(jinja2.StrictUndefined):
    """Say "unknown fact 'net.x'" instead of Jinja's "'dict object' has no attribute 'x'"."""

    @property
    def _undefined_message(self) -> str:  # type: ignore[override]
        owner = self._undefined_obj
        if isinstance(owner, Facts):
            return f"unknown fact '{owner.namespace}.{self._undefined_name}'"
        if owner is jinja2.utils.missing:
            return f"unknown name '{self._undefined_name}'"
        return f"'{self._undefined_name}' is not defined here"


class SlideSandbox(jinja2.sandbox.ImmutableSandboxedEnvironment):
    """Jinja for slide text: no attribute access to internals, no mutation, bounded arithmetic."""

    intercepted_binops = frozenset(["**", "*"])

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            if isinstance(left, (int, float)) and isinstance(right, (int, float)) and abs(right) > 1 and abs(left) > 1:
                import math

                if abs(right) * math.log10(abs(left)) > MAX_POWER:
                    raise OverflowError("number too large for a slide")
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(count, int) and len(seq) * count > MAX_SLIDE_OUTPUT:
                    raise MemoryError("repetition too large for a slide")
        return super().call_binop(context, operator, left, right)


class SlideRenderer:
    """Renders slides against one build's facts, figures, demos and media."""

    def __init__(
        self,
        config: DeckConfig,
        facts: Mapping[str, Mapping[str, Any]],
        figures: Mapping[str, Figure],
        demos: Mapping[str, Demo] | None = None,
        stills: Mapping[str, Figure] | None = None,
        known_figures: Callable[[], list[str]] | None = None,
        code_colours: CodeColours | None = None,
        template_cache: Path | None = None,
    ):
        self.config = config
        self.template_cache = template_cache
        self.code_colours = code_colours or CodeColours()
        self.facts = {namespace: Facts(namespace, values) for namespace, values in facts.items()}
        self.figures = dict(figures)
        self.demos = dict(demos or {})
        self.stills = dict(stills or {})
        self._known_figures = known_figures or (lambda: sorted(self.figures))
        self.layouts = set(config.talk.layouts())
        self.media: dict[Path, MediaFile] = {}
        self.env = SlideSandbox(undefined=_Undefined, autoescape=True, keep_trailing_newline=False)

    def render(self, slide: Slide) -> RenderedSlide:
        if slide.layout not in self.layouts:
            raise DeckError(slide.file, slide.line, f"unknown layout '{slide.layout}'", did_you_mean(slide.layout, self.layouts, "layouts"))
        used_figures: list[str] = []
        used_demos: list[str] = []
        stash = Stash()
        helpers = self._helpers(slide, stash, used_figures, used_demos)
        body = self._jinja(slide.body, slide.file, slide.body_line, helpers)
        notes = self._jinja(slide.notes, slide.file, slide.notes_line, helpers) if slide.notes else ""
        formulas: list[Formula] = []
        for text, first in ((body, slide.body_line), (notes, slide.notes_line)):
            if text.count("[") > MAX_BRACKETS:
                raise DeckError(slide.file, first, f"{text.count('[')} '[' brackets on one slide (at most {MAX_BRACKETS})", "split the slide, or put the text in a code block")
        body = self._images(body, slide, slide.body_line, stash, used_figures)
        parts = _COLUMN_BREAK.split(body) if slide.layout == "two-columns" else [body]
        if slide.layout == "two-columns" and len(parts) != 2:
            raise DeckError(slide.file, slide.line, f"a two-columns slide needs exactly one '|||' line, found {len(parts) - 1}")
        starts = _part_lines(body, parts, slide.body_line)
        heading = ""
        heading_line = starts[0]
        if len(parts) == 2:
            heading, parts[0] = _leading_heading(parts[0])
            starts[0] += heading.count("\n") + 1 if heading else 0
        columns = [Markup(self._coloured(to_html(part, stash, formulas, first), slide)) for part, first in zip(parts, starts)]
        heading_html = Markup(to_html(heading, stash, formulas, heading_line)) if heading else Markup("")
        notes_html = Markup("")
        if notes:
            notes_stash = Stash()
            notes_text = self._images(notes, slide, slide.notes_line, notes_stash, [], in_notes=True)
            notes_html = Markup(to_html(notes_text, notes_stash, formulas, slide.notes_line, in_notes=True))
        self._enforce_policy(slide, body, slide.body_line, [heading_html, *columns])
        self._enforce_policy(slide, notes, slide.notes_line, [notes_html])
        attributes, classes = self._section_attributes(slide)
        return RenderedSlide(
            source=slide,
            content=columns[0] if len(columns) == 1 else heading_html,
            columns=columns if len(columns) > 1 else [],
            notes=notes_html,
            attributes=attributes,
            classes=classes,
            formulas=formulas,
            has_code='<pre class="code-wrapper">' in "".join(columns),
            figures=used_figures,
            demos=used_demos,
        )

    def _coloured(self, text: str, slide: Slide) -> str:
        """Code blocks coloured at build time; a bad ``data-line-numbers`` is located at its fence."""
        if "<pre><code" not in text:
            return text
        try:
            return highlight_blocks(text, self.code_colours)
        except StepError as exc:
            index = slide.body.find("data-line-numbers")
            line = slide.body_line + slide.body[:index].count("\n") if index >= 0 else slide.body_line
            raise DeckError(slide.file, line, str(exc)) from None

    # Jinja ---------------------------------------------------------------

    def _helpers(self, slide: Slide, stash: Stash, used_figures: list[str], used_demos: list[str]) -> dict[str, Any]:
        def figure(name: str, alt: str | None = None, caption: str | None = None) -> Markup:
            used_figures.append(name)
            return Markup(stash.put(self.figure_html(str(name), alt, caption, slide, _line_naming(slide, str(name)))))

        def demo(name: str, **options: Any) -> Markup:
            used_demos.append(name)
            return Markup(stash.put(self.demo_html(str(name), options, slide, _line_naming(slide, str(name)))))

        def join(caption: str | None = None) -> Markup:
            return Markup(stash.put(join_html(None if caption is None else str(caption))))

        return {**self.facts, "deck": self.config.metadata(), "figure": figure, "demo": demo, "join": join}

    def _template(self, text: str) -> jinja2.Template:
        """A slide's template, its compiled code kept in the cache by its text.

        Compiling is most of what Jinja costs here (about 4 ms a slide), and a warm build
        renders the same texts again; the code is kept the way Jinja's own bytecode cache
        keeps the page templates (marshal), keyed by the text, Jinja's and Python's versions
        and this module's source, which sets the sandbox the code is compiled for."""
        if self.template_cache is None:
            return self.env.from_string(text)
        key = hashlib.sha256(f"{_SANDBOX_VERSION}\0{text}".encode()).hexdigest()
        path = self.template_cache / f"{key}.code"
        stored = recall_checked(path)  # whole, or None: a damaged byte must not become running code
        try:
            code = marshal.loads(stored) if stored is not None else None
        except (ValueError, EOFError, TypeError):
            code = None
        if not isinstance(code, types.CodeType):
            code = self.env.compile(text)
            remember_checked(path, marshal.dumps(code))
        return self.env.template_class.from_code(self.env, code, self.env.make_globals(None), None)

    def _jinja(self, text: str, path: Path, first_line: int, context: dict[str, Any]) -> str:
        if "{{" not in text and "{%" not in text and "{#" not in text:
            return text  # nothing to fill in: skip compiling a template
        try:
            template = self._template(text)
        except jinja2.TemplateSyntaxError as exc:
            raise DeckError(path, first_line + (exc.lineno or 1) - 1, f"template error: {exc.message}") from None
        try:
            with _time_limit(MAX_TEMPLATE_SECONDS):
                pieces: list[str] = []
                size = 0
                for piece in template.generate(context):
                    size += len(piece)
                    if size > MAX_SLIDE_OUTPUT:
                        raise MemoryError(f"the slide's text grew past {MAX_SLIDE_OUTPUT // 1_000_000} million characters")
                    pieces.append(piece)
                return "".join(pieces)
        except DeckError:
            raise
        except jinja2.UndefinedError as exc:
            line = first_line + _template_line(exc) - 1
            raise DeckError(path, line, exc.message or "undefined name", self._name_hint(exc.message or "")) from None
        except jinja2.sandbox.SecurityError as exc:
            raise DeckError(path, first_line + _template_line(exc) - 1, f"not allowed in slide text: {exc}", "slides read facts; computation belongs in a computation or a figure script") from None
        except RecursionError as exc:
            raise DeckError(path, first_line + _template_line(exc) - 1, "template recursion too deep (a macro calling itself?)") from None
        except _TemplateTimeout as exc:
            raise DeckError(path, first_line + _template_line(exc) - 1, f"template took longer than {MAX_TEMPLATE_SECONDS:g} s") from None
        except Exception as exc:  # arithmetic, type and lookup errors inside an expression
            detail = str(exc) or type(exc).__name__
            raise DeckError(path, first_line + _template_line(exc) - 1, f"template error: {type(exc).__name__}: {detail}") from None

    def _name_hint(self, message: str) -> str | None:
        match = re.search(r"unknown fact '(\w+)\.([^']+)'", message)
        if match:
            known = self.facts.get(match.group(1)) or {}
            return did_you_mean(match.group(2), list(known), "known facts")
        match = re.search(r"unknown name '([^']+)'", message)
        if match:
            name = match.group(1)
            if name == "net":
                return "the facts 'net.*' come from the netcore computation: add 'computations: [netcore]' to deck.yaml"
            names = [*self.facts, "deck", "figure", "demo", "join"]
            return did_you_mean(name, names, "slides can use")
        return None

    # Figures, demos, images -------------------------------------------------

    def figure_html(self, name: str, alt: str | None, caption: str | None, slide: Slide, line: int, lazy: bool = True) -> str:
        ref = self.figures.get(name)
        if ref is None:
            raise DeckError(slide.file, line, f"unknown figure '{name}'", did_you_mean(name, self._known_figures(), "known figures"))
        alt_text = alt if alt is not None else ref.alt
        if not alt_text or not alt_text.strip():
            raise DeckError(slide.file, line, f"figure '{name}' has no alt text", "describe what the figure shows")
        caption_text = ref.caption if caption is None else caption
        figcaption = f"<figcaption>{escape(caption_text)}</figcaption>" if caption_text else ""
        return (
            f'<figure class="figure" data-figure="{escape(name)}">'
            f'<img {image_source(ref.path, lazy)} alt="{escape(alt_text)}" width="{ref.width}" height="{ref.height}">'
            f"{figcaption}</figure>"
        )

    def demo_html(self, name: str, options: dict[str, Any], slide: Slide, line: int) -> str:
        if name not in self.demos:
            raise DeckError(slide.file, line, f"unknown demo '{name}'", did_you_mean(name, self.demos, "demos"))
        still = self.stills.get(name)
        if still is None:
            raise DeckError(
                slide.file, line, f"demo '{name}' has no still for print and PDF",
                f"add {self.demos[name].folder.name}/still.svg or still.png with 'alt:' in its demo.yaml",
            )
        data = escape(json.dumps(options, sort_keys=True, default=str))
        return (
            f'<div class="demo" data-demo="{escape(name)}" data-options="{data}"></div>'
            f'<img class="demo-fallback" {image_source(still.path)} alt="{escape(still.alt)}"'
            f' width="{still.width}" height="{still.height}">'
        )

    def _images(self, text: str, slide: Slide, first_line: int, stash: Stash, used_figures: list[str], in_notes: bool = False) -> str:
        def replace(match: re.Match[str], offset: int) -> str:
            line = first_line + text.count("\n", 0, offset + match.start())
            src, alt, title = match.group("src"), match.group("alt"), match.group("title")
            if src.startswith("figure:"):
                name = src.removeprefix("figure:")
                used_figures.append(name)
                return stash.put(self.figure_html(name, alt or None, title, slide, line, lazy=not in_notes))
            if not alt.strip():
                raise DeckError(slide.file, line, f"image '{src}' has no alt text", "write ![what it shows](...)")
            target = self.media_path(src, slide, line)
            caption = f"<figcaption>{escape(title)}</figcaption>" if title else ""
            return stash.put(f'<figure class="figure"><img {image_source(target, not in_notes)} alt="{escape(alt)}">{caption}</figure>')

        if "![" not in text:
            return text
        return _outside_code(text, lambda prose, offset: IMAGE_REFERENCE.sub(lambda m: replace(m, offset), prose))

    def media_path(self, src: str, slide: Slide, line: int) -> str:
        """Check a speaker's image reference and schedule the file for copying."""
        if URL_SCHEME.match(src) or src.startswith("//"):
            host = remote_host(src)
            if host and host in self.config.allowed_hosts:
                return src
            raise DeckError(slide.file, line, f"image '{src}' is not a local file", "the deck must work offline: save the image into the talk folder")
        talk_dir = self.config.talk_dir
        path = slide.file.parent / src
        if not inside(path, talk_dir):
            raise DeckError(slide.file, line, f"image path '{src}' leads outside the talk folder")
        if hidden(path, talk_dir):
            raise DeckError(slide.file, line, f"image path '{src}' is inside a hidden folder", "hidden files such as .git are never copied into a deck")
        if not path.is_file():
            raise DeckError(slide.file, line, f"image '{src}' not found")
        resolved = path.resolve()
        if resolved not in self.media:
            relative = resolved.relative_to(talk_dir.resolve())
            self.media[resolved] = MediaFile(resolved, "media/" + "/".join(relative.parts))
        return self.media[resolved].target

    # The page's rules ----------------------------------------------------------

    def _enforce_policy(self, slide: Slide, source: str, first_line: int, parts: list[Markup]) -> None:
        for part in parts:
            for violation in check_html(str(part), self.config.allow_scripts, self.config.allowed_hosts):
                raise DeckError(slide.file, _line_of(source, first_line, violation.needle), violation.message, violation.hint)

    # Section attributes ------------------------------------------------------

    def _section_attributes(self, slide: Slide) -> tuple[dict[str, str], list[str]]:
        options = slide.options
        attributes: dict[str, str] = {}
        classes = [f"layout-{slide.layout}"]
        if "class" in options:
            classes.extend(options["class"].split())
        if "id" in options:
            attributes["id"] = options["id"]
        if "transition" in options:
            attributes["data-transition"] = options["transition"]
        background = options.get("background")
        if background:
            if background.startswith("figure:"):
                name = background.removeprefix("figure:")
                if name not in self.figures:
                    raise DeckError(slide.file, slide.line, f"unknown figure '{name}' in background", did_you_mean(name, self._known_figures(), "known figures"))
                attributes["data-background-image"] = self.figures[name].path
                attributes["data-background-size"] = "contain"
            elif _COLOUR.match(background):
                attributes["data-background-color"] = background
            else:
                attributes["data-background-image"] = self.media_path(background, slide, slide.line)
        return attributes, classes


def _outside_code(text: str, transform: Callable[[str, int], str]) -> str:
    """Apply ``transform(piece, offset)`` to the prose of ``text`` only: fenced blocks and inline
    code are shown, not read. ``offset`` is where the piece starts in ``text``."""
    from deck.markup import next_fence

    out: list[str] = []
    fence: str | None = None
    position = 0
    prose_start: int | None = None
    for line in text.split("\n"):
        before, fence = fence, next_fence(fence, line)
        if before is None and fence is None:
            if prose_start is None:
                prose_start = position
        else:
            if prose_start is not None:
                out.append(_outside_inline_code(text[prose_start:position - 1], prose_start, transform) + "\n")
                prose_start = None
            out.append(line + "\n")
        position += len(line) + 1
    if prose_start is not None:
        out.append(_outside_inline_code(text[prose_start:], prose_start, transform))
    joined = "".join(out)
    return joined[:-1] if joined.endswith("\n") and not text.endswith("\n") else joined


def _outside_inline_code(text: str, offset: int, transform: Callable[[str, int], str]) -> str:
    out: list[str] = []
    position = 0
    for index, piece in enumerate(re.split(r"(`+[^`]*?`+)", text)):
        out.append(piece if index % 2 else transform(piece, offset + position))
        position += len(piece)
    return "".join(out)


def _line_of(source: str, first_line: int, needle: str) -> int:
    index = source.find(needle) if needle else -1
    return first_line + source.count("\n", 0, index) if index >= 0 else first_line


def image_source(path: str, lazy: bool = True) -> str:
    """An image's source attribute. On a slide it is reveal.js's ``data-src``: the image loads when
    its slide comes within reveal's view distance (every slide in print and PDF), so opening the
    deck does not decode every figure first (about half its load time); in notes, a plain ``src``."""
    return f'{"data-src" if lazy else "src"}="{escape(path)}"'


def _line_naming(slide: Slide, name: str) -> int:
    """The line of a slide's body where a helper call names ``name`` (the body's first line if none)."""
    for pattern in (f'"{name}"', f"'{name}'"):
        index = slide.body.find(pattern)
        if index >= 0:
            return slide.body_line + slide.body[:index].count("\n")
    return slide.body_line


def _part_lines(body: str, parts: list[str], first_line: int) -> list[int]:
    """The file line each column of ``body`` starts on (columns are split at '|||' lines)."""
    starts: list[int] = []
    position = 0
    for part in parts:
        position = body.index(part, position)
        starts.append(first_line + body.count("\n", 0, position))
        position += len(part)
    return starts


def _leading_heading(text: str) -> tuple[str, str]:
    """Split a two-column slide's heading off its first column, so it spans both."""
    lines = text.split("\n")
    index = 0
    while index < len(lines) and (not lines[index].strip() or lines[index].lstrip().startswith("#")):
        index += 1
    return "\n".join(lines[:index]), "\n".join(lines[index:])


def _template_line(exc: BaseException) -> int:
    """The line inside a slide template where Jinja stopped (1 when unknown)."""
    line = getattr(exc, "lineno", None)
    if line:
        return int(line)
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename == "<template>" and frame.lineno:
            return frame.lineno
    return 1


class _TemplateTimeout(Exception):
    pass


class _time_limit:
    """Stop a template that runs too long (main thread only: signals need it; elsewhere no limit)."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.armed = False

    def __enter__(self) -> None:
        if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
            self.previous = signal.signal(signal.SIGALRM, self._expire)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
            self.armed = True

    def __exit__(self, *exc: object) -> None:
        if self.armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)

    @staticmethod
    def _expire(signum: int, frame: object) -> None:
        raise _TemplateTimeout()
