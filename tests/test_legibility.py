"""The legibility check: planted problems are found at their FILE:LINE, --strict refuses them,
the warm path skips Chromium, and the default talk's figures read from the back of the hall.

A tiny talk with no computation is written into a temporary folder for each test; it
builds in about a second and Chromium lays it out at 1280x720.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from conftest import PROJECT, run_build
from deck import legibility

SLIDES = """\
## A slide that reads well

Big enough, dark on light.

---

## Too much for one slide

- one
- two
- three
- four
- five
- six
- seven
- eight
- nine
- ten
- eleven
- twelve
- thirteen
- fourteen

---

## Small print

A line with <span style="font-size: 12px">fine print nobody reads</span> in it.

---

## Pale text

<span style="color: #c8c8c8">washed out by the projector</span>

---

{layout: figure}
## A figure drawn with small text

![A line rising left to right](figure:tiny "Small ticks")

---

## A formula too wide for the frame

$$a_1 + a_2 + a_3 + a_4 + a_5 + a_6 + a_7 + a_8 + a_9 + a_{10} + a_{11} + a_{12} + a_{13} + a_{14} + a_{15} + a_{16} + a_{17}$$

---

## Silenced on purpose

<span style="font-size: 12px">the footnote we accept</span> <!-- legibility: ignore small-text -->
"""

FIGURE = """\
import matplotlib.pyplot as plt

ALT = "A line rising from left to right"
SIZE = (600, 300)
fig, ax = plt.subplots()
ax.plot([0, 1, 2], [0, 1, 2])
ax.tick_params(labelsize=8)
"""

def plant(folder: Path) -> Path:
    """A talk with one clean slide, an overflow, a 12 px span, pale text, a small-font figure, a too-wide formula and a silenced span."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "deck.yaml").write_text('title: "Planted problems"\nslides:\n  - talk.md\n', encoding="utf-8")
    (folder / "talk.md").write_text(SLIDES, encoding="utf-8")
    (folder / "figures").mkdir(exist_ok=True)
    (folder / "figures" / "tiny.py").write_text(FIGURE, encoding="utf-8")
    return folder


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.split("\n"), 1) if needle in line)


def findings(stderr: str) -> list[tuple[str, int, str]]:
    """(file name, line, message) of every legibility line a build printed."""
    found = []
    for line in stderr.splitlines():
        match = re.match(r"(.+?):(\d+): (?:warning|error): legibility: (.*)", line)
        if match:
            found.append((Path(match.group(1)).name, int(match.group(2)), match.group(3)))
    return found


@pytest.fixture
def talk(tmp_path: Path, chromium_path: str) -> Path:
    return plant(tmp_path / "talk")


def test_planted_problems_are_warnings_at_their_lines(talk: Path, tmp_path: Path) -> None:
    result = run_build(talk, "--out", tmp_path / "out", "--cache", tmp_path / "cache")
    assert result.returncode == 0, result.stderr
    found = findings(result.stderr)
    assert {name for name, _, _ in found} == {"talk.md"}
    overflow = [f for f in found if "outside the 1280x720 frame" in f[2] or "px tall" in f[2]]
    small = [f for f in found if "smaller than 24 px" in f[2] and not f[2].startswith("figure")]
    pale = [f for f in found if "contrast" in f[2]]
    figure = [f for f in found if f[2].startswith("figure 'tiny'")]
    bullets = [f for f in overflow if line_of(SLIDES, "## Too much") <= f[1] <= line_of(SLIDES, "- fourteen")]
    assert len(bullets) == 1, found
    assert [f[1] for f in small] == [line_of(SLIDES, "fine print")], found
    assert "12 px" in small[0][2]
    assert [f[1] for f in pale] == [line_of(SLIDES, "washed out")], found
    assert [f[1] for f in figure] == [line_of(SLIDES, "figure:tiny")], found
    assert "11.1 px" in figure[0][2]  # 8 pt at 100 dpi, shown at its drawn size
    formula = [f for f in overflow if f[1] == line_of(SLIDES, "a_{17}")]
    assert formula, found  # the formula's overflow is named at the line of its TeX
    assert not any(f[1] == line_of(SLIDES, "the footnote") for f in found), "a silenced finding was reported"
    assert len(found) == 5, found  # two overflows, small text, contrast, figure text; the clean slide has none
    assert (tmp_path / "out" / "index.html").is_file()


