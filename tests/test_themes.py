"""Two themes, projector (bright rooms) and hall (dim halls): both listed, both legible on the
default talk, and netcore's figures drawn and cached per theme in the theme's own colours."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import PROJECT, run_build
from deck.figures import style_for
from netcore.figures import theme
from test_legibility import findings

THEMES = PROJECT / "templates" / "theme"
DEMO_CALL = re.compile(r"\{\{\s*demo\(")


def talk_with_theme(folder: Path, name: str) -> Path:
    """A copy of the default talk whose deck.yaml chooses theme ``name``."""
    shutil.copytree(PROJECT / "slides", folder, ignore=shutil.ignore_patterns("output", ".cache"))
    config = folder / "deck.yaml"
    text, count = re.subn(r"(?m)^theme: \w+$", f"theme: {name}", config.read_text(encoding="utf-8"))
    assert count == 1
    config.write_text(text, encoding="utf-8")
    return folder


def css_variables(name: str) -> dict[str, str]:
    css = (THEMES / f"{name}.css").read_text(encoding="utf-8")
    root = css[css.index(":root {"):]
    root = root[: root.index("}")]
    return {m.group(1): m.group(2).lower() for m in re.finditer(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", root)}


def slide_at(path: Path, line: int) -> str:
    """The text of the slide that starts at, or holds, ``line`` of a slide file (slides end at ---)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next((i + 1 for i in range(line - 2, -1, -1) if lines[i].strip() == "---"), 0)
    end = next((i for i in range(line, len(lines)) if lines[i].strip() == "---"), len(lines))
    return "\n".join(lines[start:end])


def redrawn(result) -> int:
    match = re.search(r"(\d+) netcore figures redrawn", result.stdout + result.stderr)
    return int(match.group(1)) if match else 0


@pytest.fixture(scope="module")
def hall_build(tmp_path_factory: pytest.TempPathFactory, chromium_path: str):
    """The default talk built once with theme: hall (network from the project's cache)."""
    root = tmp_path_factory.mktemp("hall")
    talk = talk_with_theme(root / "talk", "hall")
    result = run_build(talk, "--out", root / "out", "--cache", PROJECT / ".cache")
    assert result.returncode == 0, result.stderr
    return talk, root / "out", result


def test_list_themes_shows_both() -> None:
    result = run_build("--list", "themes")
    assert result.returncode == 0, result.stderr
    listed = {line.split()[0]: line.split()[1] for line in result.stdout.splitlines() if line.strip()}
    assert listed["projector"].endswith("templates/theme/projector.css")
    assert listed["hall"].endswith("templates/theme/hall.css")
    assert "base" not in listed  # what every theme sits on is not a theme of its own


def test_every_theme_sits_on_the_shared_base(tmp_path: Path) -> None:
    talk = tmp_path / "t"
    talk.mkdir()
    (talk / "deck.yaml").write_text("title: T\ntheme: hall\nslides:\n  - a.md\n")
    (talk / "a.md").write_text("## A\n\nText.\n")
    assert run_build(talk, "--out", tmp_path / "out", "--no-legibility").returncode == 0
    page = (tmp_path / "out" / "index.html").read_text()
    assert page.index('href="theme/base.css"') < page.index('href="theme/hall.css"')
    base = (tmp_path / "out" / "theme" / "base.css").read_text()
    hall = (tmp_path / "out" / "theme" / "hall.css").read_text()
    assert ".reveal h1" in base and "font-size: 40px" in base and "font-size: 40px" not in hall
    (talk / "deck.yaml").write_text("title: T\ntheme: base\nslides:\n  - a.md\n")
    refused = run_build(talk, "--out", tmp_path / "out", "--no-legibility")
    assert refused.returncode != 0 and "unknown theme 'base'" in refused.stderr


@pytest.mark.parametrize("name", ["projector", "hall"])
def test_palette_text_is_aa_on_its_paper_and_matches_the_css(name: str) -> None:
    p = theme.palette(name)
    assert p.name == name
    for field in ("ink", "muted", "blue", "warm", "green"):
        assert theme.contrast(getattr(p, field), p.paper) >= 4.5, field
    assert theme.contrast(p.diagonal_ink, p.diagonal) >= 4.5
    for field in ("orange", "light_blue", "purple", "faint"):  # lines and marks: WCAG's 3:1 for graphics
        assert theme.contrast(getattr(p, field), p.paper) >= 3.0, field
    css = css_variables(name)
    assert (css["weight-neg"], css["weight-zero"], css["weight-pos"]) == tuple(c.lower() for c in p.weight_stops)
    assert p.weight_stops[1].lower() == p.paper.lower(), "zero weight is drawn in the figure's paper"
    style = style_for(name)
    for field in ("ink", "paper", "muted", "accent", "warm"):
        assert style[field].lower() == css[field], f"deck/figures.py's {field} for {name} is not the CSS's"
    for field in ("ink", "muted", "accent", "warm"):
        assert theme.contrast(css[field], css["paper"]) >= 4.5, field


