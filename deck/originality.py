"""Find passages of the deck that repeat a reference text word for word.

The talk must be written in our own words. This module compares every slide
and every block of speaker notes against a directory of reference texts
(.md, .txt, .html) and reports runs of shared wording, so a speaker sees
"slides/05.md:12 repeats notes/lecture.html:88" instead of discovering it on
stage. Shared *vocabulary* is expected in a talk on the same subject; only
shared *phrasing* is reported, which is why runs made of stopwords and
standard technical terms are ignored and math is skipped.

Method: text is normalised (NFKC, case-folded, punctuation removed), split
into words that remember their source line, and cut into overlapping word
n-grams ("shingles"). Reference shingles are indexed in a dict; deck shingles
that hit the index are chained into runs along the same alignment, allowing a
small gap so that one swapped or dropped word does not split a long copy.
"""

from __future__ import annotations

import html.parser
import re
import sys
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Iterable, Sequence

#: Shingle length in words. Tuned on tests/references (the tests print recall
#: and false positives for n = 4..8): n = 4 flags an independent "and long
#: flat plateaus", n = 8 misses a copied seven-word phrase; 5 and 6 are both
#: perfect there, and 5 also catches the shorter copies.
SHINGLE_WORDS = 5
#: Largest step between two matching shingles of one run is n + GAP_SLACK
#: word positions. A swapped word breaks n consecutive shingles, so the step
#: over it is n + 1; a dropped or inserted word adds one more.
GAP_SLACK = 3
#: How far the alignment (reference position minus slide position) may drift
#: inside one run: a few words dropped or inserted.
MAX_DRIFT = 2
#: A run is reported only if it shares this many words that are neither
#: stopwords nor standard vocabulary of the subject.
MIN_DISTINCTIVE = 3
#: A shingle that occurs more often than this in the references is boilerplate.
MAX_OCCURRENCES = 32

REFERENCE_SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm")

_STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be
    because been before being below between both but by can could did do does
    doing down during each few for from further had has have having he her here
    hers him his how i if in into is it its itself just let lets me more most
    much my no nor not now of off on once one only or other our ours out over
    own same she should so some such than that the their theirs them then there
    these they this those through to too two three under until up upon us very
    was we were what when where which while who whom why will with would you
    your yours yourself thats its dont doesnt isnt arent cant wont
    may might must shall get gets got make makes made way ways thing things
    here s t
    """.split()
)

#: Words any talk on how neural networks learn will use; sharing them is not
#: evidence of copying. Kept deliberately to the subject's standard terms.
_SUBJECT_VOCABULARY = frozenset(
    """
    neural network networks neuron neurons layer layers input inputs output
    outputs hidden activation activations function functions weight weights
    weighted bias biases sum sums cost costs loss error errors gradient
    gradients descent step steps size rate learning learn learns learned train
    training trained example examples data set sets test accuracy digit digits
    image images pixel pixels value values number numbers vector vectors
    matrix matrices product products derivative derivatives partial chain rule
    rules respect change changes small large every each whole average
    mean squared square difference backpropagation back propagation backward
    backwards forward pass passes compute computes computing computed
    calculate sigmoid relu softmax linear nonlinear nonlinearity model models
    parameter parameters batch batches mini minibatch stochastic epoch epochs
    update updates minimum minima local global slope downhill direction
    steepest label labels class classes prediction predictions predict
    classification
    """.split()
)

COMMON_WORDS = _STOPWORDS | _SUBJECT_VOCABULARY

_WORD = re.compile(r"[\w'\u2019]+")
_DISPLAY_MATH = re.compile(r"\$\$.*?\$\$", re.S)
_INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\$)[^$\n]+?(?<![\\ ])\$(?!\$)")
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_TAG = re.compile(r"<[^>\n]*>")


@dataclass(frozen=True)
class TextUnit:
    """A piece of deck text: a slide body or its speaker notes.

    `line` is the 1-based line in `file` where `text` starts, so a word on the
    k-th line of `text` is reported at `line + k - 1`.
    """

    file: str
    line: int
    kind: str  # "slide" or "notes"
    text: str


@dataclass(frozen=True)
class Finding:
    """One run of wording shared by a deck unit and a reference file."""

    file: str
    line: int
    kind: str
    source: str
    source_line: int
    shared_words: int
    slide_excerpt: tuple[tuple[str, bool], ...]  # (text, shared?) segments
    source_excerpt: tuple[tuple[str, bool], ...]

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class _Word:
    norm: str
    line: int
    start: int
    end: int


@dataclass
class _Doc:
    name: str
    text: str
    words: list[_Word]


# --------------------------------------------------------------------------
# Normalisation


def _blank(match: re.Match[str]) -> str:
    """Replace a span by spaces, keeping newlines, so offsets and lines hold."""
    return "".join("\n" if ch == "\n" else " " for ch in match.group(0))


def mask_non_prose(text: str) -> str:
    """Blank out math, Jinja expressions and HTML tags, keeping offsets."""
    text = _DISPLAY_MATH.sub(_blank, text)
    text = _INLINE_MATH.sub(_blank, text)
    text = _JINJA.sub(_blank, text)
    return _TAG.sub(_blank, text)


def normalise_word(raw: str) -> str:
    """NFKC, case-fold and drop apostrophes: "Don’t" and "dont" compare equal."""
    word = unicodedata.normalize("NFKC", raw).casefold()
    return word.replace("'", "").replace("\u2019", "").replace("_", "")


def tokenise(text: str, first_line: int = 1) -> list[_Word]:
    """Split prose into normalised words that remember line and offsets."""
    words: list[_Word] = []
    line = first_line
    last = 0
    for match in _WORD.finditer(text):
        line += text.count("\n", last, match.start())
        last = match.start()
        norm = normalise_word(match.group(0))
        if norm:
            words.append(_Word(norm, line, match.start(), match.end()))
    return words


# --------------------------------------------------------------------------
# Reference loading


class _HTMLText(html.parser.HTMLParser):
    """Collect the visible text of an HTML page, skipping scripts and styles.

    The text is rebuilt with the page's own line breaks so that a word's line
    in the rebuilt text is its line in the HTML file.
    """

    _SKIP = {"script", "style", "template", "noscript"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.line = 1
        self.skipping = 0

    def _goto(self, line: int) -> None:
        if line > self.line:
            self.parts.append("\n" * (line - self.line))
            self.line = line

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self._SKIP:
            self.skipping += 1
        elif tag in {"p", "br", "li", "div", "h1", "h2", "h3", "h4", "tr", "td"}:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self.skipping:
            self.skipping -= 1
        else:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        line, _ = self.getpos()
        self._goto(line)
        if self.skipping:
            # keep line count in step without keeping the words
            self.parts.append("\n" * data.count("\n"))
        else:
            self.parts.append(data)
        self.line += data.count("\n")

    def text(self) -> str:
        return "".join(self.parts)


def html_to_text(source: str) -> str:
    """Visible text of an HTML document, line-aligned with the source."""
    parser = _HTMLText()
    parser.feed(source)
    parser.close()
    return parser.text()


def load_reference(path: Path, name: str) -> _Doc:
    raw = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix.lower() in (".html", ".htm"):
        text = html_to_text(raw)
    else:
        text = mask_non_prose(raw)
    return _Doc(name, text, tokenise(text))


def reference_files(reference_dir: Path) -> list[Path]:
    return sorted(
        p
        for p in reference_dir.rglob("*")
        if p.is_file() and p.suffix.lower() in REFERENCE_SUFFIXES
    )


# --------------------------------------------------------------------------
# Index and matching


def _shingles(words: Sequence[_Word], n: int) -> Iterable[tuple[int, tuple[str, ...]]]:
    norms = [w.norm for w in words]
    for i in range(len(norms) - n + 1):
        yield i, tuple(norms[i : i + n])


class ReferenceIndex:
    """All reference shingles, mapped to where they occur."""

    def __init__(self, docs: list[_Doc], n: int = SHINGLE_WORDS) -> None:
        self.docs = docs
        self.n = n
        index: dict[tuple[str, ...], list[tuple[int, int]]] = defaultdict(list)
        for d, doc in enumerate(docs):
            for j, shingle in _shingles(doc.words, n):
                index[shingle].append((d, j))
        self.index = {k: v for k, v in index.items() if len(v) <= MAX_OCCURRENCES}

    @classmethod
    def from_dir(cls, reference_dir: Path, n: int = SHINGLE_WORDS) -> "ReferenceIndex":
        root = Path(reference_dir)
        docs = [load_reference(p, _display_path(p)) for p in reference_files(root)]
        return cls(docs, n)


def _display_path(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@dataclass
class _Run:
    doc: int
    pairs: list[tuple[int, int]]  # (slide word index, reference word index)


def _chain(pairs: list[tuple[int, int, int]], n: int) -> list[_Run]:
    """Chain shingle hits (slide i, doc, ref j) into runs along one alignment."""
    runs: list[_Run] = []
    open_runs: dict[int, list[_Run]] = defaultdict(list)
    max_step = n + GAP_SLACK
    for i, d, j in sorted(pairs):
        best: _Run | None = None
        best_key: tuple[int, int] | None = None
        for run in open_runs[d]:
            li, lj = run.pairs[-1]
            di, dj = i - li, j - lj
            if 0 < di <= max_step and 0 < dj <= max_step and abs(di - dj) <= MAX_DRIFT:
                key = (abs(di - dj), di)
                if best_key is None or key < best_key:
                    best, best_key = run, key
        if best is None:
            best = _Run(d, [])
            runs.append(best)
            open_runs[d].append(best)
        best.pairs.append((i, j))
        open_runs[d] = [r for r in open_runs[d] if i - r.pairs[-1][0] <= max_step]
    return runs


def _covered(starts: Iterable[int], n: int) -> set[int]:
    return {k for s in starts for k in range(s, s + n)}


def _excerpt(text: str, words: Sequence[_Word], shared: set[int], lo: int, hi: int,
             context: int = 4) -> tuple[tuple[str, bool], ...]:
    """Text from word lo-context to hi+context as (segment, shared?) pieces."""
    a = max(0, lo - context)
    b = min(len(words) - 1, hi + context)
    segments: list[tuple[str, bool]] = []
    pos = words[a].start
    k = a
    while k <= b:
        flag = k in shared
        m = k
        while m + 1 <= b and ((m + 1) in shared) == flag:
            m += 1
        if words[k].start > pos:
            segments.append((text[pos : words[k].start], False))
        segments.append((text[words[k].start : words[m].end], flag))
        pos = words[m].end
        k = m + 1
    segments = [(re.sub(r"\s+", " ", seg), flag) for seg, flag in segments]
    prefix = (("… ", False),) if a > 0 else ()
    suffix = ((" …", False),) if b < len(words) - 1 else ()
    return prefix + tuple(segments) + suffix


def _distinctive(words: Sequence[_Word], positions: Iterable[int]) -> int:
    return sum(1 for k in positions if words[k].norm not in COMMON_WORDS and not words[k].norm.isdigit())


def check_units(units: Sequence[TextUnit], index: ReferenceIndex) -> list[Finding]:
    """Findings for every unit against an already built reference index."""
    n = index.n
    findings: list[Finding] = []
    for unit in units:
        text = mask_non_prose(unit.text)
        words = tokenise(text, unit.line)
        hits: list[tuple[int, int, int]] = []
        for i, shingle in _shingles(words, n):
            for d, j in index.index.get(shingle, ()):
                hits.append((i, d, j))
        for run in _chain(hits, n):
            doc = index.docs[run.doc]
            mine = _covered((i for i, _ in run.pairs), n)
            theirs = _covered((j for _, j in run.pairs), n)
            if _distinctive(words, mine) < MIN_DISTINCTIVE:
                continue
            lo, hi = min(mine), max(mine)
            rlo, rhi = min(theirs), max(theirs)
            findings.append(
                Finding(
                    file=unit.file,
                    line=words[lo].line,
                    kind=unit.kind,
                    source=doc.name,
                    source_line=doc.words[rlo].line,
                    shared_words=len(mine),
                    slide_excerpt=_excerpt(text, words, mine, lo, hi),
                    source_excerpt=_excerpt(doc.text, doc.words, theirs, rlo, rhi),
                )
            )
    findings.sort(key=lambda f: (f.file, f.line, f.source, f.source_line))
    return findings


def check_originality(slide_texts: list[TextUnit], reference_dir: Path) -> list[Finding]:
    """Runs of wording that deck units share with files in reference_dir."""
    return check_units(slide_texts, ReferenceIndex.from_dir(Path(reference_dir)))


# --------------------------------------------------------------------------
# Output


def _render(segments: Sequence[tuple[str, bool]], color: bool) -> str:
    if color:
        return "".join(f"\x1b[1m{s}\x1b[0m" if f else s for s, f in segments)
    return "".join(f"[[{s}]]" if f else s for s, f in segments)


def format_findings(findings: Sequence[Finding], color: bool | None = None) -> str:
    """Human report: one header line per finding, then both excerpts.

    Shared words are bold on a terminal and wrapped in [[...]] otherwise, so
    the report stays readable in CI logs.
    """
    if color is None:
        color = sys.stdout.isatty()
    lines: list[str] = []
    for f in findings:
        lines.append(
            f"{f.file}:{f.line}: warning: {f.kind} repeat {f.shared_words} words "
            f"of {f.source}:{f.source_line}"
        )
        lines.append(f"    deck:   {_render(f.slide_excerpt, color)}")
        lines.append(f"    source: {_render(f.source_excerpt, color)}")
    if findings:
        lines.append(f"{len(findings)} passage(s) repeat reference wording; rewrite them in your own words.")
    return "\n".join(lines)


# --------------------------------------------------------------------------
# Stand-alone use (the deck CLI calls check_originality with parsed units)


def units_from_markdown(path: Path) -> list[TextUnit]:
    """Slide and notes units of one loose slide file, split by the deck's own parser.

    Used when checking Markdown files without building the deck; the build
    passes the units of its parsed deck instead.
    """
    from deck.sources import parse_files

    return [replace(unit, file=str(path)) for unit in units_from_slides(parse_files([Path(path)]))]


def units_from_slides(slides: Iterable[Any]) -> list[TextUnit]:
    """Text units of parsed slides (``deck.sources.Slide``): body and notes,
    each at the line where it starts in its file."""
    from deck.errors import display_path

    units: list[TextUnit] = []
    for slide in slides:
        name = display_path(Path(slide.file))
        if slide.body.strip():
            units.append(TextUnit(name, slide.body_line, "slide", slide.body))
        if slide.notes.strip():
            units.append(TextUnit(name, slide.notes_line, "notes", slide.notes))
    return units


def report(units: Sequence[TextUnit], reference_dir: Path) -> int:
    """Print the findings to stdout; 1 when anything is flagged, else 0."""
    index = ReferenceIndex.from_dir(Path(reference_dir))  # one walk of the folder serves the check and the count
    findings = check_units(list(units), index)
    if findings:
        print(format_findings(findings))
        return 1
    print(f"originality: no passage repeats the {len(index.docs)} reference file(s) in {reference_dir}")
    return 0


def main(config_path: Path, reference_dir: Path) -> int:
    """``build.py --check-originality DIR``: the deck's sources against DIR."""
    from deck.errors import DeckError
    from deck.config import load_sources

    reference_dir = Path(reference_dir)
    if not reference_dir.is_dir():
        raise DeckError(reference_dir, None, "not a folder of reference texts")
    if not reference_files(reference_dir):
        raise DeckError(reference_dir, None, f"no reference texts ({', '.join(REFERENCE_SUFFIXES)}) in this folder")
    _, slides = load_sources(Path(config_path))
    return report(units_from_slides(slides), reference_dir)


def check_built(result: Any) -> int:
    """After a build whose deck.yaml names ``originality: {references: DIR}``."""
    return report(units_from_slides(s.source for s in result.slides), result.config.references_dir)


def _cli(argv: Sequence[str] | None = None) -> int:
    """`python -m deck.originality REFDIR FILE.md...`: loose files, exit 1 when flagged."""
    import argparse

    parser = argparse.ArgumentParser(description=_cli.__doc__)
    parser.add_argument("references", type=Path)
    parser.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args(argv)
    if not args.references.is_dir():
        print(f"{args.references}: error: not a directory of reference texts", file=sys.stderr)
        return 2
    units = [u for f in args.files for u in units_from_markdown(f)]
    return report(units, args.references)


if __name__ == "__main__":
    sys.exit(_cli())