def test_strict_refuses_the_deck_and_keeps_the_previous_output(talk: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = run_build(talk, "--out", out, "--cache", tmp_path / "cache", "--quiet")
    assert first.returncode == 0, first.stderr
    before = (out / "index.html").read_bytes()
    slides = talk / "talk.md"
    slides.write_text(slides.read_text(encoding="utf-8").replace("Big enough", "Still big enough"), encoding="utf-8")
    strict = run_build(talk, "--out", out, "--cache", tmp_path / "cache", "--strict")
    assert strict.returncode == 2, strict.stderr
    errors = [line for line in strict.stderr.splitlines() if ": error: legibility:" in line]
    assert len(errors) == 5, strict.stderr
    assert "previous output is untouched" in strict.stderr
    assert (out / "index.html").read_bytes() == before


def test_check_reports_legibility_and_strict_fails_it(talk: Path, tmp_path: Path) -> None:
    never_built = run_build(talk, "--check", "--cache", tmp_path / "cache")
    assert never_built.returncode == 0 and "legibility: not checked: no cache" in never_built.stderr
    assert run_build(talk, "--out", tmp_path / "out", "--cache", tmp_path / "cache", "--quiet").returncode == 0
    relaxed = run_build(talk, "--check", "--cache", tmp_path / "cache")
    assert relaxed.returncode == 0, relaxed.stdout + relaxed.stderr
    assert len(findings(relaxed.stderr)) == 5
    strict = run_build(talk, "--check", "--strict", "--cache", tmp_path / "cache")
    assert strict.returncode == 1
    assert len(findings(strict.stderr)) == 5


def test_threshold_comes_from_deck_yaml(talk: Path, tmp_path: Path) -> None:
    config = talk / "deck.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "min_text_px: 11\n", encoding="utf-8")
    result = run_build(talk, "--out", tmp_path / "out", "--cache", tmp_path / "cache")
    assert result.returncode == 0, result.stderr
    messages = [m for _, _, m in findings(result.stderr)]
    assert not any("smaller than" in m for m in messages), messages  # 12 px text and an 11.1 px figure pass at 11
    config.write_text(config.read_text(encoding="utf-8").replace("min_text_px: 11", "min_text_px: big"), encoding="utf-8")
    bad = run_build(talk, "--out", tmp_path / "out", "--cache", tmp_path / "cache", "--quiet")
    assert bad.returncode == 2
    assert re.search(r"deck\.yaml:4: 'min_text_px' must be a positive number", bad.stderr), bad.stderr


def test_warm_build_reuses_the_findings_without_chromium(talk: Path, tmp_path: Path) -> None:
    from deck.pipeline import build

    cold = build(talk / "deck.yaml", tmp_path / "out", cache_dir=tmp_path / "cache", progress=False)
    warm = build(talk / "deck.yaml", tmp_path / "out", cache_dir=tmp_path / "cache", progress=False)
    assert cold.legibility is not None and warm.legibility is not None
    assert cold.legibility.browser and not warm.legibility.browser
    assert warm.legibility.findings == cold.legibility.findings
    assert warm.legibility.silenced == 1
    slides = talk / "talk.md"
    slides.write_text(slides.read_text(encoding="utf-8").replace("fine print", "finer print"), encoding="utf-8")
    changed = build(talk / "deck.yaml", tmp_path / "out", cache_dir=tmp_path / "cache", progress=False)
    assert changed.legibility is not None and changed.legibility.browser
    # Only the edited slide was laid out again; the others' findings came from the cache, unchanged.
    assert [f.line for f in changed.legibility.findings] == [f.line for f in cold.legibility.findings]
    assert any('"finer print' in f.message for f in changed.legibility.findings)
    assert not (tmp_path / "out" / ".legibility-check.html").exists()


def test_without_chromium_the_build_says_so_once_and_goes_on(talk: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    from deck.pipeline import build

    monkeypatch.setattr(legibility, "chromium_path", lambda: None)
    monkeypatch.setattr(legibility, "_warned_missing", False)
    for attempt in range(2):
        result = build(talk / "deck.yaml", tmp_path / f"out{attempt}", cache_dir=tmp_path / "cache", progress=False)
        assert result.legibility is not None and "Chromium is not installed" in result.legibility.skipped
        assert (tmp_path / f"out{attempt}" / "index.html").is_file()
    assert capsys.readouterr().err.count("legibility: check skipped") == 1


def test_recording_fonts_sees_only_what_is_drawn() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import io

    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4, 3), dpi=100)
    ax.plot([0, 1], [0, 1])
    ax.tick_params(labelsize=20)
    ax.set_xlabel("x", fontsize=30)
    ax.text(0.5, 0.5, "", fontsize=2)  # empty: draws nothing
    ax.text(0.5, 0.5, "hidden", fontsize=3, visible=False)
    ax.set_title(r"$10^{2}$", fontsize=30)  # a superscript is drawn at 0.7 of 30 pt
    with legibility.recording_fonts(100) as sizes:
        fig.savefig(io.BytesIO(), format="png", dpi=100)
    plt.close(fig)
    assert legibility.smallest(sizes) == pytest.approx(min(20, 30 * 0.7) * 100 / 72, abs=0.01)


