"""The build, one stage after another, each feeding only the next.

deck.yaml -> DeckConfig -> slides parsed (so we know which figures and demos
they use) -> computations run or load from cache (facts, figures, browser
data, demo stills) -> the talk's own figure scripts -> slides rendered
against the facts -> page assembled -> one atomic swap into the output folder.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import yaml
from markupsafe import Markup

from deck import assets, compute, legibility
from deck.assemble import Page, assemble
from deck.compute import Figure, Products, Work
from deck.config import DeckConfig, load_sources
from deck.errors import DeckError
from deck.figures import draw_figure
from deck.highlight import STYLESHEET as CODE_STYLESHEET, CodeColours, stylesheet as code_stylesheet
from deck.katex import KATEX_CSS, Request, typeset
from deck.markup import fill_math
from deck.output import recover, staging
from deck.paths import PROJECT_DIR, TEMPLATES_DIR
from deck.render import RenderedSlide, SlideRenderer
from deck.sources import Slide
from deck.talk import BASE_THEME, Demo

DEFAULT_CONFIG = PROJECT_DIR / "slides" / "deck.yaml"
DEFAULT_OUT = PROJECT_DIR / "output"  # where the default talk's deck goes (Talk.default_out of slides/)
DEFAULT_CACHE = PROJECT_DIR / ".cache"

_FIGURE_NAME = re.compile(r"figure(?::|\(\s*['\"])\s*([A-Za-z0-9_.-]+)")
_DEMO_NAME = re.compile(r"\bdemo\(\s*['\"]([A-Za-z0-9_.-]+)")


@dataclass(frozen=True)
class Uses:
    """The figures and demos a talk's slides name, read from the sources before anything runs."""

    figures: frozenset[str]
    demos: frozenset[str]


@dataclass
class BuildResult:
    """What a build did, for the summary line and for the tools built on it."""

    out_dir: Path
    config: DeckConfig
    slides: list[RenderedSlide]
    figures: dict[str, Figure]
    facts: dict[str, dict[str, object]]
    notes: list[str] = field(default_factory=list)
    redrawn: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    legibility: "legibility.Report | None" = None  # what the back row cannot read (deck/legibility.py)
    page: Page | None = None  # the assembled page, section by section (watch mode patches from it)
    reuse: "_Reusable | None" = None  # what a slide-text edit can take over without running anything

    @property
    def trained(self) -> bool:
        return "network trained" in self.notes

    def summary(self) -> str:
        stacks = sum(1 for s in self.slides if s.source.v == 0)
        used = {name for s in self.slides for name in s.figures}
        redrawn = f", {len(self.redrawn)} talk figures drawn" if self.redrawn else ""
        notes = "; " + "; ".join(self.notes) if self.notes else ""
        steps = ", ".join(f"{name} {seconds:.2f}" for name, seconds in self.timings.items() if name != "total")
        return (
            f"Built {self.out_dir / 'index.html'}: {len(self.slides)} slides ({stacks} horizontal), "
            f"{len(used)} figures placed{redrawn}{notes}; "
            f"{self.timings.get('total', 0.0):.2f} s ({steps})"
        )


def uses_of(slides: list[Slide]) -> Uses:
    """Figure and demo names written in the slides (a generous reading: a name in the notes counts too)."""
    figures: set[str] = set()
    demos: set[str] = set()
    for slide in slides:
        text = "\n".join((slide.body, slide.notes, str(slide.options.get("background", ""))))
        figures.update(_FIGURE_NAME.findall(text))
        demos.update(_DEMO_NAME.findall(text))
    return Uses(frozenset(figures), frozenset(demos))


