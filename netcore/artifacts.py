"""produce(): the one call the deck pipeline makes; trains or loads, then facts, figures, exports.

Every product is cached under its own key, built from the hashes of what it
depends on, so editing a figure module redraws that figure only, and a build
with nothing changed copies cached files without importing matplotlib.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, TypeVar

from deck.compute import matplotlib_version
from netcore import cache as cache_mod
from netcore import data
from netcore.config import NetworkConfig

if TYPE_CHECKING:  # the model (numpy) is loaded only when a product is missing from the cache
    from netcore.model import TrainedModel

FACTS_FILE = "facts.json"
CHECKSUM_MEMO = "data-checksums.json"  # {path: [size, mtime_ns, sha256]}
T = TypeVar("T")


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

    def __init__(self, cfg: NetworkConfig, cache: cache_mod.Cache, use_cache: bool, progress: bool, theme: str = "projector") -> None:
        self.cfg, self.cache, self.use_cache, self.progress = cfg, cache, use_cache, progress
        self.theme = theme  # the deck theme whose palette the figures are drawn in
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

    def lookup(self, kind: str, key: str, reader: Callable[[cache_mod.Entry], T]) -> T | None:
        """What ``reader`` makes of the cached entry; None on a miss or an entry it cannot use."""
        return self.cache.load(kind, key, reader) if self.use_cache else None

    @property
    def model(self) -> TrainedModel:
        if self._model is None:
            self._model = self.lookup("models", self.model_key, self._read_model) or self._train()
        return self._model

    def _read_model(self, entry: cache_mod.Entry) -> TrainedModel:
        import numpy as np

        from netcore.model import META_FILE, WEIGHTS_FILE, TrainedModel

        model = TrainedModel.from_files(entry.read(WEIGHTS_FILE), entry.read(META_FILE))
        if model.config.digest() != self.cfg.digest():
            raise ValueError("the cached model was trained with other settings")
        for snapshot in model.snapshots:
            for l, (w, b) in enumerate(zip(snapshot.weights, snapshot.biases)):
                shape = (self.cfg.layers[l + 1], self.cfg.layers[l])
                if w.shape != shape or b.shape != shape[:1] or w.dtype != np.float64 or b.dtype != np.float64:
                    raise ValueError(f"layer {l} of the cached model has the wrong shape")
        if len(model.history) != self.cfg.epochs + 1 or not all(_is_record(r) for r in model.history):
            raise ValueError("the cached model's history is not one record per epoch")
        if model.data_checksums != self.checksums:
            raise ValueError("the cached model was trained on other data")
        sizes = (model.train_size, model.validation_size, model.test_size, model.train_seconds)
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0 for v in sizes):
            raise ValueError("the cached model's sizes are not numbers")
        return model

    def _train(self) -> TrainedModel:
        from netcore import training
        from netcore.model import TrainedModel
        from netcore.config import describe_seconds, estimate

        if self.progress:
            guess = estimate(self.cfg)
            shape = "-".join(map(str, self.cfg.layers))
            print(f"netcore: about {describe_seconds(guess.seconds)} to train {shape} for {self.cfg.epochs} epochs "
                  f"({guess.steps:,} steps)", file=sys.stderr, flush=True)
        dataset = data.load(self.cfg.data_dir, self.cfg.validation_size, verified=True)
        scored = training.Scored.of(dataset)
        result = training.train(self.cfg, dataset, progress=self.progress, scored=scored)
        sizes = (len(dataset.train_images), len(dataset.validation_images), len(dataset.test_images))
        model = TrainedModel.from_result(self.cfg, result, sizes, self.checksums)
        self.cache.put("models", self.model_key, model.to_files(), {"train_seconds": model.train_seconds})
        self.trained = True
        self._ctx = self._context(model, dataset, scored)
        return model

    def _context(self, model: TrainedModel, dataset: data.Dataset | None = None, scored: Any = None):
        from netcore.figures.context import FigureContext

        ctx = FigureContext(model, self.facts, data_verified=True, theme_name=self.theme)  # checked in __init__
        if dataset is not None:
            ctx.__dict__["dataset"] = dataset  # reuse the data already in memory
        if scored is not None:
            ctx.__dict__["scored"] = scored  # and the inputs training scored (the replay's early points reuse them)
        return ctx

    @property
    def ctx(self):
        if self._ctx is None:
            model = self.model
            if self._ctx is None:
                self._ctx = self._context(model)
        return self._ctx


RECORD_KEYS = frozenset({"epoch", "learning_rate", "train_cost", "train_accuracy", "validation_cost",
                         "validation_accuracy", "test_cost", "test_accuracy", "seconds", "elapsed"})


def _is_record(record: Any) -> bool:
    """One epoch's record as training.train writes it: those keys, each a number or None."""
    return (
        isinstance(record, dict) and set(record) == RECORD_KEYS
        and all(v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in record.values())
        and isinstance(record["epoch"], int) and record["train_cost"] is not None and record["test_accuracy"] is not None
    )


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def _facts(build: _Build) -> dict[str, Any]:
    import json

    from netcore import facts

    key = cache_mod.key_of("facts", build.model_key, cache_mod.source_digest(*facts.source_files()))
    cached = build.lookup("facts", key, _read_facts)
    if cached is not None:
        return cached
    values = facts.compute(build.ctx)
    build.cache.put("facts", key, {FACTS_FILE: json.dumps(values, sort_keys=True).encode()}, {})
    return values


