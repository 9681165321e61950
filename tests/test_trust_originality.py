"""Originality checker: planted copies are found, independent prose is not.

The corpus in tests/references/ was written by us: three reference texts, a
deck with eight planted copies (verbatim and lightly edited) and a deck of
independent passages on the same subject. Recall and false positives are
printed (run with -s to see them) and must be perfect at the tuned n.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import time
from pathlib import Path

from conftest import run_build
from deck import originality
from deck.originality import (
    Finding,
    ReferenceIndex,
    TextUnit,
    check_originality,
    check_units,
    format_findings,
    html_to_text,
    units_from_markdown,
)

REFS = Path(__file__).parent / "references"
CORPUS = REFS / "corpus"
PLANTED = REFS / "deck" / "planted.md"
INDEPENDENT = REFS / "deck" / "independent.md"
_MARKER = re.compile(r"<!-- planted: (\S+) -->")


def planted_cases() -> dict[str, tuple[int, str]]:
    """id -> (line where the copied passage starts, reference file name)."""
    expected = json.loads((REFS / "expected.json").read_text())
    cases = {}
    for number, line in enumerate(PLANTED.read_text().splitlines(), 1):
        match = _MARKER.search(line)
        if match:
            cases[match.group(1)] = (number + 1, expected[match.group(1)])
    assert set(cases) == set(expected)
    return cases


def score(findings: list[Finding]) -> tuple[int, int, int, list[Finding]]:
    """(found, planted, false positives, the false-positive findings)."""
    cases = planted_cases()
    found = set()
    false = []
    for f in findings:
        hit = [
            cid
            for cid, (line, source) in cases.items()
            if f.file == str(PLANTED) and f.line == line and Path(f.source).name == source
        ]
        if hit:
            found.update(hit)
        else:
            false.append(f)
    return len(found), len(cases), len(false), false


def deck_units() -> list[TextUnit]:
    return units_from_markdown(PLANTED) + units_from_markdown(INDEPENDENT)


def test_recall_and_false_positives_at_tuned_n():
    findings = check_originality(deck_units(), CORPUS)
    found, planted, fp, false = score(findings)
    print(f"\noriginality n={originality.SHINGLE_WORDS}: recall {found}/{planted}, false positives {fp}")
    assert fp == 0, format_findings(false, color=False)
    assert found == planted, format_findings(findings, color=False)


def test_tuning_sweep_prefers_the_chosen_n():
    """Print recall/FP for n = 4..8; the chosen n must be perfect."""
    units = deck_units()
    docs = ReferenceIndex.from_dir(CORPUS).docs
    table = {}
    for n in range(4, 9):
        found, planted, fp, _ = score(check_units(units, ReferenceIndex(docs, n)))
        table[n] = (found, planted, fp)
        print(f"n={n}: recall {found}/{planted}, false positives {fp}")
    found, planted, fp = table[originality.SHINGLE_WORDS]
    assert (found, fp) == (planted, 0)


def test_every_planted_case_reports_the_reference_line():
    findings = check_originality(units_from_markdown(PLANTED), CORPUS)
    by_line = {f.line: f for f in findings}
    for cid, (line, source) in planted_cases().items():
        f = by_line[line]
        first_shared = next(s for s, shared in f.source_excerpt if shared)
        first_word = re.match(r"[\w']+", first_shared).group(0)
        ref_line = (CORPUS / source).read_text().splitlines()[f.source_line - 1]
        assert first_word.lower() in ref_line.lower(), (cid, f.source_line, ref_line)


def test_swapped_word_is_not_highlighted_but_run_is_one_finding():
    findings = check_originality(units_from_markdown(PLANTED), CORPUS)
    (f,) = [f for f in findings if "sums" in "".join(s for s, _ in f.slide_excerpt)]
    assert ("sums", False) in [(s.strip(), shared) for s, shared in f.slide_excerpt]
    assert f.shared_words >= 30


def test_format_plain_and_terminal():
    findings = check_originality(units_from_markdown(PLANTED)[:3], CORPUS)
    assert findings
    plain = format_findings(findings, color=False)
    assert re.search(r"planted\.md:15: warning: slide repeat \d+ words of \S+how-a-neuron-decides\.md:13", plain)
    assert "[[You can think of the bias" in plain
    assert "\x1b[" not in plain
    assert "\x1b[1mYou can think of the bias" in format_findings(findings, color=True)
    assert format_findings([], color=False) == ""


def test_math_jinja_and_subject_vocabulary_are_not_phrasing(tmp_path):
    (tmp_path / "ref.md").write_text(
        "We write $\\frac{\\partial C}{\\partial w_{jk}} = a_k \\sigma'(z_j) \\delta_j$ "
        "and take the gradient of the cost function with respect to the weights and "
        "biases of the network at every step of gradient descent.\n"
    )
    units = [
        TextUnit("s.md", 3, "slide",
                 "$\\frac{\\partial C}{\\partial w_{jk}} = a_k \\sigma'(z_j) \\delta_j$\n"
                 "Compute the gradient of the cost function with respect to the weights "
                 "and biases of the network {{ net.layers_text }}"),
    ]
    assert check_originality(units, tmp_path) == []


def test_html_text_skips_script_and_style_and_keeps_lines():
    text = html_to_text((CORPUS / "blame-flows-backwards.html").read_text())
    assert "error signal" not in text and "font-family" not in text
    source_lines = (CORPUS / "blame-flows-backwards.html").read_text().splitlines()
    for number, line in enumerate(text.splitlines(), 1):
        for word in re.findall(r"[A-Za-z]{6,}", line):
            assert word in source_lines[number - 1], (number, word)


def test_exit_status_of_module_cli(capsys):
    assert originality._cli([str(CORPUS), str(PLANTED)]) == 1
    assert "[[" in capsys.readouterr().out
    assert originality._cli([str(CORPUS), str(INDEPENDENT)]) == 0


def test_build_check_originality_flags_planted_deck(tmp_path):
    """`build.py --check-originality DIR` over a deck: exit 1 and FILE:LINE lines."""
    slides = tmp_path / "slides"
    slides.mkdir()
    shutil.copy(PLANTED, slides / "planted.md")
    (slides / "deck.yaml").write_text("title: t\nslides: [planted.md]\n")
    run = run_build("--config", slides / "deck.yaml", "--check-originality", CORPUS, cwd=tmp_path, timeout=120)
    assert run.returncode == 1, run.stderr
    flagged = [line for line in run.stdout.splitlines() if ": warning: " in line]
    assert len(flagged) == len(planted_cases()), run.stdout
    assert flagged[0].startswith("slides/planted.md:15: warning: slide repeat")
    (slides / "deck.yaml").write_text("title: t\nslides: [independent.md]\n")
    shutil.copy(INDEPENDENT, slides / "independent.md")
    run = run_build("--config", slides / "deck.yaml", "--check-originality", CORPUS, cwd=tmp_path, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr


def test_performance_45_slides_against_megabytes_of_references(tmp_path):
    """Prints the time; a 45-slide deck against ~3 MB must stay interactive."""
    rng = random.Random(7)
    vocab = [f"w{k}" for k in range(5000)] + sorted(originality.COMMON_WORDS)
    for k in range(6):
        words = rng.choices(vocab, k=90_000)
        (tmp_path / f"ref{k}.txt").write_text(
            "\n".join(" ".join(words[i : i + 12]) for i in range(0, len(words), 12))
        )
    size = sum(p.stat().st_size for p in tmp_path.iterdir())
    units = [TextUnit("deck.md", 1 + 20 * s, kind, " ".join(rng.choices(vocab, k=40 if kind == "slide" else 120)))
             for s in range(45) for kind in ("slide", "notes")]
    copied = (tmp_path / "ref3.txt").read_text().split()[5000:5030]
    units.append(TextUnit("deck.md", 999, "notes", " ".join(copied)))
    start = time.perf_counter()
    findings = check_originality(units, tmp_path)
    elapsed = time.perf_counter() - start
    print(f"\noriginality: {len(units)} units vs {size / 1e6:.1f} MB of references in {elapsed:.2f} s")
    assert [f.line for f in findings if f.line >= 999] == [999]
