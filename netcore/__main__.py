"""Command line: `python -m netcore train` trains (or loads), caches and draws the figures.

The deck build calls netcore.artifacts.produce() itself; this command is for
working on the network alone, e.g. after changing its settings in deck.yaml.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from netcore.config import NetworkConfig
from deck.compute import ComputationError
from deck.errors import DeckError
from netcore.errors import NetcoreError

DEFAULT_CONFIG = Path("slides/deck.yaml")


def load_config(path: Path) -> NetworkConfig:
    """The `network:` section of a talk's deck.yaml (defaults if the file is absent), read with the
    deck's own YAML reader so errors name their line; a data_dir is resolved against the talk folder."""
    if not path.exists():
        return NetworkConfig()
    from deck.compute import SettingError
    from deck.textfile import read_text
    from deck.yamlsource import load_yaml
    from netcore.plugin import SECTION, validate, with_data_dir

    located = load_yaml(path, read_text(path))
    section = located.data.get(SECTION) if isinstance(located.data, dict) else None
    try:
        cfg = validate(section)
    except SettingError as exc:
        key = ".".join(str(k) for k in (SECTION, *exc.key))
        raise DeckError(path, located.line_of(SECTION, *exc.key), f"{key}: {exc.message}") from None
    return with_data_dir(cfg, path.parent, contain=False)  # working on the network alone, any data folder will do


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m netcore", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    train = commands.add_parser("train", help="train or load the network, then draw figures and export data")
    train.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="deck.yaml whose network: section to use (default: %(default)s; defaults if missing)")
    train.add_argument("--out", type=Path, default=Path("build/netcore"), help="where figures/ and data/ go (default: %(default)s)")
    train.add_argument("--cache", type=Path, default=Path(".cache"), help="cache directory (default: %(default)s)")
    train.add_argument("--no-cache", action="store_true", help="ignore cached results and retrain (the new results are cached)")
    train.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)

    from netcore.artifacts import produce

    start = time.perf_counter()
    try:
        cfg = load_config(args.config)
        art = produce(cfg, cache_dir=args.cache, out_dir=args.out, use_cache=not args.no_cache, progress=not args.quiet)
    except (DeckError, ComputationError) as exc:
        print(exc.one_line() if isinstance(exc, DeckError) else f"{args.config}: network: {exc.message}", file=sys.stderr)
        return 2
    except NetcoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    facts = art.facts
    print(
        f"network {facts['layers_text']} {'trained' if art.trained else 'loaded from cache'}: "
        f"test accuracy {facts['test_accuracy_percent']} ({facts['test_errors']} of {facts['test_size']} wrong), "
        f"{facts['epochs']} epochs in {facts['train_seconds_text']}"
    )
    print(f"figures: {len(art.figures)} ({len(art.redrawn)} drawn, {len(art.figures) - len(art.redrawn)} from cache) -> {args.out}")
    timings = ", ".join(f"{k} {v:.2f} s" for k, v in art.timings.items())
    print(f"timings: {timings}; total {time.perf_counter() - start:.2f} s")
    for entry in art.cache_rebuilt:
        print(f"warning: corrupted cache entry {entry} was discarded and rebuilt", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