def _read_facts(entry: cache_mod.Entry) -> dict[str, Any]:
    import json

    values = json.loads(entry.read(FACTS_FILE))
    if not isinstance(values, dict) or not all(isinstance(name, str) for name in values):
        raise ValueError("cached facts are not a mapping of names")
    return values


def _figure_reader(filename: str) -> Callable[[cache_mod.Entry], cache_mod.Entry]:
    def read(entry: cache_mod.Entry) -> cache_mod.Entry:
        width, height = entry.meta["width"], entry.meta["height"]
        for value in (width, height):
            if not isinstance(value, int) or isinstance(value, bool) or not 0 < value < 100_000:
                raise ValueError(f"cached figure size {value!r}")
        if not entry.path(filename).is_file():
            raise ValueError(f"cached figure {filename} is missing")
        return entry

    return read


def _figures(build: _Build, out_dir: Path, wanted: frozenset[str] | None,
             side_job: Callable[[], Any] | None = None) -> tuple[dict[str, Figure], list[str], Any]:
    """The figures ``wanted``, from the cache or drawn, and what ``side_job()`` returns (None without one)."""
    from netcore.figures import registry

    specs = {name: spec for name, spec in registry.listed(build.cache).items() if wanted is None or name in wanted}
    mpl_version = matplotlib_version() or "matplotlib missing"
    figures, redrawn = {}, []
    keys, entries = {}, {}
    for spec in specs.values():
        keys[spec.name] = cache_mod.key_of(
            "figure", build.model_key, spec.name, spec.format, mpl_version, f"theme={build.theme}",
            cache_mod.source_digest(*spec.source_files),
        )
        entries[spec.name] = build.lookup("figures", keys[spec.name], _figure_reader(spec.filename))
    missing = [name for name, entry in entries.items() if entry is None]
    # The context loads the model: only for a drawing.
    drawn, side = _draw(build.ctx, missing, side_job) if missing else ([], side_job and side_job())
    for name, (content, width, height, smallest) in zip(missing, drawn):
        spec = specs[name]
        entries[name] = build.cache.put("figures", keys[name], {spec.filename: content}, {"width": width, "height": height, "min_font_px": smallest})
        redrawn.append(name)
    for spec in specs.values():
        entry = entries[spec.name]
        relative = f"figures/{spec.filename}"
        _copy(entry.path(spec.filename), out_dir / relative)
        figures[spec.name] = Figure(spec.name, relative, spec.alt, spec.caption, entry.meta["width"], entry.meta["height"], entry.meta.get("min_font_px"))
    return figures, redrawn, side


_DRAWING_CTX: Any = None  # the figure context a forked drawing worker inherits
_SIDE_JOB: Callable[[], Any] | None = None  # and the work it does when handed SIDE_JOB instead of a figure's name
SIDE_JOB = ""  # no figure has an empty name
_STOPPING = {signal.SIGINT, signal.SIGTERM}
_POOL_OPEN = False  # while True, every fork() is a drawing worker's (see _hold_stop_signals)


def _draw(ctx: Any, names: list[str], side_job: Callable[[], T] | None = None
          ) -> tuple[list[tuple[bytes, int, int, float | None]], T | None]:
    """Draw the named figures, several at once on a machine with more than one core, and run
    ``side_job`` (its result must pickle) beside them.

    matplotlib is single-threaded, so figures are drawn in forked workers that inherit the
    trained model and data from this process; each figure gets a fresh worker, so its bytes
    do not depend on which figures were drawn before it. The side job (the browser data, a
    second of numpy in a cold build) takes a worker of its own, first, instead of waiting for
    the last figure; it runs in a worker, not here, so that no worker is forked while this
    process is inside numpy. One figure, one core or no fork(): all here, one after another."""
    global _DRAWING_CTX, _SIDE_JOB, _POOL_OPEN
    workers = min(len(names) + (side_job is not None), os.cpu_count() or 1)
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [_draw_one(ctx, name) for name in names], side_job and side_job()
    import matplotlib.pyplot  # noqa: F401 - imported once here, not once in every worker

    from netcore.figures import theme  # noqa: F401 - the same: its rcParams are set before forking

    _DRAWING_CTX, _SIDE_JOB, _POOL_OPEN = ctx, side_job, True
    pool = multiprocessing.get_context("fork").Pool(workers, maxtasksperchild=1)
    try:
        tasks = ([SIDE_JOB] if side_job is not None else []) + names
        done = pool.map(_in_worker, tasks, chunksize=1)
        pool.close()  # workers leave on their own; terminate() is kept for a build that fails
        return (done[1:], done[0]) if side_job is not None else (done, None)
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()
        _DRAWING_CTX, _SIDE_JOB, _POOL_OPEN = None, None, False


