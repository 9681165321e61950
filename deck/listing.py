"""``--list figures|demos|facts|layouts|themes``: what a talk can use, without building it."""

from __future__ import annotations

from pathlib import Path

from deck.config import read_config


def main(config_path: Path, what: str) -> int:
    config = read_config(config_path)
    talk = config.talk
    rows: list[tuple[str, str]] = []
    if what == "figures":
        for name, script in talk.figure_scripts().items():
            rows.append((name, f"talk script {script.relative_to(config.talk_dir)}"))
        for computation in config.computations:
            rows += [(name, f"{computation.name}: {alt}") for name, alt in computation.catalog().figures.items()]
    elif what == "demos":
        demos = talk.demos(d for c in config.computations for d in c.demo_dirs)
        rows = [(name, str(demo.folder)) for name, demo in demos.items()]
    elif what == "facts":
        rows = _facts(config)
    elif what == "layouts":
        rows = [(name, "") for name in talk.layouts()]
    else:
        rows = [(name, str(talk.theme_file(name))) for name in talk.themes()]
    if not rows:
        print(f"this talk has no {what}")
    width = max((len(name) for name, _ in rows), default=0)
    for name, detail in sorted(rows):
        print(f"{name.ljust(width)}  {detail}".rstrip())
    return 0


def _facts(config) -> list[tuple[str, str]]:
    """Facts are known once computed: run the build's computations (from cache when warm) into a scratch folder."""
    import tempfile

    from deck.pipeline import build

    with tempfile.TemporaryDirectory(prefix="deck-list-") as scratch:
        result = build(config.path, Path(scratch) / "out", cache_dir=config.talk.default_cache, progress=False)
    return [(f"{namespace}.{name}", _short(value)) for namespace, facts in result.facts.items() for name, value in facts.items()]


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
