"""Can the back row read it? Each built slide laid out at 1280x720 in Chromium, measured.

Every build checks its own page: content outside the 1280x720 frame, text
smaller than ``min_text_px`` (deck.yaml, default 24 px at 1280x720), text whose
contrast against the background it sits on is below 4.5:1 (WCAG AA), and
figures whose smallest lettering, scaled to the size they are shown at, falls
below the same threshold. A finding names the slide's source ``FILE:LINE``; it is
a warning, or an error with ``--strict``.

A finding is silenced on purpose by ``<!-- legibility: ignore KIND -->`` (KIND is
``overflow``, ``small-text``, ``contrast``, ``figure-text`` or ``all``) on the line
it names or on the line above it.

Chromium runs only when the laid-out page changed: the findings are cached by a
hash of the built page, its stylesheets and scripts, the figures' sizes and this
module. Without Chromium or Playwright the check says so once and is skipped.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import json
import re
import shutil
import sys
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from deck.compute import Figure
from deck.errors import DeckError, display_path
from deck.memo import recall_json, remember_json

if TYPE_CHECKING:
    from deck.pipeline import BuildResult
    from deck.sources import Slide

DEFAULT_MIN_TEXT_PX = 24.0
MIN_CONTRAST = 4.5  # WCAG AA for body text; the issue asks it of all text
KINDS = ("overflow", "small-text", "contrast", "figure-text")
WIDTH, HEIGHT = 1280, 720
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOAD_TIMEOUT_MS = 60_000
_VERSION = b"legibility-v2"  # v2: findings cached per slide
_IGNORE = re.compile(r"<!--\s*legibility:\s*ignore\s+([a-z\s,-]+?)\s*-->")
_warned_missing = False


@dataclass(frozen=True, order=True)
class Finding:
    """One thing the back row cannot read, at the slide source line that made it."""

    file: str
    line: int
    kind: str
    message: str

    def one_line(self, severity: str = "warning") -> str:
        return f"{self.file}:{self.line}: {severity}: legibility: {self.message}"


@dataclass
class Report:
    """The check's result for one build: findings, or why it did not run."""

    findings: list[Finding] = field(default_factory=list)
    skipped: str = ""  # why no check was made (no Chromium ...)
    browser: bool = False  # Chromium ran (False: the findings came from the cache)
    seconds: float = 0.0
    silenced: int = 0


# What figures report at draw time ------------------------------------------------


@contextmanager
def recording_fonts(dpi: float) -> Iterator[list[float]]:
    """Collect the size in pixels (at ``dpi``) of every text matplotlib actually draws meanwhile.

    Hooking ``Text.draw`` sees exactly what lands in the image: tick labels
    outside the view and invisible or empty texts are never drawn. A mathtext
    sub- or superscript is drawn at matplotlib's shrink factor of 0.7."""
    from matplotlib.text import Text

    sizes: list[float] = []
    original = Text.draw

    def draw(self: Any, renderer: Any) -> Any:
        text = self.get_text()
        if self.get_visible() and text.strip():
            size = float(self.get_fontsize()) * dpi / 72
            if text.count("$") >= 2 and re.search(r"[_^]", text):
                size *= 0.7
            sizes.append(size)
        return original(self, renderer)

    Text.draw = draw  # type: ignore[method-assign]
    try:
        yield sizes
    finally:
        Text.draw = original  # type: ignore[method-assign]


def smallest(sizes: list[float]) -> float | None:
    return round(min(sizes), 2) if sizes else None


# The check ------------------------------------------------------------------------