def _hold_stop_signals() -> None:
    """Before a drawing worker is forked: Ctrl-C and SIGTERM wait until the child has its own handlers.

    The build turns SIGTERM into KeyboardInterrupt (deck/output.py); a worker that inherited
    that handler and was stopped while still starting up swallowed the exception, lived on,
    and the pool waited for it forever (CI's 300 s hang)."""
    if _POOL_OPEN:
        signal.pthread_sigmask(signal.SIG_BLOCK, _STOPPING)


def _release_stop_signals_in_parent() -> None:
    if _POOL_OPEN:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPPING)


def _worker_signals() -> None:
    """In a new drawing worker: Ctrl-C is the build's to handle, SIGTERM (the pool ending it) ends it."""
    if _POOL_OPEN:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPPING)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_hold_stop_signals, after_in_parent=_release_stop_signals_in_parent,
                        after_in_child=_worker_signals)


def _in_worker(name: str) -> Any:
    return _SIDE_JOB() if name == SIDE_JOB else _draw_one(_DRAWING_CTX, name)


def _draw_one(ctx: Any, name: str) -> tuple[bytes, int, int, float | None]:
    from netcore.figures import registry, theme

    spec = registry.discover()[name]
    fig = spec.draw(ctx)
    width, height = theme.pixel_size(fig)
    content, smallest = theme.render(fig, spec.format)
    return content, width, height, smallest


class _ExportJob:
    """The browser data missing from the cache: made by ``__call__`` (in a drawing worker, as a rule),
    filed by ``store``. The replay's points inside epoch 1 (netcore.early) are cached apart from the
    export: finding them reruns the first epoch on the training split, which a rebuilt export should
    not have to load."""

    def __init__(self, build: _Build) -> None:
        from netcore import export

        self.build = build
        self.key = cache_mod.key_of("export", build.model_key, cache_mod.source_digest(*export.source_files()))
        self.early_key = ""
        self.early_found: list | None = None

    def cached(self) -> cache_mod.Entry | None:
        """The cached export; on a miss, the cached early points are read here, in the build's process.
        (netcore.early loads the trainer and numpy: a warm build never imports it.)"""
        entry = self.build.lookup("exports", self.key, lambda e: e)
        if entry is None:
            from netcore import early

            self.early_key = cache_mod.key_of("early", self.build.model_key, cache_mod.source_digest(*early.source_files()))
            self.early_found = self.build.lookup(
                "early", self.early_key, lambda e: early.from_files(e.read("records.json"), e.read("networks.npz")))
        return entry

    def __call__(self) -> tuple[dict[str, bytes], dict[str, bytes] | None]:
        """(the export's files, the early points' files if they had to be found)."""
        from netcore import early, export

        build, found, early_files = self.build, self.early_found, None
        if found is None:
            found = early.records(build.ctx)
            early_files = early.to_files(found)
        return export.files(build.ctx, found), early_files

    def store(self, made: tuple[dict[str, bytes], dict[str, bytes] | None]) -> cache_mod.Entry:
        files, early_files = made
        if early_files is not None:
            self.build.cache.put("early", self.early_key, early_files, {})
        return self.build.cache.put("exports", self.key, files, {})


def _place_exports(entry: cache_mod.Entry, out_dir: Path) -> list[str]:
    # The entry was verified to hold exactly the files its manifest lists: nothing else reaches the deck.
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
    theme: str = "projector",
) -> Artifacts:
    """Train or load the network and write figures/ and data/ into out_dir.

    ``wanted`` limits the figures drawn to those names (None: all); ``export``
    False skips the browser data, for a deck with no live demo. With
    use_cache=False nothing is read from the cache (everything is rebuilt),
    but the fresh results are stored so the next build is warm. Figures are drawn in
    ``theme``'s palette and cached per theme.
    """
    timings: dict[str, float] = {}
    out_dir = Path(out_dir)
    cache = cache_mod.Cache(Path(cache_dir) / "netcore")

    start = time.perf_counter()
    build = _Build(cfg, cache, use_cache, progress, theme)
    facts = _facts(build)
    build.set_facts(facts)
    timings["network"] = time.perf_counter() - start

    # Missing browser data is made beside the figures being drawn, not after the last of them.
    start = time.perf_counter()
    job = _ExportJob(build) if export else None
    entry = job.cached() if job is not None else None
    side_job = job if entry is None else None  # None as well for a deck with no live demo
    figures, redrawn, made = _figures(build, out_dir, wanted, side_job)
    timings["figures"] = time.perf_counter() - start  # with the browser data when both were made

    start = time.perf_counter()
    if side_job is not None:
        entry = side_job.store(made)
    exported = _place_exports(entry, out_dir) if entry is not None else []
    timings["export"] = time.perf_counter() - start

    return Artifacts(facts, figures, build.trained, timings, redrawn, list(cache.rebuilt), exported)
