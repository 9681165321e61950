"""The command line: ``python build.py`` and its options.

Kept thin on purpose: it parses arguments, calls the pipeline or one of the
speaker's tools, and turns every problem in the sources into one line on
stderr with exit status 2 (1 for checks that found something).
"""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

from deck.errors import DeckError
from deck.pipeline import DEFAULT_CACHE, DEFAULT_CONFIG, DEFAULT_OUT, build

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="build.py",
        description="Build the talk: train (or load) the network, draw the figures, render the slides into a reveal.js deck.",
        epilog="Errors are printed as FILE:LINE: message. Exit status: 0 built, 1 a check found problems, 2 bad input.",
    )
    p.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="the deck's deck.yaml (default: slides/deck.yaml)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: output/)")
    p.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="cache folder for the network and figures (default: .cache/)")
    p.add_argument("--no-cache", action="store_true", help="retrain the network and redraw every figure")
    noise = p.add_mutually_exclusive_group()
    noise.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    noise.add_argument("-v", "--verbose", action="store_true", help="print each stage and what was redrawn")
    tools = p.add_mutually_exclusive_group()
    tools.add_argument("--watch", action="store_true", help="build, serve on localhost and rebuild on every change")
    tools.add_argument("--check", action="store_true", help="lint the sources without building")
    tools.add_argument("--check-originality", metavar="DIR", type=Path, help="compare slides and notes against reference texts in DIR")
    tools.add_argument("--report", action="store_true", help="print the pacing report (words, minutes per section)")
    p.add_argument("--pdf", action="store_true", help="after building, print the deck to output/<deck>.pdf with headless Chromium")
    p.add_argument("--notes", action="store_true", help="with --pdf: include the speaker notes")
    p.add_argument("--single-file", action="store_true", help="after building, write one self-contained HTML file")
    p.add_argument("--port", type=int, default=8000, help="with --watch: the localhost port (default 8000)")
    p.add_argument("--open", action="store_true", help="with --watch: open the deck in a browser")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return _run(args)
    except DeckError as exc:
        print(exc.one_line(), file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        # Start a fresh line: a progress bar may have been drawing on the current one.
        lead = "" if args.quiet else "\n"
        print(f"{lead}build.py: interrupted; the previous output is untouched", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # a bug of ours, not the speaker's: one line unless asked for more
        if args.verbose:
            traceback.print_exc()
        print(f"build.py: internal error: {type(exc).__name__}: {exc} (run with --verbose for details)", file=sys.stderr)
        return EXIT_INTERNAL


def _run(args: argparse.Namespace) -> int:
    if args.check:
        from deck.lint import main as lint_main

        return lint_main(args.config)
    if args.check_originality is not None:
        from deck.originality import main as originality_main

        return originality_main(args.config, args.check_originality)
    if args.report:
        from deck.pacing import main as pacing_main

        return pacing_main(args.config)
    if args.watch:
        from deck.watch import main as watch_main

        return watch_main(args)
    result = build(args.config, args.out, cache_dir=args.cache, use_cache=not args.no_cache, progress=not args.quiet)
    if not args.quiet:
        print(result.summary())
    if args.verbose:
        for name in result.redrawn:
            print(f"  redrawn: {name}")
    status = 0
    if result.config.references_dir is not None:
        from deck.originality import check_built

        status = check_built(result)
    if args.pdf:
        from deck.pdf import export_pdf

        path = export_pdf(result, with_notes=args.notes)
        if not args.quiet:
            print(f"Wrote {path}")
    if args.single_file:
        from deck.single_file import write_single_file

        path = write_single_file(result)
        if not args.quiet:
            print(f"Wrote {path}")
    return status
