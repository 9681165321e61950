"""The hand-off PDF: the built deck printed by headless Chromium.

reveal.js has its own print layout (``index.html?print-pdf``): one page per
slide, fragments shown, and our demos swap themselves for their static
fallback images under ``html.print-pdf``. We only have to open that layout,
wait until everything the page draws late (KaTeX, images, fonts) is on the
page, and print. Debian's Chromium does the printing; we never download one.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from deck.assemble import SLIDE_HEIGHT, SLIDE_WIDTH
from deck.errors import DeckError
from deck.hints import slug
from deck.output import record_handoff

if TYPE_CHECKING:
    from deck.pipeline import BuildResult

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
INSTALL_HINT = "install it with 'apt-get install -y chromium'"
# The page is laid out at the deck's own size, so print pages match the slides.
VIEWPORT = {"width": SLIDE_WIDTH, "height": SLIDE_HEIGHT}
LOAD_TIMEOUT_MS = 60_000
_LAST_NOTES_PAGE_CSS = (
    ".reveal .slides > :last-child.speaker-notes-pdf { page-break-after: auto !important; break-after: auto !important; }"
)


def export_pdf(result: "BuildResult", with_notes: bool = False) -> Path:
    """Print ``result``'s deck to ``<out_dir>/<slug>.pdf`` (``<slug>-notes.pdf`` with notes) and return its path.

    The file is recorded as a hand-off, so the next build carries it into the new deck.
    """
    target = result.out_dir / pdf_name(result.config.title, with_notes)
    formulas = sum(len(slide.formulas) for slide in result.slides)
    query = "print-pdf" + ("&showNotes=separate-page" if with_notes else "")
    url = (result.out_dir / "index.html").resolve().as_uri() + "?" + query
    partial = target.with_name(f".{target.name}.partial")
    try:
        with chromium(target) as browser:
            page = browser.new_page(viewport=VIEWPORT)
            try:
                page.goto(url, wait_until="load", timeout=LOAD_TIMEOUT_MS)
                wait_until_drawn(page, formulas, target)
                if with_notes:
                    # reveal breaks after every notes page, which leaves a blank last page.
                    page.add_style_tag(content=_LAST_NOTES_PAGE_CSS)
                page.pdf(path=str(partial), prefer_css_page_size=True, print_background=True)
            finally:
                page.close()
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)  # a failed or interrupted print leaves no half file in the deck
    record_handoff(result.out_dir, target.name)
    return target


def pdf_name(title: str, with_notes: bool = False) -> str:
    """The hand-off PDF's file name: the notes edition has a name of its own."""
    return f"{slug(title)}{'-notes' if with_notes else ''}.pdf"


def wait_until_drawn(page: Any, formulas: int, target: Path) -> None:
    """Block until reveal's print layout, KaTeX, images and fonts are all done."""
    page.wait_for_function(
        "() => window.Reveal && Reveal.isReady() && document.querySelectorAll('.pdf-page').length > 0",
        timeout=LOAD_TIMEOUT_MS,
    )
    if formulas:
        try:
            page.wait_for_function(
                "n => document.querySelectorAll('.reveal .slides .katex').length >= n",
                arg=formulas,
                timeout=LOAD_TIMEOUT_MS // 2,
            )
        except Exception:
            raise DeckError(target, None, "cannot print: KaTeX did not render the slides' math", "run build.py --check to find the formula") from None
    broken = page.evaluate(
        """async () => {
            await document.fonts.ready;
            const images = Array.from(document.images);
            await Promise.all(images.map(img => img.decode().catch(() => null)));
            return images.filter(img => !(img.complete && img.naturalWidth > 0))
                         .map(img => img.getAttribute('src'));
        }"""
    )
    if broken:
        raise DeckError(target, None, f"cannot print: image(s) did not load: {', '.join(sorted(set(broken)))}")
    # Two frames so that layout after the last decode has been painted.
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


class chromium:
    """Debian's Chromium under Playwright, as a context manager with one-line failures."""

    def __init__(self, target: Path):
        self.target = target
        self._playwright: Any = None
        self._browser: Any = None

    def __enter__(self) -> Any:
        executable = shutil.which("chromium")
        if executable is None:
            raise DeckError(self.target, None, "cannot print: Chromium is not installed", INSTALL_HINT)
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            raise DeckError(self.target, None, "cannot print: Playwright is not installed", "run 'make test' or '.venv/bin/pip install playwright'") from None
        self._playwright = sync_playwright().start()
        try:
            self._browser = self._playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        except Exception as exc:
            self._playwright.stop()
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise DeckError(self.target, None, f"cannot print: Chromium did not start: {first}", INSTALL_HINT) from None
        return self._browser

    def __exit__(self, *exc: object) -> None:
        try:
            if self._browser is not None:
                self._browser.close()
        finally:
            self._playwright.stop()

