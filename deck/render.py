"""Slide sources to slide HTML: Jinja against the facts, then Markdown.

Slide text is a Jinja template so that numbers about the network are never
typed by hand: ``{{ net.test_accuracy_percent }}`` is filled in from the model
trained for this very build. Unknown names are errors, located in the slide.
"""

from __future__ import annotations

import json
import re
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup, escape

from deck.config import DeckConfig, did_you_mean
from deck.errors import DeckError
from deck.markup import Formula, Stash, to_html
from deck.paths import URL_SCHEME, inside
from deck.sources import Slide

if TYPE_CHECKING:
    from netcore.artifacts import Figure  # for annotations only: netcore.artifacts loads numpy

DEMOS = ("draw-digit", "neuron", "descent", "backprop", "replay")
IMAGE_REFERENCE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<src>[^)\s]+)(?:\s+\"(?P<title>[^\"]*)\")?\)")
RAW_SCRIPT = re.compile(r"<\s*script\b", re.I)
_COLUMN_BREAK = re.compile(r"^\|\|\|\s*$", re.M)
_COLOUR = re.compile(r"^(#[0-9A-Fa-f]{3,8}|[a-z]+|(rgb|rgba|hsl|hsla)\([^)]*\))$")


@dataclass
class RenderedSlide:
    """A slide ready for its layout template."""

    source: Slide
    content: Markup
    columns: list[Markup]
    notes: Markup
    attributes: dict[str, str]
    classes: list[str]
    formulas: list[Formula] = field(default_factory=list)  # what KaTeX will render here (lint locates them itself)
    figures: list[str] = field(default_factory=list)
    demos: list[str] = field(default_factory=list)


@dataclass
class MediaFile:
    """A speaker's own image, copied into the deck under ``media/``."""

    source: Path
    target: str


