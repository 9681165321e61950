"""Check a deck's sources and report every problem at once.

The build stops at the first error, which is right for a build but tedious
when a speaker wants to clean up a whole talk. ``lint`` keeps going: it parses
each file and each slide on its own, so one bad slide does not hide the next,
and it adds checks the build cannot make cheaply on every rebuild (KaTeX
parsing every formula, links to slide ids, word budgets, missing notes).

Output is ``FILE:LINE: error|warning: message``; errors make the exit status 1.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import jinja2

from deck import sources
from deck.config import DeckConfig, read_config
from deck.hints import did_you_mean
from deck.errors import DeckError, display_path
from deck.markup import Formula, Stash, plain_words, to_html
from deck.katex import KATEX_JS, katex_errors
from deck.paths import PROJECT_DIR, URL_SCHEME, inside
from deck.render import IMAGE_REFERENCE, RAW_SCRIPT
from deck.sources import Slide


_FIGURE_CALL = re.compile(r"\bfigure\(\s*(?P<q>['\"])(?P<name>[^'\"]+)(?P=q)(?P<rest>[^)]*)\)")
_DEMO_CALL = re.compile(r"\bdemo\(\s*(?P<q>['\"])(?P<name>[^'\"]+)(?P=q)")
_EMPTY_ALT = re.compile(r"\balt\s*=\s*(['\"])\s*\1")
_LINK = re.compile(r"\]\(#/(?P<md>[^)\s]*)\)|href=(['\"])#/(?P<html>[^'\"]*)\2")
_NET_FACT = re.compile(r"\bnet\.([A-Za-z_]\w*)")



@dataclass(frozen=True, order=True)
class Finding:
    """One problem in the sources; errors fail the check, warnings do not."""

    file: str
    line: int
    severity: str  # "error" or "warning"
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.severity}: {self.message}"


@dataclass
class DeckSources:
    """What lint needs: the configuration, the parsed slides, and (when known)
    the figure names and facts a build would offer the slides."""

    config: DeckConfig | None
    slides: list[Slide] = field(default_factory=list)
    figures: Mapping[str, Any] | Iterable[str] | None = None
    facts: Mapping[str, Any] | None = None
    demos: Mapping[str, bool] | None = None  # demo name -> has a still for print


def _finding(path: Path | str, line: int | None, severity: str, message: str) -> Finding:
    return Finding(display_path(Path(path)), line or 0, severity, message)


def _from_error(exc: DeckError, severity: str = "error") -> Finding:
    message = exc.message + (f" (hint: {exc.hint})" if exc.hint else "")
    return _finding(exc.path, exc.line, severity, " ".join(message.split()))


# --------------------------------------------------------------------------
# Collecting parse: every file, every slide, errors gathered not raised


def collect(deck_yaml: Path) -> tuple[DeckSources, list[Finding]]:
    """Parse deck.yaml and every slide file, collecting errors as findings."""
    try:
        config = read_config(deck_yaml)
    except DeckError as exc:
        return DeckSources(None), [_from_error(exc)]
    errors: list[DeckError] = []
    slides = sources.parse_files(config.slide_files, errors)
    findings = [_from_error(exc) for exc in errors]
    if not slides and not findings:
        findings.append(_finding(deck_yaml, 1, "error", "the deck has no slides"))
    return DeckSources(config, slides), findings


# --------------------------------------------------------------------------
# Checks over parsed slides


def lint(deck: Any) -> list[Finding]:
    """Every problem found in a parsed deck (``config``, ``slides``, and
    optionally ``figures`` and ``facts`` attributes), sorted by place."""
    config: DeckConfig | None = getattr(deck, "config", None)
    slides: list[Slide] = list(getattr(deck, "slides", []))
    figures = getattr(deck, "figures", None)
    facts = getattr(deck, "facts", None)
    figure_names = set(figures) if figures is not None else None
    findings: list[Finding] = []
    ids = _slide_ids(slides, findings)
    formulas: list[tuple[Slide, Formula]] = []
    budget = config.slide_word_budget if config else 40
    allow_scripts = config.allow_scripts if config else False
    env = jinja2.Environment()
    for slide in slides:
        _check_options(slide, findings)
        for text, first, kind in ((slide.body, slide.body_line, "slide"), (slide.notes, slide.notes_line, "notes")):
            if not text:
                continue
            _check_jinja(env, slide, text, first, findings)
            _check_links(slide, text, first, ids, slides, findings)
            if not allow_scripts:
                _check_scripts(slide, text, first, kind, findings)
            if facts is not None:
                _check_facts(slide, text, first, facts, findings)
            formulas.extend((slide, f) for f in _formulas(text, first))
        _check_figures(slide, figure_names, findings)
        _check_demos(slide, getattr(deck, "demos", None), findings)
        if config is not None and slide.layout not in (layouts := config.talk.layouts()):
            findings.append(_finding(slide.file, slide.line, "error", f"unknown layout '{slide.layout}' ({did_you_mean(slide.layout, layouts, 'layouts')})"))
        _check_images(slide, config, findings)
        words = len(plain_words(slide.body))
        if words > budget:
            findings.append(_finding(slide.file, slide.body_line, "warning",
                                     f"{words} words on the slide, over the budget of {budget}; move detail to the notes"))
        if not slide.notes.strip():
            findings.append(_finding(slide.file, slide.line, "warning", "slide has no speaker notes"))
    findings.extend(check_math(formulas))
    return sorted(set(findings))


def _where(text: str, first: int, offset: int) -> int:
    return first + text.count("\n", 0, offset)


def _slide_ids(slides: Sequence[Slide], findings: list[Finding]) -> set[str]:
    seen: dict[str, Slide] = {}
    for slide in slides:
        slide_id = slide.options.get("id")
        if not isinstance(slide_id, str):
            continue
        if slide_id in seen:
            first = seen[slide_id]
            findings.append(_finding(slide.file, slide.line, "error",
                                     f"duplicate slide id '{slide_id}' (first used at {first.where})"))
        else:
            seen[slide_id] = slide
    return set(seen)


def _check_options(slide: Slide, findings: list[Finding]) -> None:
    """Options a caller parsed leniently: re-check them the build's way."""
    for key, value in slide.options.items():
        if key not in sources.OPTION_KEYS:
            findings.append(_finding(slide.file, slide.line, "error",
                                     f"unknown slide option '{key}' ({did_you_mean(str(key), sources.OPTION_KEYS)})"))