@pytest.mark.parametrize("name, panel", [("projector", "#f0f0ea"), ("hall", "#1f242c")])
def test_code_token_colours_are_aa_on_the_code_panel(name: str, panel: str) -> None:
    css = (THEMES / f"{name}.css").read_text(encoding="utf-8")
    base = (THEMES / "base.css").read_text(encoding="utf-8")  # the panel itself is the shared base's
    assert re.search(r"\.reveal pre code\.hljs \{[^}]*background: var\(--code-bg\)", base)
    assert css_variables(name)["code-bg"] == panel
    rules = re.findall(r"([^{}]*\.hljs-[^{}]*)\{([^}]*)\}", css)
    colours = [(sel.strip(), m.group(1)) for sel, body in rules for m in [re.search(r"color: (#[0-9a-fA-F]{6})", body)] if m]
    assert len(colours) >= 8, colours
    for selector, colour in colours:
        assert theme.contrast(colour, panel) >= 4.5, f"{name}: {selector} {colour} on {panel}"


def test_hall_is_dark_and_projector_light() -> None:
    hall, projector = theme.palette("hall"), theme.palette("projector")
    assert theme.luminance(hall.paper) < 0.05 < 0.8 < theme.luminance(hall.ink)
    assert theme.luminance(projector.paper) > 0.8 > 0.05 > theme.luminance(projector.ink)
    assert theme.palette("a-talks-own-theme") is projector


def test_default_talk_on_hall_figures_read_from_the_back(hall_build) -> None:
    """Mirrors test_legibility's light-theme test: no figure finding, and any finding at all
    is on a live demo's own panel (its slide's demo line), none on slides, code, math or figures."""
    talk, out, result = hall_build
    html = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="theme/hall.css"' in html or "theme/hall.css" in html
    for name in ("first-layer-weights", "talk-confusion-matrix", "activations"):
        assert f'data-figure="{name}"' in html
    assert "legibility: check skipped" not in result.stderr
    found = findings(result.stderr)
    assert [f for f in found if f[2].startswith("figure '")] == []
    for file, line, message in found:
        assert DEMO_CALL.search(slide_at(talk / file, line)), f"{file}:{line}: {message} (not a demo panel)"


def test_default_talk_on_hall_has_no_findings_under_strict(tmp_path: Path, chromium_path: str) -> None:
    talk = talk_with_theme(tmp_path / "talk", "hall")
    result = run_build(talk, "--out", tmp_path / "out", "--cache", PROJECT / ".cache", "--strict")
    assert result.returncode == 0, result.stderr
    assert findings(result.stderr) == []


def test_hall_figures_are_drawn_on_the_dark_ground(hall_build) -> None:
    from PIL import Image

    _, out, _ = hall_build
    paper = theme.palette("hall").paper
    svg = (out / "figures" / "talk-confusion-matrix.svg").read_text(encoding="utf-8")
    assert re.search(r'style="fill: (#[0-9a-f]{6})"', svg).group(1) == paper  # the first patch: the figure's ground
    with Image.open(out / "figures" / "first-layer-weights.png") as image:
        corner = image.convert("RGB").getpixel((2, 2))
    assert "#%02x%02x%02x" % corner == paper


def test_figures_are_drawn_and_cached_per_theme(tmp_path: Path) -> None:
    """A build in the other theme redraws every netcore figure in its colours; switching back
    draws nothing and gives the first build's bytes."""
    cache = tmp_path / "cache"
    source = PROJECT / ".cache" / "netcore"
    if source.is_dir():  # the trained model and facts, not the figures: this test's figures start cold
        shutil.copytree(source, cache / "netcore", ignore=lambda folder, names: [n for n in names if n == "figures"])
    light = talk_with_theme(tmp_path / "light", "projector")
    hall = talk_with_theme(tmp_path / "hall", "hall")

    def build(talk: Path, out: str):
        result = run_build(talk, "--out", tmp_path / out, "--cache", cache, "--no-legibility")
        assert result.returncode == 0, result.stderr
        return result, {p.name: p.read_bytes() for p in sorted((tmp_path / out / "figures").iterdir())}

    first, light_figures = build(light, "out-light-1")
    assert redrawn(first) > 0
    second, hall_figures = build(hall, "out-hall")
    assert redrawn(second) == redrawn(first)
    assert light_figures.keys() == hall_figures.keys()
    assert [name for name in light_figures if light_figures[name] == hall_figures[name]] == []
    third, again = build(light, "out-light-2")
    assert redrawn(third) == 0
    assert again == light_figures


def test_talk_figure_scripts_draw_in_the_theme_and_cache_per_theme(tmp_path: Path) -> None:
    """A talk's own figure script gets the theme's colours as ``style`` and its ground as the
    figure's; each theme's drawing is its own cache entry."""
    from deck.figures import draw_figure

    script = tmp_path / "figures" / "line.py"
    script.parent.mkdir()
    script.write_text(
        'import matplotlib.pyplot as plt\nALT = "a line"\nSIZE = (400, 300)\n'
        'plt.plot([0, 1], [0, 1], color=style.accent)\nplt.title("a title", fontsize=style.font_size)\n',
        encoding="utf-8",
    )
    cache = tmp_path / "cache"
    drawn = {}
    for name in ("projector", "hall", "projector"):
        figure, fresh = draw_figure("line", script, {}, name, cache, tmp_path / f"out-{name}")
        svg = (tmp_path / f"out-{name}" / figure.path).read_text(encoding="utf-8")
        assert re.search(r'style="fill: (#[0-9a-f]{6})"', svg).group(1) == style_for(name).paper
        assert f"stroke: {style_for(name).accent}" in svg
        drawn.setdefault(name, []).append(fresh)
    assert drawn == {"projector": [True, False], "hall": [True]}
    assert len(list((cache / "talk-figures").iterdir())) == 2