def build(
    config_path: Path = DEFAULT_CONFIG,
    out_dir: Path | None = None,
    *,
    cache_dir: Path | None = None,
    use_cache: bool = True,
    progress: bool = True,
    before_swap: Callable[[Path, "BuildResult"], None] | None = None,
    check_legibility: str = "after",
) -> BuildResult:
    """Build the talk into ``out_dir`` (default: beside it); raise ``DeckError`` on any problem in the sources.

    The legibility check lays the slides out in Chromium: ``"after"`` the deck is written
    (its findings are warnings: the deck is usable while Chromium works), ``"before"`` the
    swap (``--strict``: ``before_swap`` may then refuse the deck), or ``"off"`` (watch mode
    runs it in the background)."""
    if check_legibility not in ("after", "before", "off"):
        raise ValueError(f"check_legibility must be 'after', 'before' or 'off', not {check_legibility!r}")
    started = time.perf_counter()
    timings: dict[str, float] = {}
    config, slides = load_sources(config_path)
    talk = config.talk
    out_dir = Path(out_dir) if out_dir is not None else talk.default_out
    cache_dir = Path(cache_dir) if cache_dir is not None else talk.default_cache
    recover(out_dir)
    uses = uses_of(slides)
    demos = talk.demos(d for c in config.computations for d in c.demo_dirs)
    timings["sources"] = time.perf_counter() - started
    with staging(out_dir) as stage:
        mark = time.perf_counter()
        products = _run_computations(config, uses, stage, cache_dir, use_cache, progress)
        facts = {c.namespace: p.facts for c, p in zip(config.computations, products)}
        figures: dict[str, Figure] = {}
        stills: dict[str, Figure] = {}
        scripts: list[str] = []
        notes: list[str] = []
        for computation, product in zip(config.computations, products):
            _merge(figures, product.figures, computation, config)
            stills.update(product.stills)
            scripts.extend(product.scripts)
            notes.extend(product.notes)
        timings["computations"] = time.perf_counter() - mark
        mark = time.perf_counter()
        redrawn = _talk_figures(config, uses, facts, figures, stage, cache_dir, use_cache)
        _folder_stills(uses, demos, stills, stage)
        timings["figures"] = time.perf_counter() - mark
        mark = time.perf_counter()
        renderer = SlideRenderer(config, facts, figures, demos, stills, known_figures=lambda: _all_figure_names(config, figures),
                                 code_colours=CodeColours(cache_dir), template_cache=cache_dir / "slide-templates")
        rendered = [renderer.render(slide) for slide in slides]
        renderer.code_colours.save()
        _check_unique_ids(rendered)
        has_math = _typeset_math(rendered, cache_dir)
        timings["slides"] = time.perf_counter() - mark
        mark = time.perf_counter()
        for media in renderer.media.values():
            target = stage / media.target
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(media.source.read_bytes())
        used_demos = sorted({name for s in rendered for name in s.demos})
        assets.copy_vendor(stage, math=has_math)
        assets.copy_tree(TEMPLATES_DIR / "stage", stage / "stage")
        page_scripts, stylesheets = _front_end(config, [demos[name] for name in used_demos], scripts if used_demos else [], stage)
        if has_math:
            stylesheets.insert(0, KATEX_CSS)
        has_code = any(slide.has_code for slide in rendered)
        if has_code:
            (stage / CODE_STYLESHEET).parent.mkdir(parents=True, exist_ok=True)
            (stage / CODE_STYLESHEET).write_text(code_stylesheet(), encoding="utf-8")
            stylesheets.insert(0, CODE_STYLESHEET)
        page = assemble(config, rendered, page_scripts, stylesheets, cache_dir)
        (stage / "index.html").write_text(page.html, encoding="utf-8")
        reuse = _Reusable(uses, demos, stills, page_scripts, stylesheets, frozenset(m.target for m in renderer.media.values()), has_math, has_code, cache_dir)
        result = BuildResult(out_dir=out_dir, config=config, slides=rendered, figures=figures, facts=facts, notes=notes,
                             redrawn=redrawn, page=page, reuse=reuse)
        if check_legibility == "before":
            result.legibility = legibility.check(stage, result, cache_dir)
        if before_swap is not None:
            before_swap(stage, result)
        timings["write"] = time.perf_counter() - mark
    if check_legibility == "after":
        mark = time.perf_counter()
        result.legibility = legibility.check(out_dir, result, cache_dir)
        timings["legibility"] = time.perf_counter() - mark
    timings["total"] = time.perf_counter() - started
    result.timings = timings
    return result


@dataclass(frozen=True)
class _Reusable:
    """The parts of a build a slide-text edit leaves as they were."""

    uses: Uses
    demos: dict[str, Demo]
    stills: dict[str, Figure]
    scripts: list[str]
    stylesheets: list[str]
    media: frozenset[str]
    has_math: bool
    has_code: bool
    cache_dir: Path


