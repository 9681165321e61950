"""``build.py new DIR``: a new talk folder with a few slides, one figure script and one demo.

The folder is copied from ``templates/scaffold/`` and its title filled in; it
builds at once with the command this prints. An existing non-empty folder is
never written into: nothing the speaker wrote is overwritten.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from deck.paths import TEMPLATES_DIR

SCAFFOLD = TEMPLATES_DIR / "scaffold"


def create(folder: Path, title: str) -> list[Path]:
    """Write the starter talk into ``folder`` (which must be new or empty); return the files written."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise FileExistsError(f"{folder} already exists and is not empty")
    written: list[Path] = []
    for source in sorted(SCAFFOLD.rglob("*")):
        if source.is_dir() or "__pycache__" in source.parts:
            continue
        target = folder / source.relative_to(SCAFFOLD)
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.name == "deck.yaml":
            target.write_text(source.read_text(encoding="utf-8").replace('"TITLE"', _yaml_string(title)), encoding="utf-8")
        else:
            shutil.copyfile(source, target)
        written.append(target)
    return written


def _yaml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main(argv: list[str], prog: str = "build.py") -> int:
    parser = argparse.ArgumentParser(prog=f"{prog} new", description="Start a new talk folder.")
    parser.add_argument("folder", type=Path, help="the new talk's folder (created; must not hold files yet)")
    parser.add_argument("--title", default=None, help="the talk's title (default: from the folder's name)")
    args = parser.parse_args(argv)
    title = args.title or args.folder.resolve().name.replace("-", " ").replace("_", " ").strip().capitalize() or "My talk"
    try:
        files = create(args.folder, title)
    except (FileExistsError, OSError) as exc:
        print(f"{prog} new: {exc}", file=sys.stderr)
        return 2
    print(f"Wrote a new talk with {len(files)} files into {args.folder}/")
    command = "deck" if prog == "deck" else prog if prog.startswith("python") else f"python {sys.argv[0]}"
    print(f"Build it with:  {command} {args.folder}")
    return 0
