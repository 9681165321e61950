"""Entry point of the installed ``deck`` command (see pyproject.toml)."""

import sys

from deck.cli import main


def run() -> None:
    sys.exit(main(prog="deck"))