def refresh(previous: BuildResult, changed: set[Path]) -> BuildResult | None:
    """Rebuild after edits to slide files only, re-rendering just those files' slides.

    Everything else comes from ``previous``: facts, figures, demos and the files in the
    output, which stay as they are; only ``index.html`` is replaced (atomically). Returns
    None when the edit needs a full build: other files changed, a slide now uses a
    figure, demo or image the last build did not ship, or math appears for the first time."""
    started = time.perf_counter()
    reuse = previous.reuse
    config = previous.config
    slide_files = {path.resolve() for path in config.slide_files}
    changed = {path.resolve() for path in changed}
    if reuse is None or previous.page is None or not changed or not changed <= slide_files or not all(p.is_file() for p in changed):
        return None
    fresh_config, slides = load_sources(config.path)
    if [p.resolve() for p in fresh_config.slide_files] != [p.resolve() for p in config.slide_files]:
        return None
    uses = uses_of(slides)
    if not (uses.figures <= reuse.uses.figures and uses.demos <= reuse.uses.demos):
        return None
    renderer = SlideRenderer(config, previous.facts, previous.figures, reuse.demos, reuse.stills,
                             known_figures=lambda: _all_figure_names(config, previous.figures), code_colours=CodeColours(reuse.cache_dir),
                             template_cache=reuse.cache_dir / "slide-templates")
    kept: dict[tuple[Path, int], RenderedSlide] = {}
    counts: dict[Path, int] = {}
    for old in previous.slides:
        file = old.source.file.resolve()
        kept[(file, counts.get(file, 0))] = old
        counts[file] = counts.get(file, 0) + 1
    rendered: list[RenderedSlide] = []
    fresh: list[RenderedSlide] = []
    counts = {}
    for slide in slides:
        file = slide.file.resolve()
        position = counts.get(file, 0)
        counts[file] = position + 1
        if file in changed or (file, position) not in kept:
            fresh.append(renderer.render(slide))
            rendered.append(fresh[-1])
        else:
            rendered.append(kept[(file, position)])
    renderer.code_colours.save()
    _check_unique_ids(rendered)
    if _typeset_math(fresh, reuse.cache_dir) and not reuse.has_math:
        return None
    if not {m.target for m in renderer.media.values()} <= reuse.media or (any(s.has_code for s in fresh) and not reuse.has_code):
        return None
    page = assemble(config, rendered, reuse.scripts, reuse.stylesheets, reuse.cache_dir)
    index = previous.out_dir / "index.html"
    partial = index.with_name(".index.html.partial")
    partial.write_text(page.html, encoding="utf-8")
    os.replace(partial, index)
    result = BuildResult(out_dir=previous.out_dir, config=config, slides=rendered, figures=previous.figures, facts=previous.facts,
                         notes=["slides refreshed in place"], page=page, reuse=reuse)
    result.timings = {"total": time.perf_counter() - started}
    return result


def _run_computations(config: DeckConfig, uses: Uses, stage: Path, cache_dir: Path, use_cache: bool, progress: bool) -> list[Products]:
    products: list[Products] = []
    for computation in config.computations:
        work = Work(
            settings=computation.settings, talk_dir=config.talk_dir, cache_dir=cache_dir / computation.namespace,
            out_dir=stage, wanted=uses.figures, demos=uses.demos, theme=config.theme, use_cache=use_cache, progress=progress,
        )
        try:
            product = computation.produce(work)
        except compute.ComputationError as exc:
            line = config.line_of(computation.section, *exc.key) if computation.section in (config.source.data if config.source else {}) else computation.line
            raise DeckError(config.path, line, f"{computation.section}: {exc.message}") from None
        if not isinstance(product, Products):
            raise DeckError(computation.source, None, f"produce() must return deck.compute.Products, got {type(product).__name__}")
        products.append(product)
    return products


def _merge(figures: dict[str, Figure], new: dict[str, Figure], computation: compute.Computation, config: DeckConfig) -> None:
    for name, figure in new.items():
        if name in figures:
            raise DeckError(config.path, computation.line, f"computation '{computation.name}' offers figure '{name}', which another computation already does")
        figures[name] = figure


def _talk_figures(config: DeckConfig, uses: Uses, facts: dict, figures: dict[str, Figure], stage: Path, cache_dir: Path, use_cache: bool) -> list[str]:
    """Draw (or load) the talk's own figure scripts that the slides use."""
    drawn: list[str] = []
    for name, script in config.talk.figure_scripts().items():
        if name not in uses.figures:
            continue
        if name in figures:
            raise DeckError(script, 1, f"figure '{name}' is also offered by a computation", "rename the script")
        figure, fresh = draw_figure(name, script, facts, config.theme, cache_dir, stage, use_cache)
        figures[name] = figure
        if fresh:
            drawn.append(name)
    return drawn


def _folder_stills(uses: Uses, demos: dict[str, Demo], stills: dict[str, Figure], stage: Path) -> None:
    """A demo folder's own still.svg/png, for the demos no computation draws a still of."""
    for name in sorted(uses.demos):
        demo = demos.get(name)
        if demo is None or name in stills or demo.still is None:
            continue
        meta = _demo_meta(demo)
        alt = meta.get("alt")
        if not isinstance(alt, str) or not alt.strip():
            raise DeckError(demo.folder / "demo.yaml", None, f"demo '{name}' has a still but no 'alt:' text describing it")
        relative = f"demos/{name}/{demo.still.name}"
        target = stage / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(demo.still.read_bytes())
        width, height = _image_size(demo.still)
        stills[name] = Figure(f"{name}-still", relative, alt.strip(), "", width, height)