def _check_jinja(env: jinja2.Environment, slide: Slide, text: str, first: int, findings: list[Finding]) -> None:
    try:
        env.parse(text)
    except jinja2.TemplateSyntaxError as exc:
        findings.append(_finding(slide.file, first + (exc.lineno or 1) - 1, "error", f"template error: {exc.message}"))


def _check_facts(slide: Slide, text: str, first: int, facts: Mapping[str, Any], findings: list[Finding]) -> None:
    for match in _NET_FACT.finditer(text):
        if match.group(1) not in facts:
            findings.append(_finding(slide.file, _where(text, first, match.start()), "error",
                                     f"unknown fact 'net.{match.group(1)}' ({did_you_mean(match.group(1), sorted(facts), 'facts')})"))


def _check_links(slide: Slide, text: str, first: int, ids: set[str], slides: Sequence[Slide],
                 findings: list[Finding]) -> None:
    for match in _LINK.finditer(text):
        target = (match.group("md") if match.group("md") is not None else match.group("html")).strip("/")
        if not target:
            continue
        parts = target.split("/")
        if all(p.isdigit() for p in parts):
            h = int(parts[0])
            v = int(parts[1]) if len(parts) > 1 else 0
            if any(s.h == h and s.v == v for s in slides):
                continue
            problem = f"link '#/{target}' points past the end of the deck"
        elif parts[0] in ids:
            continue
        else:
            close = did_you_mean(parts[0], sorted(ids), "slide ids") if ids else "no slide sets an id"
            problem = f"link '#/{target}' names no slide id ({close})"
        findings.append(_finding(slide.file, _where(text, first, match.start()), "error", problem))


def _check_scripts(slide: Slide, text: str, first: int, kind: str, findings: list[Finding]) -> None:
    for match in RAW_SCRIPT.finditer(text):
        findings.append(_finding(slide.file, _where(text, first, match.start()), "error",
                                 f"raw <script> in {'speaker notes' if kind == 'notes' else 'slide text'} "
                                 "(put interactive code in a demo, or set 'allow_scripts: true' in deck.yaml)"))


def _check_figures(slide: Slide, names: set[str] | None, findings: list[Finding]) -> None:
    text, first = slide.body, slide.body_line
    used: list[tuple[str, int, bool]] = []  # (name, line, alt given empty)
    for match in IMAGE_REFERENCE.finditer(text):
        if match.group("src").startswith("figure:"):
            used.append((match.group("src").removeprefix("figure:"), _where(text, first, match.start()), False))
    for match in _FIGURE_CALL.finditer(text):
        empty_alt = bool(_EMPTY_ALT.search(match.group("rest")))
        used.append((match.group("name"), _where(text, first, match.start()), empty_alt))
    background = slide.options.get("background")
    if isinstance(background, str) and background.startswith("figure:"):
        used.append((background.removeprefix("figure:"), slide.line, False))
    for name, line, empty_alt in used:
        if names is not None and name not in names:
            known = ", ".join(sorted(n for n in names if not n.startswith("demo-")))
            findings.append(_finding(slide.file, line, "error", f"unknown figure '{name}' (known figures: {known})"))
        if empty_alt:
            findings.append(_finding(slide.file, line, "error", f"figure '{name}' has empty alt text; describe what it shows"))


