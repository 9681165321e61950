"""deck.lint reports every problem of a deck at once, each at its own line."""

from __future__ import annotations

import textwrap
from pathlib import Path

from conftest import run_build
from deck import lint as lint_mod
from deck.lint import check, collect, exit_status, format_findings, lint

PROJECT = Path(__file__).resolve().parent.parent
FIGURES = ["cost-curves", "first-layer-weights", "demo-neuron"]


def write_deck(root: Path, files: dict[str, str], extra_yaml: str = "") -> Path:
    slides = root / "slides"
    slides.mkdir(parents=True)
    listing = "\n".join(f"  - {name}" for name in files)
    (slides / "deck.yaml").write_text(f"title: Lint test\ncomputations: [netcore]\n{extra_yaml}slides:\n{listing}\n")
    for name, text in files.items():
        (slides / name).write_text(textwrap.dedent(text).lstrip("\n"))
    return slides / "deck.yaml"


GOOD = """
{layout: title, id: start}

# A clean deck

Note:
Say hello and introduce the network we trained.

---
{id: figure-slide, layout: figure}

![The cost falls as training goes on](figure:cost-curves)

Inline math $a = \\sigma(z)$ and display:

$$C = \\frac{1}{n} \\sum_x \\lVert y(x) - a \\rVert^2$$

See [the start](#/start) or [slide two](#/1).

Note:
Walk through the curve from left to right.
"""


def test_clean_deck_has_no_findings(tmp_path):
    deck_yaml = write_deck(tmp_path, {"a.md": GOOD})
    findings = check(deck_yaml, figures=FIGURES)
    assert findings == [], format_findings(findings)
    assert exit_status(findings) == 0


BAD_A = """
{layout: title, id: start}

# Opening

Note:
Notes here.

---
{layot: figure}

Options above are misspelt.

Note:
x

---
{id: start}

![](figure:cost-curve)

{{ figure("first-layer-weights", alt="") }}

{{ demo("draw-digt") }}

Go to [nowhere](#/no-such-slide) and [far away](#/99).

$\\frac{1}{$ and $$\\sigmaa(z)$$

---
{id: long}

one two three four five six seven eight nine ten eleven twelve thirteen
fourteen fifteen sixteen seventeen eighteen nineteen twenty twentyone
twentytwo twentythree twentyfour twentyfive twentysix twentyseven
twentyeight twentynine thirty thirtyone thirtytwo thirtythree thirtyfour
thirtyfive thirtysix thirtyseven thirtyeight thirtynine forty fortyone

<script>alert(1)</script>

![](../../../etc/passwd)

Note:
{{ net.test_acuracy }} and {% if %}
"""

BAD_B = """
# Never closed

```python
print("the fence is open")
"""


def test_every_problem_is_reported_with_its_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    deck_yaml = write_deck(tmp_path, {"a.md": BAD_A, "b.md": BAD_B})
    findings = check(deck_yaml, figures=FIGURES, facts={"test_accuracy": 0.96})
    text = format_findings(findings)
    print("\n" + text)
    expected = [
        ("slides/a.md:9: error:", "unknown slide option 'layot'"),
        ("slides/a.md:17: error:", "duplicate slide id 'start'"),
        ("slides/a.md:19: error:", "unknown figure 'cost-curve'"),
        ("slides/a.md:21: error:", "figure 'first-layer-weights' has empty alt text"),
        ("slides/a.md:23: error:", "unknown demo 'draw-digt' (did you mean 'draw-digit'?)"),
        ("slides/a.md:25: error:", "link '#/no-such-slide' names no slide id"),
        ("slides/a.md:25: error:", "link '#/99' points past the end"),
        ("slides/a.md:27: error:", "math: Unexpected end of input"),
        ("slides/a.md:27: error:", "math: Undefined control sequence: \\sigmaa"),
        ("slides/a.md:32: warning:", "over the budget of 40"),
        ("slides/a.md:38: error:", "raw <script> in slide text"),
        ("slides/a.md:40: error:", "image '../../../etc/passwd' has no alt text"),
        ("slides/a.md:40: error:", "image path '../../../etc/passwd' leads outside the talk folder"),
        ("slides/a.md:43: error:", "unknown fact 'net.test_acuracy' (did you mean 'test_accuracy'?)"),
        ("slides/a.md:43: error:", "template error"),
        ("slides/a.md:17: warning:", "slide has no speaker notes"),
        ("slides/b.md:3: error:", "never closed"),
    ]
    for prefix, message in expected:
        assert any(line.startswith(prefix) and message in line for line in text.splitlines()), (prefix, message)
    assert len(findings) == len(expected), text
    assert exit_status(findings) == 1