def check(stage: Path, result: "BuildResult", cache_dir: Path, announce: bool = True) -> Report:
    """Check the page built in ``stage``; Chromium lays out only the slides whose inputs changed.

    Each slide's findings are cached under a hash of its own <section> and of everything
    else its layout depends on (the rest of the page, stylesheets, scripts, figure sizes,
    the threshold, this module). A warm build with nothing changed reads them all from the
    cache; after an edit, a page holding only the changed slides is laid out."""
    started = time.perf_counter()
    report = Report()
    threshold = float(getattr(result.config, "min_text_px", DEFAULT_MIN_TEXT_PX))
    figures = _figure_facts(result.figures)
    html = (stage / "index.html").read_text(encoding="utf-8")
    spans = _slide_spans(html)
    if len(spans) != len(result.slides):  # a slide's own HTML holds <section>s: check the page as a whole
        spans = []
    shared = _shared_key(stage, html, spans, figures, threshold)
    folder = cache_dir / "legibility"
    keys = [hashlib.sha256(shared.encode() + html[a:b].encode()).hexdigest() for a, b in spans] or [shared]
    cached = [_read(folder / f"{key}.json") for key in keys]
    if spans:  # a slide's findings follow it when slides before it come or go
        cached = [None if items is None else [{**item, "slide": index} for item in items] for index, items in enumerate(cached)]
    wanted = [i for i, items in enumerate(cached) if items is None]
    if wanted:
        try:
            fresh = measure(stage, html, spans, wanted if spans else None, figures, threshold)
        except _NoBrowser as exc:
            global _warned_missing
            report.skipped = str(exc)
            if not _warned_missing and announce:
                print(f"legibility: check skipped: {exc}", file=sys.stderr)
                _warned_missing = True
            report.seconds = time.perf_counter() - started
            return report
        except Exception as exc:  # the page did not load or the script failed: a check lost, not a build
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            report.skipped = f"the check failed: {type(exc).__name__}: {first}"
            if announce:
                print(f"legibility: check skipped: {report.skipped}", file=sys.stderr)
            report.seconds = time.perf_counter() - started
            return report
        report.browser = True
        for index in wanted if spans else [0]:
            items = [item for item in fresh if not spans or item["slide"] == index]
            cached[index] = items
            _write(folder / f"{keys[index]}.json", items)
    raw = [item for items in cached for item in (items or [])]
    report.findings, report.silenced = locate(raw, result.slides)
    report.seconds = time.perf_counter() - started
    return report


def locate(raw: list[dict[str, Any]], slides: list[Any]) -> tuple[list[Finding], int]:
    """Turn the browser's measurements into findings at source lines, minus silenced ones.

    One finding per slide and kind: it names the line of the worst case and how many
    more the slide has, so a small-print code block is one warning, not twenty."""
    groups: dict[tuple[int, str], list[tuple[float, int, str]]] = {}
    silenced = 0
    for item in raw:
        index = item["slide"]
        if not 0 <= index < len(slides):
            continue
        source: Slide = slides[index].source
        line = _line_for(source, item.get("needle", ""), item.get("figure"))
        if _ignored(source.file, line, item["kind"]):
            silenced += 1
            continue
        groups.setdefault((index, item["kind"]), []).append((float(item.get("severity", 0)), line, item["message"]))
    findings = []
    for (index, kind), cases in groups.items():
        worst = max(cases, key=lambda case: (case[0], -case[1]))
        lines = sorted({case[1] for case in cases})
        more = ""
        if len(cases) > 1:
            span = f", lines {lines[0]}-{lines[-1]}" if len(lines) > 1 else ""
            more = f" (and {len(cases) - 1} more on this slide{span})"
        findings.append(Finding(display_path(slides[index].source.file), worst[1], kind, worst[2] + more))
    return sorted(findings), silenced


def measure(stage: Path, html: str, spans: list[tuple[int, int]], wanted: list[int] | None,
            figures: dict[str, dict[str, Any]], threshold: float) -> list[dict[str, Any]]:
    """``_measure`` in a thread of its own: Playwright's sync API refuses to start in a thread
    that already runs an asyncio loop (a caller driving its own browser, such as a test)."""
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="legibility") as pool:
        return pool.submit(_measure, stage, html, spans, wanted, figures, threshold).result()


def _measure(stage: Path, html: str, spans: list[tuple[int, int]], wanted: list[int] | None,
             figures: dict[str, dict[str, Any]], threshold: float) -> list[dict[str, Any]]:
    """Lay the slides ``wanted`` (None: all) out in Chromium and return what the measuring script found.

    The page opened is the built page with every other slide emptied (so slide numbers stay),
    written beside index.html for the moment it is open; without a live demo among the
    wanted slides, the demos' scripts and data (megabytes) are left out as well."""
    executable = chromium_path()
    if executable is None:
        raise _NoBrowser("Chromium is not installed (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise _NoBrowser("Playwright is not installed (.venv/bin/pip install playwright)") from None
    page_file = stage / "index.html"
    if wanted is not None:
        page_file = stage / ".legibility-check.html"
        page_file.write_text(_pruned(html, spans, set(wanted)), encoding="utf-8")
    try:
        with sync_playwright() as playwright:
            try:
                browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            except Exception as exc:
                first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
                raise _NoBrowser(f"Chromium did not start: {first}") from None
            try:
                page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
                page.goto(page_file.resolve().as_uri(), wait_until="load", timeout=LOAD_TIMEOUT_MS)
                page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=LOAD_TIMEOUT_MS)
                return page.evaluate(_MEASURE_JS, {"figures": figures, "threshold": threshold, "contrast": MIN_CONTRAST, "wanted": wanted})
            finally:
                browser.close()
    finally:
        if page_file.name != "index.html":
            page_file.unlink(missing_ok=True)


