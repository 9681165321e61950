"""The command line: ``python build.py [TALK]``, ``deck [TALK]``, ``python -m deck``.

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
from deck.pipeline import DEFAULT_CONFIG

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130
LISTABLE = ("figures", "demos", "facts", "layouts", "themes")


def parser(prog: str = "build.py") -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=prog,
        description="Build a talk folder (deck.yaml and its slides) into a reveal.js deck that presents offline. "
        f"'{prog} new DIR' starts a new talk.",
        epilog="Errors are printed as FILE:LINE: message. Exit status: 0 built, 1 a check found problems, 2 bad input.",
    )
    p.add_argument("talk", nargs="?", type=Path, help="the talk folder or its deck.yaml (default: slides/ of this project)")
    p.add_argument("--config", type=Path, help="the talk's deck.yaml (same as giving TALK)")
    p.add_argument("--out", type=Path, help="output folder (default: output/ inside the talk, or beside a slides/ folder)")
    p.add_argument("--cache", type=Path, help="cache folder for computations and figures (default: .cache/ beside the output)")
    p.add_argument("--no-cache", action="store_true", help="recompute and redraw everything")
    noise = p.add_mutually_exclusive_group()
    noise.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    noise.add_argument("-v", "--verbose", action="store_true", help="print each stage and what was redrawn")
    tools = p.add_mutually_exclusive_group()
    tools.add_argument("--watch", action="store_true", help="build, serve on localhost and rebuild on every change")
    tools.add_argument("--check", action="store_true", help="lint the sources without building")
    tools.add_argument("--check-originality", metavar="DIR", type=Path, help="compare slides and notes against reference texts in DIR")
    tools.add_argument("--report", action="store_true", help="print the pacing report (words, minutes per section)")
    tools.add_argument("--present", action="store_true", help="serve the built deck to the room: phones follow the talk and send digits")
    tools.add_argument("--list", choices=LISTABLE, help="list the figures, demos, facts, layouts or themes this talk can use")
    p.add_argument("--strict", action="store_true", help="legibility findings are errors: the deck is not written (exit 2; with --check, exit 1)")
    p.add_argument("--no-legibility", action="store_true", help="skip the legibility check for this build (it lays the changed slides out in Chromium)")
    p.add_argument("--pdf", action="store_true", help="after building, print the deck to <out>/<title>.pdf with headless Chromium")
    p.add_argument("--notes", action="store_true", help="with --pdf: include the speaker notes (written to <title>-notes.pdf)")
    p.add_argument("--single-file", action="store_true", help="after building, write one self-contained HTML file")
    p.add_argument("--port", type=int, default=8000, help="with --watch or --present: the port (default 8000; --present takes 0 for any free one)")
    p.add_argument("--bind", metavar="ADDRESS", help="with --present: the address to serve on (default: this laptop's local-network address)")
    p.add_argument("--save-audience", metavar="FILE", type=Path, help="with --present: write the room's digits to FILE when the run ends (default: keep nothing)")
    p.add_argument("--open", action="store_true", help="with --watch: open the deck in a browser")
    return p


def main(argv: list[str] | None = None, prog: str = "build.py") -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["new"]:
        from deck.scaffold import main as new_main

        return new_main(argv[1:], prog)
    args = parser(prog).parse_args(argv)
    try:
        _resolve_paths(args)
        return _run(args)
    except DeckError as exc:
        print(exc.one_line(), file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        # Start a fresh line: a progress bar may have been drawing on the current one.
        lead = "" if args.quiet else "\n"
        print(f"{lead}{prog}: interrupted; the previous output is untouched", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # a bug of ours, not the speaker's: one line unless asked for more
        if args.verbose:
            traceback.print_exc()
        print(f"{prog}: internal error: {type(exc).__name__}: {exc} (run with --verbose for details)", file=sys.stderr)
        return EXIT_INTERNAL


def _resolve_paths(args: argparse.Namespace) -> None:
    """TALK or --config names deck.yaml; --out and --cache default to the talk's own places."""
    from deck.talk import Talk

    if args.talk is not None and args.config is not None:
        raise DeckError(args.talk, None, "give the talk either as TALK or with --config, not both")
    config = args.talk or args.config or DEFAULT_CONFIG
    config = config / "deck.yaml" if config.is_dir() else config
    if not config.is_file():
        hint = "start one with 'build.py new DIR'" if config.name == "deck.yaml" else "name a talk folder or its deck.yaml"
        raise DeckError(config, None, "no talk here (deck.yaml not found)", hint)
    args.config = config
    talk = Talk(config.parent)
    args.out = args.out if args.out is not None else talk.default_out
    args.cache = args.cache if args.cache is not None else talk.default_cache
    if args.strict and args.no_legibility:
        raise DeckError("--no-legibility", None, "--strict makes legibility findings errors; it cannot go with skipping the check")
    if (args.bind or args.save_audience) and not args.present:
        raise DeckError("--bind" if args.bind else "--save-audience", None, "this option goes with --present")
    if not (0 if args.present else 1) <= args.port <= 65535:
        raise DeckError("--port", None, f"port {args.port} is not between 1 and 65535")


def _run(args: argparse.Namespace) -> int:
    if args.check:
        from deck import legibility
        from deck.lint import main as lint_main

        status = lint_main(args.config)
        if status == 0:
            status = legibility.print_findings(legibility.check_talk(args.config, args.cache), strict=args.strict)
        return status
    if args.check_originality is not None:
        from deck.originality import main as originality_main

        return originality_main(args.config, args.check_originality)
    if args.report:
        from deck.pacing import main as pacing_main

        return pacing_main(args.config)
    if args.list:
        from deck.listing import main as list_main

        return list_main(args.config, args.list)
    if args.present:
        from deck.present.run import main as present_main

        return present_main(args)
    if args.watch:
        from deck.watch import main as watch_main

        return watch_main(args)
    from deck import legibility
    from deck.pipeline import build

    result = build(args.config, args.out, cache_dir=args.cache, use_cache=not args.no_cache, progress=not args.quiet,
                   before_swap=legibility.refuse_findings if args.strict else None,
                   check_legibility="before" if args.strict else "off" if args.no_legibility else "after")
    legibility.print_findings(result.legibility, quiet=args.quiet)
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
