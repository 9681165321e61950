"""``build.py --watch``: the writing loop. Save a slide, see it in the browser.

Builds once, serves the output folder on localhost, and rebuilds whenever a
file under the slides folder (slide files, deck.yaml, images) or ``templates/``
changes. File events come from the ``watchdog`` library (inotify on Linux),
never from polling. Bursts of events from one save are merged (debounced)
into one rebuild; a file closed after writing ends the wait at once. An edit to slide text re-renders only that file's slides
(``pipeline.refresh``) and the open page swaps the changed slides in place, so
the current slide, its fragment and every demo's state survive; anything else
(deck.yaml, a template, the theme, a figure script, a computation) gets a full
build, and the page reloads only if the page around the slides or a file
beside it changed. A broken edit leaves the last good deck up while its
one-line error goes to the terminal and to the open page.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import signal
import sys
import threading
import time
import webbrowser
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from deck.errors import DeckError, display_path
from deck.paths import TEMPLATES_DIR
from deck.legibility import Report, check as check_legibility
from deck.pipeline import BuildResult, build, refresh
from deck.serve import LiveServer

DEBOUNCE_SECONDS = 0.08  # quiet time that ends a burst of events from one save
LEGIBILITY_QUIET_SECONDS = 1.5  # the background check waits for this pause in the saves (Chromium is heavy)
SETTLE_SECONDS = 0.005  # after a file written is closed, the save is done: wait only for its siblings
_EVENT_TYPES = {"created", "modified", "moved", "deleted", "closed"}
_EDITOR_LITTER = ("~", ".swp", ".swx", ".tmp", ".part", ".partial")


class ChangeCollector(FileSystemEventHandler):
    """Remembers which relevant files changed since the last rebuild."""

    def __init__(self, roots: list[Path], ignore: list[Path]):
        self.roots = [path.resolve() for path in roots]
        self.ignore = [path.resolve() for path in ignore]
        self.changed: set[Path] = set()
        self.settled = False  # the last event ended a save (no more writes to come)
        self.event = threading.Event()
        self._lock = threading.Lock()

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in _EVENT_TYPES or (event.is_directory and event.event_type == "modified"):
            return
        paths = [event.src_path, getattr(event, "dest_path", "")]
        relevant = [Path(p) for p in paths if p and self.relevant(Path(p))]
        if relevant:
            with self._lock:
                self.changed.update(relevant)
                if event.event_type in ("closed", "moved"):  # written and closed, or renamed into place
                    self.settled = True
            self.event.set()

    def relevant(self, path: Path) -> bool:
        """Not editor swap files, not our own output or cache."""
        name = path.name
        if name.startswith((".#", "#")) or name.endswith(_EDITOR_LITTER) or name == "4913":
            return False
        if name.startswith(".") and not name.endswith((".md", ".yaml", ".yml")):
            return False
        resolved = path.resolve()
        for root in self.roots:
            if root in resolved.parents and any(part.startswith(".") for part in resolved.relative_to(root).parts[:-1]):
                return False  # inside a hidden folder: a build's staging copy, .git, an editor's backups
        return not any(resolved == root or root in resolved.parents for root in self.ignore)

    def take(self) -> tuple[set[Path], bool]:
        with self._lock:
            changed, self.changed = self.changed, set()
            settled, self.settled = self.settled, False
            self.event.clear()
        return changed, settled


def wait_for_quiet(collector: ChangeCollector, debounce: float = DEBOUNCE_SECONDS) -> set[Path]:
    """Block until something changed and then nothing more for ``debounce`` seconds."""
    while not collector.event.wait(0.5):  # a timeout keeps Ctrl-C responsive
        pass
    changed: set[Path] = set()
    while True:
        more, settled = collector.take()
        changed |= more
        if not collector.event.wait(SETTLE_SECONDS if settled else debounce):
            return changed


class LegibilityWatch:
    """The legibility check of the latest build, run in a thread of its own.

    A save shows in the page at once; once the saves pause, Chromium lays out the changed
    slides and the findings are printed when they differ from the last ones printed. A check that a
    newer build overtook is dropped unprinted (its page may be gone by then)."""

    def __init__(self, cache_dir: Path, quiet: bool):
        self.cache_dir, self.quiet = cache_dir, quiet
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._latest: BuildResult | None = None
        self._generation = 0
        self._printed: list[str] | None = None
        threading.Thread(target=self._run, name="legibility", daemon=True).start()

    def submit(self, result: BuildResult) -> None:
        with self._lock:
            self._latest, self._generation = result, self._generation + 1
        self._wake.set()

    def _run(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            if self._wake.wait(LEGIBILITY_QUIET_SECONDS):
                continue  # another save came: check only when the writing pauses, not under the next update
            with self._lock:
                result, generation = self._latest, self._generation
            if result is None:
                continue
            try:
                report = check_legibility(result.out_dir, result, self.cache_dir, announce=False)
            except Exception as exc:  # noqa: BLE001 - a lost check must never stop the writing loop
                report = Report(skipped=f"{type(exc).__name__}: {exc}")
            with self._lock:
                if generation == self._generation:
                    self._print(report)

    def _print(self, report: Report) -> None:
        lines = [finding.one_line("warning") for finding in report.findings]
        if report.skipped and self._printed is None:
            lines = [f"legibility: check skipped: {report.skipped}"]
        if lines == self._printed or self.quiet:
            return
        self._printed = lines
        for line in lines:
            print(line, file=sys.stderr, flush=True)
        if not lines:
            print("legibility: no findings", file=sys.stderr, flush=True)


class Session:
    """One watch session: the server, the last good build, and the rebuild step."""

    def __init__(self, args: argparse.Namespace, server: LiveServer):
        self.args = args
        self.server = server
        self.last: BuildResult | None = None
        self.files: dict[str, str] = {}  # the output's files besides index.html, by digest
        self.pending: set[Path] = set()  # files changed since the last good build
        self.legibility = LegibilityWatch(Path(args.cache), args.quiet)

    def rebuild(self, reason: str = "", changed: set[Path] | None = None) -> bool:
        started = time.perf_counter()
        if changed is not None:
            changed = self.pending = self.pending | changed  # a file still broken since the last good build counts too
        try:
            result = refresh(self.last, changed) if self.last is not None and changed else None
            in_place = result is not None
            if result is None:
                result = build(
                    self.args.config,
                    self.args.out,
                    cache_dir=self.args.cache,
                    use_cache=not (self.args.no_cache and self.last is None),
                    progress=not self.args.quiet,
                    check_legibility="off",
                )
        except DeckError as exc:
            self._failed(exc.one_line())
            return False
        except Exception as exc:  # a bug of ours: keep serving the last good deck
            self._failed(f"build.py: internal error: {type(exc).__name__}: {exc}")
            return False
        previous, self.last = self.last, result
        self.pending = set()
        files = self.files if in_place else output_files(Path(self.args.out))
        patch = slide_patch(previous, result) if previous is not None and files == self.files else None
        self.files = files
        self.server.state.built(patch)
        self.legibility.submit(result)
        if not self.args.quiet:
            how = "" if previous is None else f", {len(patch['slides'])} slide(s) updated in place" if patch is not None else ", page reloaded"
            print(self.describe(result, time.perf_counter() - started, reason) + how, flush=True)
        return True

    def _failed(self, line: str) -> None:
        print(line, file=sys.stderr, flush=True)
        self.server.state.failed(line)

    @staticmethod
    def describe(result: BuildResult, seconds: float, reason: str) -> str:
        if "slides refreshed in place" in result.notes:
            why = f" after {reason}" if reason else ""
            return f"[{time.strftime('%H:%M:%S')}] rendered the changed slides in {seconds:.3f} s{why} (network from cache, no figure redrawn)"
        network = "network trained" if result.trained else "network from cache"
        figures = f"{len(result.redrawn)} figure(s) redrawn" if result.redrawn else "no figure redrawn"
        why = f" after {reason}" if reason else ""
        return f"[{time.strftime('%H:%M:%S')}] built {len(result.slides)} slides in {seconds:.2f} s{why} ({network}, {figures})"


def main(args: argparse.Namespace) -> int:
    """Serve, build, watch; return 0 on Ctrl-C, 2 when the port cannot be used."""
    config = Path(args.config)
    try:
        server = LiveServer(Path(args.out).absolute(), args.port)
    except OSError as exc:
        print(f"build.py: cannot serve on 127.0.0.1:{args.port}: {exc.strerror or exc} (hint: choose another port with --port)", file=sys.stderr)
        return 2
    watched = [config.parent.resolve(), TEMPLATES_DIR]
    ignore = [Path(args.out), Path(args.cache)]
    collector = ChangeCollector(watched, ignore)
    observer = Observer()
    for folder in watched:
        observer.schedule(collector, str(folder), recursive=True)
    session = Session(args, server)
    # Ctrl-C must stop the server even when started from a script that ignores SIGINT
    # for its background jobs; a terminating signal (kill, an IDE closing) stops it the same way.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    server.start()
    observer.start()
    try:
        session.rebuild()
        print(f"Serving {server.url} - watching {', '.join(display_path(f) + '/' for f in watched)} (Ctrl-C to stop)", flush=True)
        if args.open:
            webbrowser.open(server.url)
        while True:
            changed = wait_for_quiet(collector)
            names = sorted({display_path(p) for p in changed if p.exists()}) or ["a deletion"]
            session.rebuild(", ".join(names[:3]) + (" ..." if len(names) > 3 else ""), changed)
    except KeyboardInterrupt:
        print(f"\nStopped watching; the last good deck is in {display_path(Path(args.out))}/", flush=True)
        return 0
    finally:
        observer.stop()
        server.stop()
        observer.join(timeout=5)


def slide_patch(old: BuildResult, new: BuildResult) -> dict | None:
    """The slides that differ between two builds, or None when the page around them changed too."""
    if old.page is None or new.page is None or old.page.shell != new.page.shell or len(old.page.sections) != len(new.page.sections):
        return None
    changed = [
        {"index": index, "html": section}
        for index, (before, section) in enumerate(zip(old.page.sections, new.page.sections))
        if before != section
    ]
    return {"count": len(new.page.sections), "slides": changed}


def output_files(out_dir: Path) -> dict[str, str]:
    """A digest of every file the page loads besides index.html: if one changed, the page reloads."""
    digests: dict[str, str] = {}
    for folder, _, names in os.walk(out_dir):
        for name in names:
            path = Path(folder) / name
            relative = path.relative_to(out_dir).as_posix()
            if relative == "index.html" or name.startswith("."):
                continue
            digests[relative] = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
    return digests


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