_SECTION_TAG = re.compile(r"<section\b[^>]*>|</section\s*>", re.I)


def _slide_spans(html: str) -> list[tuple[int, int]]:
    """Where each slide's <section> starts and ends in the page, in reveal.js's order (stacks left out).

    Slide text shown as text has its brackets escaped, so a tag scan finds the page's own
    sections; a slide whose HTML adds sections makes the count differ and the caller checks
    the page whole."""
    open_tags: list[list[int]] = []  # [start offset, 1 if a section opened inside]
    spans: list[tuple[int, int]] = []
    for tag in _SECTION_TAG.finditer(html):
        if tag.group().startswith("</"):
            if not open_tags:
                return []
            begin, parent = open_tags.pop()
            if not parent:
                spans.append((begin, tag.end()))
        else:
            if open_tags:
                open_tags[-1][1] = 1
            open_tags.append([tag.start(), 0])
    return sorted(spans) if not open_tags else []


def _pruned(html: str, spans: list[tuple[int, int]], wanted: set[int]) -> str:
    """The page with the slides not ``wanted`` emptied; without a demo among those, no demo scripts."""
    pieces: list[str] = []
    position = 0
    for index, (begin, end) in enumerate(spans):
        pieces.append(html[position:begin])
        section = html[begin:end]
        pieces.append(section if index in wanted else section[: section.index(">") + 1] + "</section>")
        position = end
    pieces.append(html[position:])
    page = "".join(pieces)
    if not any("data-demo=" in html[spans[i][0]:spans[i][1]] for i in wanted):
        page = re.sub(r'<script src="(?:data|demos|lib|runtime)/[^"]*"></script>', "", page)
    return page


def chromium_path() -> str | None:
    """Debian's Chromium on PATH; the check never downloads a browser."""
    return shutil.which("chromium")


class _NoBrowser(Exception):
    pass


# Strict mode and the command line ---------------------------------------------------


def print_findings(report: Report | None, strict: bool = False, quiet: bool = False) -> int:
    """Print the findings (warnings, or errors with --strict); return the exit status they call for."""
    if report is None or (quiet and not strict):
        return 0
    severity = "error" if strict else "warning"
    for finding in report.findings:
        print(finding.one_line(severity), file=sys.stderr)
    if report.findings and not quiet:
        print(f"legibility: {len(report.findings)} finding(s){' (--strict)' if strict else ''}", file=sys.stderr)
    return 1 if strict and report.findings else 0


def refuse_findings(stage: Path, result: "BuildResult") -> None:
    """``before_swap`` for --strict: a deck with findings is not written; the previous output stays."""
    report = getattr(result, "legibility", None)
    if report is None or not report.findings:
        return
    for finding in report.findings:
        print(finding.one_line("error"), file=sys.stderr)
    first = report.findings[0]
    raise DeckError(first.file, first.line, f"legibility: {len(report.findings)} finding(s) with --strict; "
                    "the deck was not written and the previous output is untouched")


def check_talk(config_path: Path, cache_dir: Path) -> Report:
    """``--check``: build the talk into a scratch folder from its cache and check that page.

    With no cache yet (nothing was ever built) the check is skipped with a message rather
    than training and drawing everything inside a lint run."""
    import tempfile

    from deck.pipeline import build

    if not Path(cache_dir).is_dir():
        print(f"legibility: not checked: no cache at {display_path(Path(cache_dir))} yet (build the talk once)", file=sys.stderr)
        return Report(skipped="no cache yet")
    with tempfile.TemporaryDirectory(prefix="deck-legibility-") as scratch:
        result = build(config_path, Path(scratch) / "out", cache_dir=cache_dir, progress=False)
    return result.legibility or Report(skipped="the build made no check")