def test_default_talk_figures_read_from_the_back(tmp_path: Path, chromium_path: str) -> None:
    """Every figure the default talk shows has its smallest text at 24 px or more as displayed,
    and no slide without a live demo has any finding at all."""
    result = run_build("--out", tmp_path / "out", "--cache", PROJECT / ".cache")
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    for name in ("first-layer-weights", "talk-confusion-matrix", "activations"):
        assert f'data-figure="{name}"' in html
    assert "legibility: check skipped" not in result.stderr
    assert [f for f in findings(result.stderr) if f[2].startswith("figure '")] == []


def test_default_talk_has_no_findings_under_strict(tmp_path: Path, chromium_path: str) -> None:
    result = run_build("--out", tmp_path / "out", "--cache", PROJECT / ".cache", "--strict")
    assert result.returncode == 0, result.stderr
    assert findings(result.stderr) == []


def test_contrast_is_measured_against_the_slide_background(tmp_path: Path, chromium_path: str) -> None:
    """A slide's own background colour (data-background-color) and the dark class's panel are
    what light text sits on; light text on the page's paper is a finding."""
    talk = tmp_path / "talk"
    talk.mkdir()
    (talk / "deck.yaml").write_text('title: "Backgrounds"\nslides:\n  - talk.md\n', encoding="utf-8")
    text = textwrap.dedent("""\
        {class: dark}
        ## On the dark panel

        ---

        {background: "#202020"}
        ## <span style="color: #f0f0f0">Light on a dark slide colour</span>

        ---

        ## <span style="color: #f0f0f0">Light on paper</span>
        """)
    (talk / "talk.md").write_text(text, encoding="utf-8")
    result = run_build(talk, "--out", tmp_path / "out", "--cache", tmp_path / "cache")
    assert result.returncode == 0, result.stderr
    found = findings(result.stderr)
    assert [(line, "contrast" in message) for _, line, message in found] == [(line_of(text, "Light on paper"), True)], found


def test_no_legibility_skips_the_check_for_one_build_and_refuses_strict(tmp_path):
    talk = tmp_path / "t"
    talk.mkdir()
    (talk / "deck.yaml").write_text("title: T\nslides:\n  - a.md\n")
    (talk / "a.md").write_text('## A\n\n<span style="font-size: 8px">tiny</span>\n')
    skipped = run_build(talk, "--out", tmp_path / "out", "--cache", tmp_path / "cache", "--no-legibility")
    assert skipped.returncode == 0 and "legibility" not in skipped.stderr
    assert not (tmp_path / "cache" / "legibility").exists()
    both = run_build(talk, "--out", tmp_path / "out", "--strict", "--no-legibility")
    assert both.returncode != 0 and "--no-legibility" in both.stderr