class SlideRenderer:
    """Renders slides against one build's facts, figures and media."""

    def __init__(self, config: DeckConfig, facts: dict[str, Any], figures: dict[str, Figure]):
        self.config = config
        self.facts = facts
        self.figures = figures
        self.media: dict[Path, MediaFile] = {}
        self.env = jinja2.Environment(
            undefined=jinja2.StrictUndefined,
            autoescape=True,
            keep_trailing_newline=False,
        )

    def render(self, slide: Slide) -> RenderedSlide:
        used_figures: list[str] = []
        used_demos: list[str] = []
        stash = Stash()
        helpers = self._helpers(slide, stash, used_figures, used_demos)
        body = self._jinja(slide.body, slide.file, slide.body_line, helpers)
        notes = self._jinja(slide.notes, slide.file, slide.notes_line, helpers) if slide.notes else ""
        self._refuse_scripts(slide, body, notes)
        formulas: list[Formula] = []
        body = self._images(body, slide, stash, used_figures)
        parts = _COLUMN_BREAK.split(body) if slide.layout == "two-columns" else [body]
        if slide.layout == "two-columns" and len(parts) != 2:
            raise DeckError(slide.file, slide.line, f"a two-columns slide needs exactly one '|||' line, found {len(parts) - 1}")
        heading = ""
        if len(parts) == 2:
            heading, parts[0] = _leading_heading(parts[0])
        columns = [Markup(to_html(part, stash, formulas)) for part in parts]
        heading_html = Markup(to_html(heading, stash, formulas)) if heading else Markup("")
        notes_html = Markup(to_html(notes, Stash())) if notes else Markup("")
        attributes, classes = self._section_attributes(slide)
        return RenderedSlide(
            source=slide,
            content=columns[0] if len(columns) == 1 else heading_html,
            columns=columns if len(columns) > 1 else [],
            notes=notes_html,
            attributes=attributes,
            classes=classes,
            formulas=formulas,
            figures=used_figures,
            demos=used_demos,
        )

    # Jinja ---------------------------------------------------------------

    def _helpers(self, slide: Slide, stash: Stash, used_figures: list[str], used_demos: list[str]) -> dict[str, Any]:
        def figure(name: str, alt: str | None = None, caption: str | None = None) -> Markup:
            used_figures.append(name)
            return Markup(stash.put(self.figure_html(name, alt, caption, slide, _line_naming(slide, name))))

        def demo(name: str, **options: Any) -> Markup:
            used_demos.append(name)
            return Markup(stash.put(self.demo_html(name, options, slide, _line_naming(slide, name))))

        return {"net": self.facts, "deck": self.config.metadata(), "figure": figure, "demo": demo}

    def _jinja(self, text: str, path: Path, first_line: int, context: dict[str, Any]) -> str:
        if "{{" not in text and "{%" not in text and "{#" not in text:
            return text  # nothing to fill in: skip compiling a template
        try:
            template = self.env.from_string(text)
        except jinja2.TemplateSyntaxError as exc:
            raise DeckError(path, first_line + (exc.lineno or 1) - 1, f"template error: {exc.message}") from None
        try:
            return template.render(context)
        except DeckError:
            raise
        except jinja2.UndefinedError as exc:
            line = first_line + _template_line(exc) - 1
            raise DeckError(path, line, f"undefined name: {exc.message}", self._fact_hint(exc.message or "")) from None
        except (jinja2.TemplateError, TypeError, ValueError) as exc:
            raise DeckError(path, first_line + _template_line(exc) - 1, f"template error: {exc}") from None

    def _fact_hint(self, message: str) -> str | None:
        match = re.search(r"has no attribute '([^']+)'", message)
        if match:
            return did_you_mean(match.group(1), sorted(self.facts), "known facts") if self.facts else None
        return "slides can use net.<fact>, deck.<key>, figure(name) and demo(name)"

    # Figures, demos, images -------------------------------------------------

    def figure_html(self, name: str, alt: str | None, caption: str | None, slide: Slide, line: int) -> str:
        ref = self.figures.get(name)
        if ref is None:
            known = ", ".join(sorted(n for n in self.figures if not n.startswith("demo-")))
            raise DeckError(slide.file, line, f"unknown figure '{name}'", f"known figures: {known}")
        alt_text = alt if alt is not None else ref.alt
        if not alt_text or not alt_text.strip():
            raise DeckError(slide.file, line, f"figure '{name}' has no alt text", "describe what the figure shows")
        caption_text = ref.caption if caption is None else caption
        figcaption = f"<figcaption>{escape(caption_text)}</figcaption>" if caption_text else ""
        return (
            f'<figure class="figure" data-figure="{escape(name)}">'
            f'<img src="{escape(ref.path)}" alt="{escape(alt_text)}" width="{ref.width}" height="{ref.height}">'
            f"{figcaption}</figure>"
        )

    def demo_html(self, name: str, options: dict[str, Any], slide: Slide, line: int) -> str:
        if name not in DEMOS:
            raise DeckError(slide.file, line, f"unknown demo '{name}'", did_you_mean(name, DEMOS, "demos"))
        fallback = self.figures.get(f"demo-{name}")
        if fallback is None:
            raise DeckError(slide.file, line, f"demo '{name}' has no static fallback figure 'demo-{name}' for print")
        data = escape(json.dumps(options, sort_keys=True))
        return (
            f'<div class="demo" data-demo="{name}" data-options="{data}"></div>'
            f'<img class="demo-fallback" src="{escape(fallback.path)}" alt="{escape(fallback.alt)}"'
            f' width="{fallback.width}" height="{fallback.height}">'
        )

    def _images(self, body: str, slide: Slide, stash: Stash, used_figures: list[str]) -> str:
        def replace(match: re.Match[str]) -> str:
            line = slide.body_line + body.count("\n", 0, match.start())
            src, alt, title = match.group("src"), match.group("alt"), match.group("title")
            if src.startswith("figure:"):
                name = src.removeprefix("figure:")
                used_figures.append(name)
                return stash.put(self.figure_html(name, alt or None, title, slide, line))
            if not alt.strip():
                raise DeckError(slide.file, line, f"image '{src}' has no alt text", "write ![what it shows](...)")
            target = self.media_path(src, slide, line)
            caption = f"<figcaption>{escape(title)}</figcaption>" if title else ""
            return stash.put(f'<figure class="figure"><img src="{escape(target)}" alt="{escape(alt)}">{caption}</figure>')

        return IMAGE_REFERENCE.sub(replace, body)

    def media_path(self, src: str, slide: Slide, line: int) -> str:
        """Check a speaker's image reference and schedule the file for copying."""
        if URL_SCHEME.match(src):
            raise DeckError(slide.file, line, f"image '{src}' is not a local file", "the deck must work offline: save the image into slides/")
        path = (slide.file.parent / src)
        if not inside(path, self.config.project_dir):
            raise DeckError(slide.file, line, f"image path '{src}' leads outside the project")
        if not path.is_file():
            raise DeckError(slide.file, line, f"image '{src}' not found")
        resolved = path.resolve()
        if resolved not in self.media:
            relative = resolved.relative_to(self.config.project_dir.resolve())
            self.media[resolved] = MediaFile(resolved, "media/" + "/".join(relative.parts))
        return self.media[resolved].target

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
                    raise DeckError(slide.file, slide.line, f"unknown figure '{name}' in background", f"known figures: {', '.join(sorted(self.figures))}")
                attributes["data-background-image"] = self.figures[name].path
                attributes["data-background-size"] = "contain"
            elif _COLOUR.match(background):
                attributes["data-background-color"] = background
            else:
                attributes["data-background-image"] = self.media_path(background, slide, slide.line)
        return attributes, classes

    def _refuse_scripts(self, slide: Slide, body: str, notes: str) -> None:
        if self.config.allow_scripts:
            return
        for text, first, where in ((body, slide.body_line, "slide text"), (notes, slide.notes_line, "speaker notes")):
            match = RAW_SCRIPT.search(text)
            if match:
                line = first + text.count("\n", 0, match.start())
                raise DeckError(slide.file, line, f"raw <script> in {where}", "put interactive code in a demo, or set 'allow_scripts: true' in deck.yaml")


def _line_naming(slide: Slide, name: str) -> int:
    """The line of a slide's body where a helper call names ``name`` (the body's first line if none)."""
    for pattern in (f'"{name}"', f"'{name}'"):
        index = slide.body.find(pattern)
        if index >= 0:
            return slide.body_line + slide.body[:index].count("\n")
    return slide.body_line


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