# Helpers ------------------------------------------------------------------------------


def _figure_facts(figures: dict[str, Figure]) -> dict[str, dict[str, Any]]:
    return {
        name: {"width": f.width, "height": f.height, "min_font_px": getattr(f, "min_font_px", None)}
        for name, f in sorted(figures.items())
    }


def _shared_key(stage: Path, html: str, spans: list[tuple[int, int]], figures: dict[str, dict[str, Any]], threshold: float) -> str:
    """What every slide's layout depends on besides its own <section>: the rest of the page, our
    stylesheets and scripts (demo data included: it fills the demos' text), figure sizes, this check."""
    digest = hashlib.sha256(_VERSION)
    digest.update(Path(__file__).read_bytes())
    digest.update(json.dumps([figures, threshold, MIN_CONTRAST], sort_keys=True).encode())
    position = 0
    for begin, end in spans:
        digest.update(html[position:begin].encode())
        position = end
    digest.update(html[position:].encode())
    for path in sorted(stage.rglob("*")):
        relative = path.relative_to(stage)
        if relative.parts[0] == "vendor" or path.suffix not in (".css", ".js") or not path.is_file():
            continue
        digest.update(str(relative).encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    for name in ("reveal.js/dist/reveal.js", "reveal.js/dist/reveal.css", "reveal.js/package.json"):  # vendor: its version
        vendor = stage / "vendor" / name
        if vendor.is_file():
            digest.update(str(vendor.stat().st_size).encode())
    return digest.hexdigest()


def _read(entry: Path) -> list[dict[str, Any]] | None:
    value = recall_json(entry)
    if not isinstance(value, list) or not all(isinstance(v, dict) and {"slide", "kind", "message"} <= set(v) for v in value):
        return None
    return value


def _write(entry: Path, raw: list[dict[str, Any]]) -> None:
    remember_json(entry, raw)  # an unwritable cache only costs a Chromium run


def _line_for(slide: "Slide", needle: str, figure: str | None) -> int:
    """The body line that holds the offending text or names the figure; the slide's own line if none."""
    lines = slide.body.split("\n")
    wanted = [f"figure:{figure}", f'"{figure}"', f"'{figure}'"] if figure else []
    exact = (needle or "").strip()
    if len(exact) >= 3 and "\n" not in exact:
        wanted.append(exact)
    for index, text in enumerate(lines):
        if any(w in text for w in wanted):
            return slide.body_line + index
    words = re.findall(r"[A-Za-z0-9]{3,}", needle or "")
    if words:
        probe = words[:4]
        best, best_hits = None, 0
        for index, text in enumerate(lines):
            hits = sum(1 for w in probe if w in text)
            if hits > best_hits:
                best, best_hits = index, hits
        if best is not None:
            return slide.body_line + best
    return slide.line


def _ignored(path: Path, line: int, kind: str) -> bool:
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except OSError:
        return False
    for number in (line, line - 1):
        if 1 <= number <= len(lines):
            for match in _IGNORE.finditer(lines[number - 1]):
                kinds = set(re.split(r"[\s,]+", match.group(1).strip()))
                if kind in kinds or "all" in kinds:
                    return True
    return False


# The measuring script: runs once in the page, visits every slide with all fragments shown.
_MEASURE_JS = r"""
async ({figures, threshold, contrast, wanted}) => {
  // Every declared font now, not when a slide first shows it: KaTeX's glyphs change widths.
  await Promise.all(Array.from(document.fonts).map(f => f.load().catch(() => null)));
  await document.fonts.ready;
  // Every figure loaded (reveal.js loads a slide's data-src images only near the current slide).
  window.DeckLoadFigures();
  await Promise.all(Array.from(document.images).map(img => img.decode().catch(() => null)));
  // Measure the end state: no transition or animation half-way (a fading slide, a fragment).
  const still = document.createElement('style');
  still.textContent = '*, *::before, *::after { transition: none !important; animation: none !important; }';
  document.head.appendChild(still);
  Reveal.configure({margin: 0, minScale: 1, maxScale: 1, transition: 'none', backgroundTransition: 'none'});
  Reveal.layout();
  const canvas = document.createElement('canvas').getContext('2d');
  const parse = (colour) => {
    let m = /^rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)$/.exec(colour);
    if (!m) {
      canvas.clearRect(0, 0, 1, 1); canvas.fillStyle = '#000'; canvas.fillStyle = colour;
      canvas.fillRect(0, 0, 1, 1);
      const d = canvas.getImageData(0, 0, 1, 1).data;
      return [d[0], d[1], d[2], d[3] / 255];
    }
    return [+m[1], +m[2], +m[3], m[4] === undefined ? 1 : +m[4]];
  };
  const over = (top, bottom) => {  // top (with alpha) composited on an opaque bottom
    const a = top[3];
    return [0, 1, 2].map(i => top[i] * a + bottom[i] * (1 - a)).concat([1]);
  };
  const luminance = (c) => {
    const [r, g, b] = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const pageBackground = () => {
    for (const el of [document.querySelector('.reveal-viewport'), document.querySelector('.reveal'), document.body, document.documentElement]) {
      if (!el) continue;
      const c = parse(getComputedStyle(el).backgroundColor);
      if (c[3] > 0) return over(c, [255, 255, 255, 1]);
    }
    return [255, 255, 255, 1];
  };
  // The background under an element: its own and its ancestors' colours down to the slide's.
  // null when an image or gradient lies under it (no single colour to measure against).
  const backgroundOf = (el, section, slideBackground) => {
    const layers = [];
    for (let node = el; node; node = node.parentElement) {
      const cs = getComputedStyle(node);
      if (cs.backgroundImage && cs.backgroundImage !== 'none') return null;
      const c = parse(cs.backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
      if (node === section) { layers.push(slideBackground); break; }
    }
    let base = layers.length && layers[layers.length - 1][3] >= 1 ? layers.pop() : slideBackground;
    if (!base) return null;
    while (layers.length) base = over(layers.pop(), base);
    return base;
  };
  const opacityOf = (el, section) => {
    let o = 1;
    for (let node = el; node && node !== section.parentElement; node = node.parentElement) o *= parseFloat(getComputedStyle(node).opacity);
    return o;
  };
  const snippet = (text) => text.replace(/\s+/g, ' ').trim().slice(0, 40);
  const found = [];
  const slides = Reveal.getSlides();
  for (let index = 0; index < slides.length; index++) {
    if (wanted && !wanted.includes(index)) continue;
    const section = slides[index];
    const where = Reveal.getIndices(section);
    Reveal.slide(where.h, where.v, 1000);
    section.querySelectorAll('.fragment').forEach(f => f.classList.add('visible'));
    section.getBoundingClientRect();
    await document.fonts.ready;
    const frame = document.querySelector('.reveal .slides').getBoundingClientRect();
    const bg = Reveal.getSlideBackground(where.h, where.v);
    let slideBackground = pageBackground();
    if (bg) {  // reveal.js paints data-background-* on the background element or its content layer
      for (const layer of [bg, bg.querySelector('.slide-background-content')]) {
        if (!layer || !slideBackground) continue;
        const cs = getComputedStyle(layer);
        if (cs.backgroundImage && cs.backgroundImage !== 'none') { slideBackground = null; continue; }
        const c = parse(cs.backgroundColor);
        if (c[3] > 0) slideBackground = over(c, slideBackground);
      }
    }
    const outside = (r) => r.width > 0 && r.height > 0 &&
      (r.left < frame.left - 1 || r.top < frame.top - 1 || r.right > frame.right + 1 || r.bottom > frame.bottom + 1);
    const edges = (r) => {
      const parts = [];
      if (r.bottom > frame.bottom + 1) parts.push(`${Math.round(r.bottom - frame.bottom)} px below`);
      if (r.top < frame.top - 1) parts.push(`${Math.round(frame.top - r.top)} px above`);
      if (r.right > frame.right + 1) parts.push(`${Math.round(r.right - frame.right)} px right of`);
      if (r.left < frame.left - 1) parts.push(`${Math.round(frame.left - r.left)} px left of`);
      return parts.join(', ');
    };
    const hidden = (el) => !el.checkVisibility({opacityProperty: false, visibilityProperty: true}) ||
      el.closest('aside.notes, .katex-mathml, script, style, template');
    // Text: size, contrast and position of every visible text node.
    const walker = document.createTreeWalker(section, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent;
      if (!text.trim()) continue;
      const el = node.parentElement;
      if (!el || hidden(el)) continue;
      range.selectNodeContents(node);
      const rect = range.getBoundingClientRect();
      if (rect.width === 0 || rect.height === 0) continue;
      const cs = getComputedStyle(el);
      const size = parseFloat(cs.fontSize);
      const sample = snippet(text);
      const math = el.closest('.katex');
      const annotation = math && math.querySelector('annotation');
      const needle = annotation ? annotation.textContent : text;  // a formula is found in the source by its TeX
      if (outside(rect)) {
        found.push({slide: index, kind: 'overflow', needle, severity: Math.max(rect.right - frame.right, rect.bottom - frame.bottom, frame.left - rect.left, frame.top - rect.top),
          message: `text "${sample}" lies outside the 1280x720 frame (${edges(rect)} it)`});
      }
      if (size < threshold - 0.01) {
        found.push({slide: index, kind: 'small-text', needle, severity: threshold - size,
          message: `text "${sample}" is ${+size.toFixed(1)} px, smaller than ${threshold} px`});
      }
      const back = backgroundOf(el, section, slideBackground);
      if (back) {
        const ink = parse(cs.color);
        ink[3] *= opacityOf(el, section);
        const shown = over(ink, back);
        const value = ratio(shown, back);
        if (value < contrast - 0.005) {
          found.push({slide: index, kind: 'contrast', needle, severity: contrast - value,
            message: `text "${sample}" has contrast ${value.toFixed(2)}:1 against its background, below ${contrast}:1`});
        }
      }
    }
    // Boxes: images, canvases, formulas, code, tables outside the frame or clipping their content.
    for (const el of section.querySelectorAll('img, svg, canvas, video, pre, table, .katex-display, .demo')) {
      if (hidden(el) || (el.tagName === 'svg' && el.parentElement.closest('svg'))) continue;
      const rect = el.getBoundingClientRect();
      const figure = el.closest('[data-figure]');
      const what = figure ? `figure '${figure.dataset.figure}'` : (el.dataset.demo ? `demo '${el.dataset.demo}'` :
        (el.classList.contains('katex-display') ? 'a formula' : `<${el.tagName.toLowerCase()}>`));
      const tex = el.querySelector('annotation');
      if (outside(rect)) {
        found.push({slide: index, kind: 'overflow', needle: tex ? tex.textContent : (el.textContent || ''), figure: figure ? figure.dataset.figure : null,
          severity: 1000, message: `${what} lies outside the 1280x720 frame (${edges(rect)} it)`});
      }
      if (el.tagName === 'PRE' || el.tagName === 'TABLE') {
        const box = el.tagName === 'PRE' ? (el.querySelector('code') || el) : el;
        if (box.scrollHeight > box.clientHeight + 2 && box.clientHeight > 0) {
          found.push({slide: index, kind: 'overflow', needle: box.textContent || '', severity: 1000,
            message: `${what} hides ${box.scrollHeight - box.clientHeight} px of its content (it would have to scroll)`});
        }
      }
    }
    if (section.scrollHeight > frame.height + 1) {
      found.push({slide: index, kind: 'overflow', needle: '', severity: 1000,
        message: `the slide is ${section.scrollHeight} px tall, more than the frame's ${Math.round(frame.height)} px`});
    }
    // Figures: the smallest lettering each was drawn with, scaled to the size it is shown at.
    for (const holder of section.querySelectorAll('[data-figure]')) {
      const name = holder.dataset.figure;
      const meta = figures[name];
      const img = holder.querySelector('img');
      if (!meta || !img || hidden(img) || !meta.min_font_px) continue;
      const shown = img.getBoundingClientRect();
      const scale = shown.width / meta.width;
      const px = meta.min_font_px * scale;
      if (px < threshold - 0.01) {
        found.push({slide: index, kind: 'figure-text', figure: name, severity: threshold - px,
          message: `figure '${name}': smallest text ${px.toFixed(1)} px as shown, smaller than ${threshold} px ` +
                   `(drawn at ${meta.width}x${meta.height} with ${meta.min_font_px} px text, shown at ${Math.round(shown.width)}x${Math.round(shown.height)})`});
      }
    }
  }
  return found;
}
"""
