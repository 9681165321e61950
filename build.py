#!/usr/bin/env python3
"""Build the talk into output/index.html. Run ``python build.py --help`` for options."""

import sys

from deck.cli import main

if __name__ == "__main__":
    sys.exit(main())
