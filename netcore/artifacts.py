"""produce(): the one call the deck pipeline makes; trains or loads, then facts, figures, exports.

Every product is cached under its own key, built from the hashes of what it
depends on, so editing a figure module redraws that figure only, and a build
with nothing changed copies cached files without importing matplotlib.
"""

from __future__ import annotations

import importlib.metadata
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netcore import cache as cache_mod
from netcore import data
from netcore.config import NetworkConfig
from netcore.model import META_FILE, WEIGHTS_FILE, TrainedModel

FACTS_FILE = "facts.json"
CHECKSUM_MEMO = "data-checksums.json"  # {path: [size, mtime_ns, sha256]}


@dataclass(frozen=True)
class Figure:
    name: str
    path: str  # relative to out_dir, e.g. "figures/first-layer-weights.png"
    alt: str
    caption: str
    width: int  # pixels
    height: int
    min_font_px: float | None = None  # smallest text drawn, in pixels at width x height


@dataclass
class Artifacts:
    facts: dict[str, Any]
    figures: dict[str, Figure]
    trained: bool
    timings: dict[str, float]
    redrawn: list[str] = field(default_factory=list)  # figures drawn in this run (others came from cache)
    cache_rebuilt: list[str] = field(default_factory=list)  # corrupted cache entries thrown away
    exported: list[str] = field(default_factory=list)  # browser data files written, relative to out_dir


class _Build:
    """State of one produce() call; the model and context are created only on demand."""

    def __init__(self, cfg: NetworkConfig, cache: cache_mod.Cache, use_cache: bool, progress: bool) -> None:
        self.cfg, self.cache, self.use_cache, self.progress = cfg, cache, use_cache, progress
        memo = cache.read_json(CHECKSUM_MEMO)
        before = dict(memo)
        self.checksums = data.verify(cfg.data_dir, memo)
        if memo != before:
            cache.write_json(CHECKSUM_MEMO, memo)
        self.model_key = cache_mod.key_of("model", cfg.digest(), self.checksums, cache_mod.training_code_version())
        self.trained = False
        self._model: TrainedModel | None = None
        self._ctx = None
        self.facts: dict[str, Any] = {}

    def set_facts(self, facts: dict[str, Any]) -> None:
        """Figures and exports may quote facts; hand them to the context if it exists."""
        self.facts = facts
        if self._ctx is not None:
            self._ctx.facts = facts

    def lookup(self, kind: str, key: str) -> cache_mod.Entry | None:
        return self.cache.get(kind, key) if self.use_cache else None

    @property
    def model(self) -> TrainedModel:
        if self._model is None:
            entry = self.lookup("models", self.model_key)
            if entry is not None:
                self._model = TrainedModel.from_files(entry.read(WEIGHTS_FILE), entry.read(META_FILE))
            else:
                self._model = self._train()
        return self._model

    def _train(self) -> TrainedModel:
        from netcore import training

        dataset = data.load(self.cfg.data_dir, self.cfg.validation_size, verified=True)
        result = training.train(self.cfg, dataset, progress=self.progress)
        sizes = (len(dataset.train_images), len(dataset.validation_images), len(dataset.test_images))
        model = TrainedModel.from_result(self.cfg, result, sizes, self.checksums)
        self.cache.put("models", self.model_key, model.to_files(), {"train_seconds": model.train_seconds})
        self.trained = True
        self._ctx = self._context(model, dataset)
        return model

    def _context(self, model: TrainedModel, dataset: data.Dataset | None = None):
        from netcore.figures.context import FigureContext

        ctx = FigureContext(model, self.facts, data_verified=True)  # checked in __init__
        if dataset is not None:
            ctx.__dict__["dataset"] = dataset  # reuse the data already in memory
        return ctx

    @property
    def ctx(self):
        if self._ctx is None:
            model = self.model
            if self._ctx is None:
                self._ctx = self._context(model)
        return self._ctx


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def _facts(build: _Build) -> dict[str, Any]:
    import json

    from netcore import facts

    key = cache_mod.key_of("facts", build.model_key, cache_mod.source_digest(*facts.source_files()))
    entry = build.lookup("facts", key)
    if entry is not None:
        return json.loads(entry.read(FACTS_FILE))
    values = facts.compute(build.ctx)
    build.cache.put("facts", key, {FACTS_FILE: json.dumps(values, sort_keys=True).encode()}, {})
    return values


def _figures(build: _Build, out_dir: Path, wanted: frozenset[str] | None) -> tuple[dict[str, Figure], list[str]]:
    from netcore.figures import registry

    specs = {name: spec for name, spec in registry.discover().items() if wanted is None or name in wanted}
    mpl_version = importlib.metadata.version("matplotlib")
    figures, redrawn = {}, []
    for spec in specs.values():
        key = cache_mod.key_of(
            "figure", build.model_key, spec.name, spec.format, mpl_version,
            cache_mod.source_digest(*spec.source_files),
        )
        entry = build.lookup("figures", key)
        if entry is None:
            from netcore.figures import theme

            fig = spec.draw(build.ctx)
            width, height = theme.pixel_size(fig)
            content, smallest = theme.render(fig, spec.format)
            entry = build.cache.put("figures", key, {spec.filename: content}, {"width": width, "height": height, "min_font_px": smallest})
            redrawn.append(spec.name)
        relative = f"figures/{spec.filename}"
        _copy(entry.path(spec.filename), out_dir / relative)
        figures[spec.name] = Figure(spec.name, relative, spec.alt, spec.caption, entry.meta["width"], entry.meta["height"], entry.meta.get("min_font_px"))
    return figures, redrawn


def _exports(build: _Build, out_dir: Path) -> list[str]:
    from netcore import export

    key = cache_mod.key_of("export", build.model_key, cache_mod.source_digest(*export.source_files()))
    entry = build.lookup("exports", key)
    if entry is None:
        entry = build.cache.put("exports", key, export.files(build.ctx), {})
    names = sorted(p.name for p in entry.directory.iterdir() if p.name != cache_mod.MANIFEST)
    for name in names:
        _copy(entry.path(name), out_dir / "data" / name)
    return [f"data/{name}" for name in names]


def produce(
    cfg: NetworkConfig,
    cache_dir: Path,
    out_dir: Path,
    use_cache: bool = True,
    progress: bool = True,
    wanted: frozenset[str] | None = None,
    export: bool = True,
) -> Artifacts:
    """Train or load the network and write figures/ and data/ into out_dir.

    ``wanted`` limits the figures drawn to those names (None: all); ``export``
    False skips the browser data, for a deck with no live demo. With
    use_cache=False nothing is read from the cache (everything is rebuilt),
    but the fresh results are stored so the next build is warm.
    """
    timings: dict[str, float] = {}
    out_dir = Path(out_dir)
    cache = cache_mod.Cache(Path(cache_dir) / "netcore")

    start = time.perf_counter()
    build = _Build(cfg, cache, use_cache, progress)
    facts = _facts(build)
    build.set_facts(facts)
    timings["network"] = time.perf_counter() - start

    start = time.perf_counter()
    figures, redrawn = _figures(build, out_dir, wanted)
    timings["figures"] = time.perf_counter() - start

    start = time.perf_counter()
    exported = _exports(build, out_dir) if export else []
    timings["export"] = time.perf_counter() - start

    return Artifacts(facts, figures, build.trained, timings, redrawn, list(cache.rebuilt), exported)
