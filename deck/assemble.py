"""Rendered slides into one HTML page through the Jinja page and layout templates."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
from markupsafe import Markup

from deck.config import DeckConfig
from deck.memo import recall_checked, remember_checked
from deck.pacing import slide_seconds
from deck.paths import TEMPLATES_DIR
from deck.render import RenderedSlide

SLIDE_WIDTH, SLIDE_HEIGHT = 1280, 720


@functools.cache
def page_environment(talk_dir: Path | None = None, cache_dir: Path | None = None) -> jinja2.Environment:
    """One environment per talk for the whole process: it caches compiled templates, and its
    loader (auto_reload, jinja2's default) recompiles a template whose file has changed.
    A talk's own ``layouts/NAME.html`` is found before the tool's layout of that name.
    With a cache folder, compiled templates are kept on disk for the next process too."""
    loaders: list[jinja2.BaseLoader] = []
    if talk_dir is not None:
        loaders.append(jinja2.PrefixLoader({"layouts": jinja2.FileSystemLoader(talk_dir / "layouts")}, delimiter="/"))
    loaders.append(jinja2.FileSystemLoader(TEMPLATES_DIR))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=_bytecode_cache(cache_dir) if cache_dir is not None else None,
    )
    env.filters["slide_seconds"] = slide_seconds  # the speaker view's pacing, same sums as --report
    return env


def _bytecode_cache(cache_dir: Path) -> jinja2.BytecodeCache:
    return _CheckedBytecodeCache(cache_dir / "templates")


class _CheckedBytecodeCache(jinja2.BytecodeCache):
    """Jinja's compiled page templates on disk, each with a digest of its bytes: a file damaged
    in any byte is compiled again instead of run (marshal trusts what it is given)."""

    def __init__(self, folder: Path):
        self.folder = folder

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = recall_checked(self.folder / f"{bucket.key}.code")
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        remember_checked(self.folder / f"{bucket.key}.code", bucket.bytecode_to_string())


SECTION_MARK = "\ue002{}\ue003"  # where each slide's section sits in the page's shell


class Page:
    """The assembled deck: each slide's ``<section>`` and the page around them.

    Watch mode compares two builds' shells and sections: when only sections differ,
    the open page swaps those in place instead of reloading."""

    def __init__(self, shell: str, sections: list[str]):
        self.shell = shell
        self.sections = sections

    @property
    def html(self) -> str:
        text = self.shell
        for index, section in enumerate(self.sections):
            text = text.replace(SECTION_MARK.format(index), section, 1)
        return text


def assemble(config: DeckConfig, slides: list[RenderedSlide], scripts: list[str], stylesheets: list[str],
             cache_dir: Path | None = None) -> Page:
    """The deck's page: each slide through its layout, then the page around them."""
    env = page_environment(config.talk_dir.resolve(), cache_dir.resolve() if cache_dir else None)
    deck = config.metadata()
    sections: list[str] = []
    stacks: list[list[Markup]] = []
    for slide in slides:
        layout = env.get_template(f"layouts/{slide.source.layout}.html")
        sections.append(layout.render(slide=slide, deck=deck, source=slide.source.where))
        mark = Markup(SECTION_MARK.format(len(sections) - 1))
        if slide.source.v == 0:
            stacks.append([mark])
        else:
            stacks[-1].append(mark)
    page = env.get_template("page.html")
    shell = page.render(
        deck=deck,
        stacks=stacks,
        scripts=scripts,
        stylesheets=stylesheets,
        reveal_config=reveal_config(config),
    )
    return Page(shell, sections)


def reveal_config(config: DeckConfig) -> dict[str, Any]:
    """reveal.js settings; everything it loads comes from the output folder."""
    return {
        "hash": True,
        "width": SLIDE_WIDTH,
        "height": SLIDE_HEIGHT,
        "margin": 0.05,
        "center": False,
        "controls": True,
        "progress": True,
        "slideNumber": "c/t",
        "transition": "slide",
        "pdfSeparateFragments": False,
        "pdfMaxPagesPerSlide": 1,
        "pacing": {
            "targetMinutes": config.target_minutes,
            "wordsPerMinute": config.words_per_minute,
        },
    }
