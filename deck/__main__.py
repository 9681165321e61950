"""``python -m deck [TALK]``: the same command as ``build.py`` and the installed ``deck``."""

import sys

from deck.cli import main

if __name__ == "__main__":
    sys.exit(main(prog="python -m deck"))