def _check_demos(slide: Slide, demos: Mapping[str, bool] | None, findings: list[Finding]) -> None:
    """``demos`` maps each demo the talk can place to whether it has a still for print."""
    if demos is None:
        return
    for match in _DEMO_CALL.finditer(slide.body):
        name = match.group("name")
        line = _where(slide.body, slide.body_line, match.start())
        if name not in demos:
            findings.append(_finding(slide.file, line, "error", f"unknown demo '{name}' ({did_you_mean(name, demos, 'demos')})"))
        elif not demos[name]:
            findings.append(_finding(slide.file, line, "error", f"demo '{name}' has no still for print and PDF"))


def _check_images(slide: Slide, config: DeckConfig | None, findings: list[Finding]) -> None:
    text, first = slide.body, slide.body_line
    project = config.talk_dir if config else slide.file.parent
    for match in IMAGE_REFERENCE.finditer(text):
        src, alt = match.group("src"), match.group("alt")
        if src.startswith("figure:"):
            continue
        line = _where(text, first, match.start())
        if not alt.strip():
            findings.append(_finding(slide.file, line, "error", f"image '{src}' has no alt text; write ![what it shows]({src})"))
        if URL_SCHEME.match(src):
            findings.append(_finding(slide.file, line, "error", f"image '{src}' is not a local file; the deck must work offline"))
            continue
        path = slide.file.parent / src
        if not inside(path, project):
            findings.append(_finding(slide.file, line, "error", f"image path '{src}' leads outside the talk folder"))
        elif not path.is_file():
            findings.append(_finding(slide.file, line, "error", f"image '{src}' not found"))


# --------------------------------------------------------------------------
# Math


def _formulas(text: str, first: int) -> list[Formula]:
    formulas: list[Formula] = []
    try:
        to_html(text, Stash(), formulas, first_line=first)
    except Exception:  # noqa: BLE001 - Markdown never fails on text; be safe in a linter
        return []
    return formulas


def check_math(formulas: Sequence[tuple[Slide, Formula]], katex_js: Path = KATEX_JS) -> list[Finding]:
    """One finding per formula KaTeX cannot parse, at the formula's own line."""
    if not formulas:
        return []
    try:
        verdicts = katex_errors([(f.source, f.display) for _, f in formulas], katex_js)
    except (FileNotFoundError, RuntimeError, subprocess.TimeoutExpired) as exc:
        slide = formulas[0][0]
        return [_finding(slide.file, slide.line, "warning", f"math not checked: KaTeX could not run ({exc}); run 'npm ci'")]
    findings = []
    for (slide, formula), error in zip(formulas, verdicts):
        if error:
            message = error.replace("\u0332", "").removeprefix("KaTeX parse error: ")
            findings.append(_finding(slide.file, formula.line, "error", f"math: {message}"))
    return findings


# --------------------------------------------------------------------------
# Reporting


def format_findings(findings: Iterable[Finding]) -> str:
    return "\n".join(str(f) for f in findings)


def exit_status(findings: Iterable[Finding]) -> int:
    """1 when any finding is an error, else 0."""
    return 1 if any(f.severity == "error" for f in findings) else 0


def offered(config: DeckConfig) -> tuple[list[str], dict[str, bool]]:
    """The figures a build of this talk could place and its demos (with whether each has a
    still), from the computations' catalogs and the talk folder: nothing runs, nothing is drawn."""
    figures = set(config.talk.figure_scripts())
    stills: set[str] = set()
    for computation in config.computations:
        catalog = computation.catalog()
        figures |= set(catalog.figures)
        stills |= set(catalog.stills)
    demos = config.talk.demos(d for c in config.computations for d in c.demo_dirs)
    return sorted(figures), {name: name in stills or demo.still is not None for name, demo in demos.items()}


def check(deck_yaml: Path, figures: Mapping[str, Any] | Iterable[str] | None = None,
          facts: Mapping[str, Any] | None = None) -> list[Finding]:
    """Collecting parse plus every lint check, for ``build.py --check``."""
    deck, findings = collect(deck_yaml)
    if deck.config is None:
        return findings
    known_figures, deck.demos = offered(deck.config)
    deck.figures = figures if figures is not None else known_figures
    deck.facts = facts
    return sorted(set(findings) | set(lint(deck)))


def main(config_path: Path) -> int:
    """``build.py --check``: print every finding; exit 1 when any is an error."""
    findings = check(Path(config_path))
    if findings:
        print(format_findings(findings))
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    print(f"check: {errors} error(s), {warnings} warning(s)")
    return exit_status(findings)