def test_demo_without_a_still_for_print(tmp_path):
    body = '## Demos\n\n{{ demo("neuron") }}\n\n{{ demo("spinner", speed=2) }}\n\nNote:\nplay\n'
    deck_yaml = write_deck(tmp_path, {"a.md": body})
    (deck_yaml.parent / "demos" / "spinner").mkdir(parents=True)
    (deck_yaml.parent / "demos" / "spinner" / "demo.js").write_text("Demos.register('spinner', function () {});\n")
    (f,) = check(deck_yaml, figures=FIGURES)
    assert (f.line, f.severity) == (5, "error") and "demo 'spinner' has no still" in f.message


def test_slide_may_start_with_a_jinja_expression(tmp_path):
    """`{{ figure(...) }}` on a slide's first line is content, not an options line."""
    body = '{{ figure("cost-curves") }}\n\nNote:\nthe curve\n\n---\n{% if true %}yes{% endif %}\n\nNote:\nok\n'
    deck_yaml = write_deck(tmp_path, {"a.md": body})
    findings = check(deck_yaml, figures=FIGURES)
    assert findings == [], format_findings(findings)


def test_warnings_alone_exit_zero(tmp_path):
    deck_yaml = write_deck(tmp_path, {"a.md": "# Only a title\n"})
    findings = check(deck_yaml, figures=FIGURES)
    assert [f.severity for f in findings] == ["warning"]
    assert "no speaker notes" in findings[0].message
    assert exit_status(findings) == 0


def test_allow_scripts_silences_script_errors(tmp_path):
    deck_yaml = write_deck(tmp_path, {"a.md": "<script>go()</script>\n\nNote:\nfine\n"}, "allow_scripts: true\n")
    assert check(deck_yaml, figures=FIGURES) == []


def test_script_in_notes_is_an_error(tmp_path):
    deck_yaml = write_deck(tmp_path, {"a.md": "# Hi\n\nNote:\nsay hi <SCRIPT src=x></SCRIPT>\n"})
    (f,) = check(deck_yaml, figures=FIGURES)
    assert (f.line, f.severity) == (4, "error") and "speaker notes" in f.message


def test_config_error_stops_with_one_finding(tmp_path):
    deck_yaml = write_deck(tmp_path, {"a.md": GOOD}, "titel: typo\n")
    (f,) = check(deck_yaml, figures=FIGURES)
    assert f.severity == "error" and "did you mean 'title'" in f.message and f.line == 3


def test_figures_default_to_the_netcore_registry(tmp_path):
    deck_yaml = write_deck(tmp_path, {"a.md": GOOD.replace("cost-curves", "no-such-figure")}, )
    findings = check(deck_yaml)
    assert len(findings) == 1 and "unknown figure 'no-such-figure'" in findings[0].message
    assert "cost-curves" in findings[0].message  # lists the known names


def test_math_is_checked_in_one_node_process(tmp_path, monkeypatch):
    calls = []
    real = lint_mod.subprocess.run

    def spy(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(lint_mod.subprocess, "run", spy)
    body = "\n\n".join(f"$x_{i}$ and $$\\frac{{{i}}}{{2}}$$" for i in range(30))
    deck_yaml = write_deck(tmp_path, {"a.md": body + "\n\nNote:\nok\n"})
    findings = check(deck_yaml, figures=FIGURES)
    assert findings == [], format_findings(findings)
    assert len(calls) == 1  # one node process for 60 formulas


def test_missing_node_is_a_warning_not_a_crash(tmp_path, monkeypatch):
    import deck.katex

    monkeypatch.setattr(deck.katex.shutil, "which", lambda name: None)
    deck_yaml = write_deck(tmp_path, {"a.md": "$x$\n\nNote:\nok\n"})
    (f,) = check(deck_yaml, figures=FIGURES)
    assert f.severity == "warning" and "math not checked" in f.message


def test_lint_accepts_an_already_parsed_deck(tmp_path):
    deck_yaml = write_deck(tmp_path, {"a.md": GOOD})
    deck, findings = collect(deck_yaml)
    assert findings == [] and len(deck.slides) == 2
    deck.figures = {"cost-curves": object()}
    assert lint(deck) == []


def test_build_check_prints_findings_and_exits_1(tmp_path):
    deck_yaml = write_deck(tmp_path, {"a.md": BAD_A, "b.md": BAD_B})
    run = run_build("--config", deck_yaml, "--check", cwd=tmp_path, timeout=120)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "slides/a.md:19: error: unknown figure 'cost-curve'" in run.stdout
    assert "Traceback" not in run.stderr
    good = tmp_path / "good"
    deck_yaml = write_deck(good, {"a.md": GOOD})
    run = run_build("--config", deck_yaml, "--check", cwd=good, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 error(s), 0 warning(s)" in run.stdout


def test_the_talk_has_no_lint_errors():
    findings = check(PROJECT / "slides" / "deck.yaml")
    print("\n" + format_findings(findings))
    assert exit_status(findings) == 0, format_findings(f for f in findings if f.severity == "error")
