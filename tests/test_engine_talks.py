"""The engine serves any talk: computations enter only through deck.yaml, talk folders add their own parts."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from deck.errors import DeckError
from deck.pipeline import build

PROJECT = Path(__file__).resolve().parent.parent
BIRTHDAY = PROJECT / "examples" / "birthday"


def test_the_engine_imports_no_computation():
    """No module of deck/ imports netcore (or numpy, or matplotlib at module level)."""
    offenders = []
    for path in sorted((PROJECT / "deck").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] == "netcore"]
    assert offenders == []


def write_talk(root: Path, slides: str, yaml_extra: str = "") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "deck.yaml").write_text(f"title: A small talk\n{yaml_extra}slides:\n  - talk.md\n")
    (root / "talk.md").write_text(textwrap.dedent(slides).lstrip())
    return root / "deck.yaml"


def run(args: list[str], cwd: Path, python: str = sys.executable) -> subprocess.CompletedProcess:
    return subprocess.run([python, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_a_talk_without_computations_imports_neither_numpy_nor_matplotlib(tmp_path):
    deck_yaml = write_talk(tmp_path / "sorting", "## Sorting\n\nBubble sort makes $n^2$ comparisons.\n\nNote:\nSay it.\n")
    probe = (
        "import sys; from deck.pipeline import build; "
        f"r = build({str(deck_yaml)!r}, progress=False); "
        "print(json.dumps([m for m in ('numpy', 'matplotlib', 'netcore') if m in sys.modules]))"
    )
    result = run(["-c", "import json; " + probe], cwd=PROJECT)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
    out = tmp_path / "sorting" / "output"
    assert (out / "index.html").is_file()
    assert not (out / "data").exists() and not (out / "runtime").exists()  # no browser data, no demo code


def test_a_talk_figure_script_is_drawn_only_when_used_and_cached(tmp_path):
    talk = tmp_path / "t"
    deck_yaml = write_talk(talk, "## Squares\n\n![Squares rising](figure:squares)\n\nNote:\nLook.\n")
    (talk / "figures").mkdir()
    (talk / "figures" / "squares.py").write_text(textwrap.dedent("""
        import matplotlib.pyplot as plt
        ALT = "Squares of one to five"
        SIZE = (600, 400)
        plt.plot([1, 2, 3, 4, 5], [1, 4, 9, 16, 25])
    """))
    (talk / "figures" / "unused.py").write_text("raise RuntimeError('never run')\n")
    first = build(deck_yaml, progress=False)
    assert first.redrawn == ["squares"] and first.figures["squares"].width == 600
    svg = (talk / "output" / "figures" / "squares.svg").read_bytes()
    second = build(deck_yaml, progress=False)
    assert second.redrawn == [] and (talk / "output" / "figures" / "squares.svg").read_bytes() == svg
    (talk / "figures" / "squares.py").write_text((talk / "figures" / "squares.py").read_text().replace("25]", "36]"))
    assert build(deck_yaml, progress=False).redrawn == ["squares"]


def test_a_broken_figure_script_is_located(tmp_path):
    talk = tmp_path / "t"
    deck_yaml = write_talk(talk, "## X\n\n![x](figure:broken)\n")
    (talk / "figures").mkdir()
    (talk / "figures" / "broken.py").write_text("ALT = 'x'\n\nvalue = 1 / 0\n")
    with pytest.raises(DeckError) as info:
        build(deck_yaml, progress=False)
    assert info.value.path.name == "broken.py" and info.value.line == 3 and "ZeroDivisionError" in info.value.message


def test_unknown_figure_gets_a_did_you_mean(tmp_path):
    talk = tmp_path / "t"
    deck_yaml = write_talk(talk, "## X\n\n![x](figure:squres)\n")
    (talk / "figures").mkdir()
    (talk / "figures" / "squares.py").write_text("ALT = 'x'\n")
    with pytest.raises(DeckError) as info:
        build(deck_yaml, progress=False)
    assert "unknown figure 'squres'" in info.value.message and "did you mean 'squares'?" in (info.value.hint or "")


def test_talk_layout_and_theme_override_the_tools(tmp_path):
    talk = tmp_path / "t"
    deck_yaml = write_talk(talk, "{layout: quote}\n\n> Simple is better.\n", "theme: paper\n")
    (talk / "layouts").mkdir()
    (talk / "layouts" / "quote.html").write_text('{% extends "layouts/base.html" %}{% block content %}<div class="my-quote">{{ slide.content }}</div>{% endblock %}')
    (talk / "theme").mkdir()
    (talk / "theme" / "paper.css").write_text(".reveal { color: #222; }\n")
    build(deck_yaml, progress=False)
    html = (talk / "output" / "index.html").read_text()
    assert 'class="my-quote"' in html and 'href="theme/paper.css"' in html
    assert (talk / "output" / "theme" / "paper.css").read_text() == ".reveal { color: #222; }\n"


def test_paths_may_not_leave_the_talk_folder(tmp_path):
    (tmp_path / "secret.png").write_bytes(b"\x89PNG")
    deck_yaml = write_talk(tmp_path / "t", "## X\n\n![secret](../secret.png)\n")
    with pytest.raises(DeckError, match="leads outside the talk folder"):
        build(deck_yaml, progress=False)


def test_a_computation_section_is_validated_on_its_line(tmp_path):
    talk = tmp_path / "b"
    shutil.copytree(BIRTHDAY, talk, ignore=shutil.ignore_patterns("output", ".cache"))
    text = (talk / "deck.yaml").read_text().replace("trials: 20000", "trials: lots")
    (talk / "deck.yaml").write_text(text)
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "trials: lots" in l)
    with pytest.raises(DeckError) as info:
        build(talk, progress=False)
    assert (info.value.line, "birthday.trials: must be a positive whole number") == (line, info.value.message.split(",")[0])


def test_network_section_without_netcore_says_how_to_name_it(tmp_path):
    deck_yaml = write_talk(tmp_path / "t", "## X\n", "network:\n  epochs: 1\n")
    with pytest.raises(DeckError) as info:
        build(deck_yaml, progress=False)
    assert info.value.line == 2 and "computations: [netcore]" in (info.value.hint or "")


def test_the_birthday_talk_quotes_its_own_computation(tmp_path):
    out = tmp_path / "out"
    result = build(BIRTHDAY / "deck.yaml", out, cache_dir=tmp_path / "cache", progress=False)
    facts = result.facts["bday"]
    assert facts["people_for_half"] == 23 and facts["chance_23_percent"] == "50.7%"
    html = (out / "index.html").read_text()
    assert "The answer is 23" in html and "data/bday-curve.js" in html and "demos/room/demo.js" in html
    assert "netcore" not in html and not (out / "lib").exists()


def test_scaffold_builds_at_once_with_the_printed_command(tmp_path):
    made = run([str(PROJECT / "build.py"), "new", str(tmp_path / "mytalk")], cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    command = next(line for line in made.stdout.splitlines() if line.startswith("Build it with:")).split(":", 1)[1].split()
    assert command[-1] == str(tmp_path / "mytalk")
    built = run([str(PROJECT / "build.py"), command[-1]], cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "mytalk" / "output" / "index.html").is_file()
    assert not (PROJECT / "output").is_symlink()
    again = run([str(PROJECT / "build.py"), "new", str(tmp_path / "mytalk")], cwd=tmp_path)
    assert again.returncode == 2 and "not empty" in again.stderr  # never writes over a speaker's files


def test_list_shows_what_a_talk_can_use():
    result = run([str(PROJECT / "build.py"), str(BIRTHDAY), "--list", "figures"], cwd=PROJECT)
    assert result.returncode == 0 and "shared-birthday-curve" in result.stdout
    result = run([str(PROJECT / "build.py"), "--list", "demos"], cwd=PROJECT)
    assert result.returncode == 0 and all(name in result.stdout for name in ("draw-digit", "replay"))


@pytest.mark.slow
def test_pip_install_gives_a_command_that_builds_a_talk_outside_the_repository(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    # The dependencies come from this environment (no downloads); the project itself is installed afresh.
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], capture_output=True, text=True).stdout.strip()
    import sysconfig

    Path(site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    install = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", str(PROJECT)],
                             capture_output=True, text=True, timeout=600)
    if "bdist_wheel" in install.stderr:  # an old setuptools without wheel support in the base environment
        install = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", str(PROJECT)], capture_output=True, text=True, timeout=600)
    assert install.returncode == 0, install.stderr[-2000:]
    assert "warning" not in install.stderr.lower(), install.stderr
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    made = subprocess.run([str(venv / "bin" / "deck"), "new", "talk"], cwd=outside, capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    built = subprocess.run([str(venv / "bin" / "deck"), "talk"], cwd=outside, capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    where = subprocess.run([str(python), "-c", "import deck; print(deck.__file__)"], cwd=outside, capture_output=True, text=True)
    assert str(PROJECT) not in where.stdout  # the installed copy, not this checkout
    assert (outside / "talk" / "output" / "vendor" / "reveal.js" / "dist" / "reveal.js").is_file()
    module = subprocess.run([str(python), "-m", "deck", "--help"], cwd=outside, capture_output=True, text=True)
    assert module.returncode == 0 and "new DIR" in module.stdout


@pytest.mark.browser
def test_the_birthday_talk_presents_offline_with_its_live_demo(tmp_path, open_deck):
    out = tmp_path / "out"
    build(BIRTHDAY / "deck.yaml", out, cache_dir=tmp_path / "cache", progress=False)
    page, log = open_deck(out / "index.html")
    assert page.evaluate("Reveal.getTotalSlides()") == 7
    page.evaluate("Reveal.slide(4)")
    page.wait_for_function("() => Demos.get('room') && Demos.get('room').active")
    tally = page.locator("[data-role=tally]")
    first = tally.inner_text()
    assert "of 1 rooms" in first and "formula: 50.7%" in first
    for _ in range(4):
        page.locator("[data-role=fill]").click()
    assert "of 5 rooms" in tally.inner_text()
    page.mouse.click(5, 5)  # outside the demo: the keys belong to the deck again
    page.keyboard.press("ArrowRight")
    assert page.evaluate("Reveal.getIndices().h") == 5
    figure = page.locator("img[src='figures/shared-birthday-curve.svg']")
    assert figure.evaluate("img => img.complete && img.naturalWidth > 0")
    assert log.console_errors == [] and log.non_file_requests == []


def test_broken_math_fails_the_build_at_its_line_and_checked_formulas_are_remembered(tmp_path, monkeypatch):
    deck_yaml = write_talk(tmp_path / "t", "## X\n\nfine $x^2$\n\nbroken $\\frac{1$ here\n")
    with pytest.raises(DeckError) as info:
        build(deck_yaml, progress=False)
    assert info.value.line == 5 and info.value.message.startswith("math: ")
    (tmp_path / "t" / "talk.md").write_text("## X\n\nfine $x^2$\n")
    build(deck_yaml, progress=False)
    import deck.katex

    monkeypatch.setattr(deck.katex, "katex_batch", lambda requests: pytest.fail(f"node started for {requests}"))
    build(deck_yaml, progress=False)  # every formula already typeset: no node process
