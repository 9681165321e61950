"""Stage benchmark: watch-mode reload latency, PDF export, single-file export.

Run: .venv/bin/python benchmarks/bench_stage.py [--config slides/deck.yaml] [--runs 5]

Prints, side by side with the issue's targets:
- watch mode: from saving a slide file to the reloaded page showing the change
  (median of N edits, real Chromium, network from the project's cache);
- PDF export of the deck: seconds, page count against slide count;
- single file: size and the requests Chromium makes opening a lone copy.
Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from deck.errors import DeckError  # noqa: E402
from deck.pdf import chromium, export_pdf  # noqa: E402
from deck.pipeline import DEFAULT_CACHE, build  # noqa: E402
from deck.single_file import write_single_file  # noqa: E402


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def poll(page, script: str, timeout: float = 30.0) -> float:
    """Seconds until ``script`` is true; tolerates the page reloading meanwhile."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        try:
            if page.evaluate(script):
                return time.perf_counter() - started
        except Exception:
            pass
        time.sleep(0.01)
    raise TimeoutError(script)


def bench_watch(config: Path, runs: int) -> dict[str, object]:
    """Edit the heading of one slide N times in a copy of the deck; time save -> visible."""
    work = Path(tempfile.mkdtemp(prefix="bench-watch-"))
    slides = work / "slides"
    shutil.copytree(config.parent, slides)
    port = free_port()
    lines: list[str] = []
    proc = subprocess.Popen(
        [sys.executable, str(PROJECT / "build.py"), "--watch", "--config", str(slides / config.name),
         "--out", str(work / "output"), "--port", str(port)],
        cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    threading.Thread(target=lambda: lines.extend(line.rstrip() for line in proc.stdout), daemon=True).start()
    try:
        deadline = time.monotonic() + 600
        while not any("Serving" in line for line in lines):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("watch mode did not start:\n" + "\n".join(lines))
            time.sleep(0.05)
        from deck.pipeline import load_sources

        _, parsed = load_sources(slides / config.name)
        # A slide a few steps in, with a Markdown heading we can rewrite.
        target_index, target = next(
            (i, s) for i, s in enumerate(parsed) if i >= 3 and s.body.lstrip().startswith("## ")
        )
        heading = target.body.lstrip().splitlines()[0]
        with chromium(config) as browser:
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            page.goto(f"http://127.0.0.1:{port}/")
            page.wait_for_function("() => window.Reveal && Reveal.isReady() && window.DeckLive")
            page.evaluate("i => { const s = Reveal.getSlides()[i]; const at = Reveal.getIndices(s); Reveal.slide(at.h, at.v); }", target_index)
            latencies = []
            text = target.file.read_text(encoding="utf-8")
            for run in range(runs):
                marker = f"edited {run}"
                new = text.replace(heading, f"{heading} {marker}", 1)
                started = time.perf_counter()
                target.file.write_text(new, encoding="utf-8")
                try:
                    poll(page, f"() => window.Reveal && Reveal.isReady() && Reveal.getCurrentSlide().textContent.includes({marker!r})")
                except TimeoutError:
                    raise RuntimeError(f"edit of {target.file.name} never showed; watch mode printed:\n" + "\n".join(lines)) from None
                latencies.append(time.perf_counter() - started)
                position_kept = page.evaluate("() => Reveal.getSlidePastCount()") == target_index
                if not position_kept:
                    raise RuntimeError("the reload lost the slide position")
                time.sleep(0.3)
        builds = [line for line in lines if " after " in line]
        return {
            "median": statistics.median(latencies),
            "all": latencies,
            "slide": f"{target.file.name}:{target.line}",
            "last_build": builds[-1] if builds else "",
        }
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(work, ignore_errors=True)


def bench_exports(config: Path) -> dict[str, object]:
    from pypdf import PdfReader

    work = Path(tempfile.mkdtemp(prefix="bench-export-"))
    try:
        result = build(config, work / "output", cache_dir=DEFAULT_CACHE, progress=False)
        started = time.perf_counter()
        pdf = export_pdf(result, with_notes=False)
        pdf_seconds = time.perf_counter() - started
        pages = len(PdfReader(pdf).pages)

        started = time.perf_counter()
        single = write_single_file(result)
        single_seconds = time.perf_counter() - started
        alone = work / "usb" / single.name
        alone.parent.mkdir()
        shutil.copyfile(single, alone)
        with chromium(alone) as browser:
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            requests: list[str] = []
            page.on("request", lambda request: requests.append(request.url))
            page.goto(alone.as_uri())
            page.wait_for_function("() => window.Reveal && Reveal.isReady()")
            for index in range(len(result.slides)):
                page.evaluate("i => { const s = Reveal.getSlides()[i]; const at = Reveal.getIndices(s); Reveal.slide(at.h, at.v); }", index)
                page.wait_for_timeout(60)
            undecoded = page.evaluate(
                """async () => { const imgs = Array.from(document.images);
                   await Promise.all(imgs.map(i => i.decode().catch(() => null)));
                   return imgs.filter(i => i.naturalWidth === 0).length; }"""
            )
        return {
            "slides": len(result.slides),
            "pdf_seconds": pdf_seconds,
            "pages": pages,
            "single_mb": single.stat().st_size / 1e6,
            "single_seconds": single_seconds,
            "requests": len(requests),
            "other_requests": [url for url in requests if url != alone.as_uri()],
            "undecoded": undecoded,
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=PROJECT / "slides" / "deck.yaml")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    config = args.config.resolve()
    try:
        watch = bench_watch(config, args.runs)
        exports = bench_exports(config)
    except DeckError as exc:
        sys.exit(str(exc))

    print(f"Stage benchmark for {config.relative_to(PROJECT) if PROJECT in config.parents else config}")
    print(f"{'measure':<44} {'result':>22}   target")
    print(f"{'watch: save -> browser shows it (median)':<44} {watch['median']:>20.2f} s   < 1 s")
    print(f"{'  each of ' + str(args.runs) + ' edits of ' + watch['slide']:<44} {' '.join(f'{t:.2f}' for t in watch['all']):>22}")
    print(f"{'pdf export':<44} {exports['pdf_seconds']:>20.1f} s   < 30 s")
    print(f"{'pdf pages / slides':<44} {str(exports['pages']) + ' / ' + str(exports['slides']):>22}   equal")
    print(f"{'single file size':<44} {exports['single_mb']:>19.1f} MB   < 15 MB")
    print(f"{'single file write time':<44} {exports['single_seconds']:>20.2f} s")
    print(f"{'single file requests (own URL included)':<44} {exports['requests']:>22}   1")
    print(f"{'single file requests other than its own':<44} {len(exports['other_requests']):>22}   0")
    print(f"{'single file images not decoded':<44} {exports['undecoded']:>22}   0")
    print(f"last watch rebuild: {watch['last_build']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
