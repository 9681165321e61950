"""build.py --pdf: one page per slide, text on the right page, a clear message without Chromium."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import PROJECT, STARTER, run_build
from deck.pipeline import load_sources

pytestmark = pytest.mark.browser
CONFIG = STARTER / "slides" / "deck.yaml"


def page_texts(path: Path) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(path).pages]


@pytest.fixture(scope="module")
def slides() -> list:
    return load_sources(CONFIG)[1]


def test_pdf_has_one_page_per_slide(tmp_path: Path, slides: list) -> None:
    out = tmp_path / "output"
    result = run_build("--config", CONFIG, "--out", out, "--pdf")
    assert result.returncode == 0, result.stderr
    pdf = out / "starter-deck.pdf"
    assert f"Wrote {pdf}" in result.stdout
    texts = page_texts(pdf)
    assert len(texts) == len(slides) == 10
    # The fragment slide is printed whole (fragments collapsed onto one page), on its own page.
    points = next(i for i, s in enumerate(slides) if s.options.get("id") == "points")
    assert "Points that appear one by one" in texts[points]
    assert "And this one on the second" in texts[points]
    assert all("Points that appear" not in text for i, text in enumerate(texts) if i != points)
    # Facts from the build, and KaTeX output (a rendered sigma), reach the page.
    assert "parameters and reached" in texts[points + 1]
    assert "σ" in texts[points + 2]
    # A demo prints as its static fallback figure: the neuron's is an SVG plot, which Chromium
    # prints as vector paths (a page with the heading alone draws a few kilobytes).
    demo = next(i for i, s in enumerate(slides) if s.layout == "demo")
    assert len(PdfReader(pdf).pages[demo].get_contents().get_data()) > 20_000
    # Notes are not printed unless asked for.
    assert not any("fragments: reveal.js shows them" in text for text in texts)


def test_pdf_with_notes_puts_each_slides_notes_after_it(tmp_path: Path, slides: list) -> None:
    out = tmp_path / "output"
    result = run_build("--config", CONFIG, "--out", out, "--pdf", "--notes", "--quiet")
    assert result.returncode == 0, result.stderr
    texts = page_texts(out / "starter-deck-notes.pdf")  # a name of its own, beside the plain edition
    assert len(texts) == 2 * len(slides)  # every starter slide has notes
    points = next(i for i, s in enumerate(slides) if s.options.get("id") == "points")
    assert "Points that appear one by one" in texts[2 * points]
    assert "fragments: reveal.js shows them one click at a time" in texts[2 * points + 1]


def test_missing_chromium_is_one_line_naming_the_install_command(tmp_path: Path) -> None:
    env = {**os.environ, "PATH": str(tmp_path / "empty-bin")}
    out = tmp_path / "output"
    result = subprocess.run(
        [sys.executable, str(PROJECT / "build.py"), "--config", str(CONFIG), "--out", str(out), "--pdf", "--quiet"],
        cwd=PROJECT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Chromium is not installed" in lines[0] and "apt-get install -y chromium" in lines[0]
    assert "Traceback" not in result.stderr
    assert not (out / "starter-deck.pdf").exists()
