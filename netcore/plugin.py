"""netcore as a deck computation: the ``network:`` section in, facts, figures and demo data out.

The deck engine knows nothing of networks; it loads this module because a
talk's deck.yaml says ``computations: [netcore]``. Facts appear in slides as
``net.*``, browser data as ``window.DeckData.net``, and the demos in
``netcore/demos/`` become available to that talk.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from deck.compute import Catalog, ComputationError, Figure, Products, SettingError, Work
from netcore.config import NetworkConfig
from netcore.errors import ConfigError, DataError, DivergenceError, NetcoreError

NAMESPACE = "net"
SECTION = "network"
HERE = Path(__file__).resolve().parent
DEMOS_DIR = HERE / "demos"
BROWSER_LIBRARY = HERE / "browser" / "network.js"
STILL_PREFIX = "demo-"  # netcore draws each of its demos' print stills as the figure demo-NAME


def validate(section: Any) -> NetworkConfig:
    try:
        return NetworkConfig.from_mapping(section)
    except ConfigError as exc:
        raise SettingError(None if exc.key == "network" else exc.key, exc.message) from None


def catalog(settings: NetworkConfig) -> Catalog:
    """The figures netcore can draw, found without importing matplotlib or training."""
    from netcore.figures.registry import discover

    specs = discover()
    figures = {name: spec.alt for name, spec in specs.items() if not name.startswith(STILL_PREFIX)}
    demos = tuple(sorted(p.name for p in DEMOS_DIR.iterdir() if (p / "demo.js").is_file()))
    stills = tuple(sorted(name.removeprefix(STILL_PREFIX) for name in specs if name.startswith(STILL_PREFIX)))
    return Catalog(facts=None, figures=figures, demos=demos, stills=stills)


def produce(work: Work) -> Products:
    from netcore.artifacts import produce as produce_artifacts

    cfg = with_data_dir(work.settings, work.talk_dir)
    wanted = None
    if work.wanted is not None:
        wanted = frozenset(work.wanted) | {STILL_PREFIX + d for d in work.demos}
    try:
        art = produce_artifacts(
            # produce() files its entries under <cache root>/netcore/, as `python -m netcore train` does
            cfg, cache_dir=work.cache_dir.parent, out_dir=work.out_dir, use_cache=work.use_cache,
            progress=work.progress, wanted=wanted, export=bool(work.demos), theme=work.theme,
        )
    except ConfigError as exc:
        raise ComputationError(exc.message, exc.key) from None
    except DivergenceError as exc:
        raise ComputationError(str(exc), "learning_rate") from None
    except DataError as exc:
        raise ComputationError(str(exc), "data_dir" if cfg.data_dir else None) from None
    except NetcoreError as exc:
        raise ComputationError(str(exc)) from None
    figures: dict[str, Figure] = {}
    stills: dict[str, Figure] = {}
    for name, fig in art.figures.items():
        figure = Figure(fig.name, fig.path, fig.alt, fig.caption, fig.width, fig.height, fig.min_font_px)
        if name.startswith(STILL_PREFIX):
            stills[name.removeprefix(STILL_PREFIX)] = figure
        else:
            figures[name] = figure
    scripts = [path for path in art.exported if path.endswith(".js")]
    if work.demos:
        library = "lib/net/network.js"
        target = work.out_dir / library
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(BROWSER_LIBRARY, target)
        scripts.append(library)
    notes = ["network trained" if art.trained else "network loaded from cache"]
    if art.redrawn:
        notes.append(f"{len(art.redrawn)} netcore figures redrawn")
    return Products(facts=art.facts, figures=figures, scripts=scripts, stills=stills, notes=notes)


def with_data_dir(cfg: NetworkConfig, talk_dir: Path, contain: bool = True) -> NetworkConfig:
    """A ``data_dir`` is named relative to the talk folder and, in a talk, may not leave it."""
    import dataclasses

    if cfg.data_dir is None:
        return cfg
    folder = (talk_dir / cfg.data_dir).resolve()
    try:
        if contain:
            folder.relative_to(talk_dir.resolve())
    except ValueError:
        raise ComputationError(f"data_dir '{cfg.data_dir}' lies outside the talk folder", "data_dir") from None
    return dataclasses.replace(cfg, data_dir=str(folder))