def _demo_meta(demo: Demo) -> dict:
    path = demo.folder / "demo.yaml"
    if not path.is_file():
        return {}
    try:
        meta = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DeckError(path, mark.line + 1 if mark else None, f"invalid YAML: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(meta, dict):
        raise DeckError(path, 1, "demo.yaml must be a mapping, such as 'alt: ...'")
    return meta


def _image_size(path: Path) -> tuple[int, int]:
    """Width and height of an SVG (its width/height or viewBox) or a PNG (its header)."""
    data = path.read_bytes()
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    text = data[:4000].decode("utf-8", "replace")
    width = re.search(r'<svg[^>]*\bwidth="([\d.]+)(?:px|pt)?"', text)
    height = re.search(r'<svg[^>]*\bheight="([\d.]+)(?:px|pt)?"', text)
    if width and height:
        return round(float(width.group(1))), round(float(height.group(1)))
    box = re.search(r'viewBox="[\d.\s-]*?([\d.]+)\s+([\d.]+)"', text)
    if box:
        return round(float(box.group(1))), round(float(box.group(2)))
    raise DeckError(path, None, "cannot read the still's size (an SVG needs width and height, or a viewBox)")


def _front_end(config: DeckConfig, demos: list[Demo], data_scripts: list[str], stage: Path) -> tuple[list[str], list[str]]:
    """Copy the theme, the demo runtime and the used demos; return the page's scripts and stylesheets in order."""
    theme_target = f"theme/{config.theme}.css"
    base_target = f"theme/{BASE_THEME}.css"  # the shared type scale and layouts, under every theme
    assets.copy_file(config.talk.theme_file(BASE_THEME), stage / base_target)
    assets.copy_file(config.talk.theme_file(config.theme), stage / theme_target)
    scripts: list[str] = []
    stylesheets = [base_target, theme_target]
    if demos:
        assets.copy_tree(TEMPLATES_DIR / "runtime", stage / "runtime")
        scripts.append("runtime/demos.js")
        stylesheets.append("runtime/demos.css")
        if data_scripts:
            scripts.append("runtime/data.js")  # decodes packed arrays in the data scripts after it
        scripts.extend(data_scripts)
        for demo in demos:
            scripts.append(f"demos/{demo.name}/demo.js")
            assets.copy_file(demo.script, stage / scripts[-1])
            if demo.stylesheet is not None:
                stylesheets.append(f"demos/{demo.name}/demo.css")
                assets.copy_file(demo.stylesheet, stage / stylesheets[-1])
    scripts += [f"stage/{p.name}" for p in sorted((stage / "stage").glob("*.js"))]
    stylesheets += [f"stage/{p.name}" for p in sorted((stage / "stage").glob("*.css"))]
    return scripts, stylesheets


def _all_figure_names(config: DeckConfig, figures: dict[str, Figure]) -> list[str]:
    """Every figure the talk could place, for "did you mean" hints (asks each computation's catalog)."""
    names = set(figures) | set(config.talk.figure_scripts())
    for computation in config.computations:
        names |= set(computation.catalog().figures)
    return sorted(names)


def _typeset_math(slides: list[RenderedSlide], cache_dir: Path) -> bool:
    """Every formula typeset by KaTeX at build time; broken math fails the build at its line.

    Answers are remembered in the cache by each formula's source, so a warm rebuild
    starts no node. Returns whether the deck has any math (then it ships KaTeX's CSS)."""
    placed = [(slide, formula) for slide in slides for formula in slide.formulas]
    if not placed:
        return False
    try:
        answers = typeset([Request(f.source, f.display, mathml_only=f.in_notes) for _, f in placed], cache_dir)
    except (FileNotFoundError, RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        slide, formula = placed[0]
        raise DeckError(slide.source.file, formula.line, f"cannot typeset math: {exc}", "install Node.js and run 'npm ci'") from None
    for (slide, formula), answer in zip(placed, answers):
        if answer.error is not None or answer.html is None:
            message = (answer.error or "no output").replace("\u0332", "").removeprefix("KaTeX parse error: ")
            raise DeckError(slide.source.file, formula.line, f"math: {message}")
    position = 0
    for slide in slides:
        html = [answer.html or "" for answer in answers[position:position + len(slide.formulas)]]
        position += len(slide.formulas)
        if html:
            slide.content = Markup(fill_math(slide.content, html))
            slide.columns = [Markup(fill_math(column, html)) for column in slide.columns]
            slide.notes = Markup(fill_math(slide.notes, html))
    return True


def _check_unique_ids(slides: list[RenderedSlide]) -> None:
    seen: dict[str, Slide] = {}
    for slide in slides:
        slide_id = slide.attributes.get("id")
        if slide_id is None:
            continue
        if slide_id in seen:
            first = seen[slide_id]
            raise DeckError(slide.source.file, slide.source.line, f"slide id '{slide_id}' is already used at {first.file.name}:{first.line}")
        seen[slide_id] = slide.source
