"""The build, one stage after another, each feeding only the next.

deck.yaml -> DeckConfig -> netcore (train or load, figures, facts, browser
data) -> slides parsed and rendered against the facts -> page assembled ->
one atomic swap into the output folder.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from deck import assets
from deck.assemble import assemble
from deck.config import DeckConfig, read_config
from deck.errors import DeckError
from deck.output import recover, staging
from deck.paths import PROJECT_DIR, TEMPLATES_DIR
from deck.render import RenderedSlide, SlideRenderer
from deck.sources import Slide, parse_files
from netcore.errors import ConfigError, DataError, DivergenceError, NetcoreError

if TYPE_CHECKING:
    from netcore.artifacts import Figure

DEFAULT_CONFIG = PROJECT_DIR / "slides" / "deck.yaml"
DEFAULT_OUT = PROJECT_DIR / "output"
DEFAULT_CACHE = PROJECT_DIR / ".cache"


@dataclass
class BuildResult:
    """What a build did, for the summary line and for the tools built on it."""

    out_dir: Path
    config: DeckConfig
    slides: list[RenderedSlide]
    figures: dict[str, Figure]
    facts: dict[str, object]
    trained: bool
    redrawn: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        stacks = sum(1 for s in self.slides if s.source.v == 0)
        used = {name for s in self.slides for name in s.figures}
        network = "trained" if self.trained else "loaded from cache"
        redrawn = f", {len(self.redrawn)} redrawn" if self.redrawn else ""
        steps = ", ".join(f"{name} {seconds:.2f}" for name, seconds in self.timings.items() if name != "total")
        return (
            f"Built {self.out_dir / 'index.html'}: {len(self.slides)} slides ({stacks} horizontal), "
            f"{len(used)} of {len(self.figures)} figures placed{redrawn}; network {network}; "
            f"{self.timings.get('total', 0.0):.2f} s ({steps})"
        )


def load_sources(config_path: Path = DEFAULT_CONFIG) -> tuple[DeckConfig, list[Slide]]:
    """The speaker's sources, read and validated: cheap, so it runs before any training."""
    config = read_config(config_path)
    return config, parse_files(config.slide_files)


def build(
    config_path: Path = DEFAULT_CONFIG,
    out_dir: Path = DEFAULT_OUT,
    *,
    cache_dir: Path = DEFAULT_CACHE,
    use_cache: bool = True,
    progress: bool = True,
    before_swap: Callable[[Path, "BuildResult"], None] | None = None,
) -> BuildResult:
    """Build the deck into ``out_dir``; raise ``DeckError`` on any problem in the sources."""
    from netcore.artifacts import produce  # imported here so source errors surface before numpy loads

    started = time.perf_counter()
    timings: dict[str, float] = {}
    recover(out_dir)
    config, slides = load_sources(config_path)
    timings["sources"] = time.perf_counter() - started
    with staging(out_dir) as stage:
        mark = time.perf_counter()
        try:
            art = produce(config.network, cache_dir=cache_dir, out_dir=stage, use_cache=use_cache, progress=progress)
        except NetcoreError as exc:
            raise _located(config, exc) from None
        timings["network"] = time.perf_counter() - mark
        mark = time.perf_counter()
        renderer = SlideRenderer(config, art.facts, art.figures)
        rendered = [renderer.render(slide) for slide in slides]
        _check_unique_ids(rendered)
        timings["slides"] = time.perf_counter() - mark
        mark = time.perf_counter()
        for media in renderer.media.values():
            target = stage / media.target
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(media.source.read_bytes())
        assets.copy_vendor(stage)
        for folder in ("theme", "demos", "stage"):
            if (TEMPLATES_DIR / folder).is_dir():
                assets.copy_tree(TEMPLATES_DIR / folder, stage / folder)
        html = assemble(config, rendered, stage)
        (stage / "index.html").write_text(html, encoding="utf-8")
        result = BuildResult(
            out_dir=out_dir,
            config=config,
            slides=rendered,
            figures=art.figures,
            facts=art.facts,
            trained=art.trained,
            redrawn=list(art.redrawn),
        )
        if before_swap is not None:
            before_swap(stage, result)
        timings["write"] = time.perf_counter() - mark
    timings["total"] = time.perf_counter() - started
    result.timings = timings
    return result


def _located(config: DeckConfig, exc: NetcoreError) -> DeckError:
    """Place a network problem on the deck.yaml line that caused it."""
    source = config.source
    line = source.line_of("network") if source else None
    if isinstance(exc, ConfigError) and source:
        line = source.line_of("network", exc.key)
    if isinstance(exc, DivergenceError) and source:
        line = source.line_of("network", "learning_rate")
    if isinstance(exc, DataError) and source:
        line = source.line_of("network", "data_dir")
    return DeckError(config.path, line, f"network: {exc}")


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
