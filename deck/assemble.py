"""Rendered slides into one HTML page through the Jinja page and layout templates."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from deck.config import DeckConfig
from deck.pacing import slide_seconds
from deck.paths import TEMPLATES_DIR
from deck.render import RenderedSlide

# Scripts that other demo scripts build on load first; the rest follow in name order.
FIRST_DEMO_SCRIPTS = ("runtime.js", "forward.js")
SLIDE_WIDTH, SLIDE_HEIGHT = 1280, 720


@functools.cache
def page_environment() -> jinja2.Environment:
    """One environment for every build of the process: it caches compiled templates, and its
    loader (auto_reload, jinja2's default) recompiles a template whose file has changed."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["slide_seconds"] = slide_seconds  # the speaker view's pacing, same sums as --report
    return env


def assemble(config: DeckConfig, slides: list[RenderedSlide], out_dir: Path) -> str:
    """The deck's index.html: each slide through its layout, then the page around them."""
    env = page_environment()
    deck = config.metadata()
    stacks: list[list[Markup]] = []
    for slide in slides:
        layout = env.get_template(f"layouts/{slide.source.layout}.html")
        section = Markup(layout.render(slide=slide, deck=deck, source=slide.source.where))
        if slide.source.v == 0:
            stacks.append([section])
        else:
            stacks[-1].append(section)
    page = env.get_template("page.html")
    return page.render(
        deck=deck,
        stacks=stacks,
        scripts=_scripts(out_dir),
        stylesheets=_stylesheets(out_dir),
        reveal_config=reveal_config(config),
    )


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
        "katex": {"local": "vendor/katex"},
        "pacing": {
            "targetMinutes": config.target_minutes,
            "wordsPerMinute": config.words_per_minute,
        },
    }


def _scripts(out_dir: Path) -> list[str]:
    scripts = [f"data/{p.name}" for p in sorted((out_dir / "data").glob("*.js"))]
    demos = out_dir / "demos"
    names = sorted(p.name for p in demos.glob("*.js"))
    ordered = [n for n in FIRST_DEMO_SCRIPTS if n in names] + [n for n in names if n not in FIRST_DEMO_SCRIPTS]
    scripts += [f"demos/{name}" for name in ordered]
    scripts += [f"stage/{p.name}" for p in sorted((out_dir / "stage").glob("*.js"))]
    return scripts


def _stylesheets(out_dir: Path) -> list[str]:
    return [
        f"{folder}/{p.name}"
        for folder in ("demos", "stage")
        for p in sorted((out_dir / folder).glob("*.css"))
    ]
