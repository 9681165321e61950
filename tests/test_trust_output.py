"""The output folder: atomic swap, SIGTERM, litter from killed builds, links, permissions, hand-offs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import PROJECT, tree_digest
from deck import output
from deck.errors import DeckError
from deck.pipeline import build

DEAD_PID = 4_999_999  # above Linux's largest pid_max (4194304): never a running process


def talk(root: Path, title: str = "Hand Off") -> Path:
    """A talk with no computation: builds in well under a second."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "deck.yaml").write_text(f"title: {title}\nslides:\n  - a.md\n")
    (root / "a.md").write_text("## A slide\n\nSome text.\n\nNote:\nSay something.\n")
    return root / "deck.yaml"


# --------------------------------------------------------------------------
# Hand-offs (issue 11): the PDF and the single file survive the next build


def test_single_file_survives_the_next_build(tmp_path):
    from deck.single_file import write_single_file

    config = talk(tmp_path / "t")
    out = tmp_path / "out"
    single = write_single_file(build(config, out, progress=False))
    assert single == out / "hand-off.html"
    body = single.read_bytes()
    (tmp_path / "t" / "a.md").write_text("## Changed\n\nNew text.\n")
    build(config, out, progress=False)
    assert single.read_bytes() == body
    assert "Changed" in (out / "index.html").read_text()


class _FakePage:
    def goto(self, *args, **kwargs): ...
    def add_style_tag(self, *args, **kwargs): ...
    def close(self): ...

    def pdf(self, path, **kwargs):
        Path(path).write_bytes(b"%PDF-1.4 fake\n")


class _FakeBrowser:
    def __init__(self, target):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        pass

    def new_page(self, **kwargs):
        return _FakePage()


@pytest.fixture
def fake_print(tmp_path, monkeypatch):
    """A built hand-off talk and deck.pdf with a stand-in browser: (pdf module, build result, config, out)."""
    from deck import pdf

    monkeypatch.setattr(pdf, "chromium", _FakeBrowser)
    monkeypatch.setattr(pdf, "wait_until_drawn", lambda *args: None)
    config = talk(tmp_path / "t")
    out = tmp_path / "out"
    return pdf, build(config, out, progress=False), config, out


def test_pdf_with_notes_has_its_own_name_and_both_survive_rebuilds(fake_print):
    """The naming and carrying logic alone; the real print is test_pdf_notes_print_end_to_end."""
    pdf, result, config, out = fake_print
    plain = pdf.export_pdf(result)
    notes = pdf.export_pdf(result, with_notes=True)
    assert (plain.name, notes.name) == ("hand-off.pdf", "hand-off-notes.pdf")
    build(config, out, progress=False)
    build(config, out, progress=False)
    assert plain.is_file() and notes.is_file()
    assert sorted((out / output.HANDOFFS).read_text().split()) == ["hand-off-notes.pdf", "hand-off.pdf"]


def test_a_failed_print_leaves_no_half_file_and_keeps_the_last_pdf(fake_print, monkeypatch):
    pdf, result, _, out = fake_print
    good = pdf.export_pdf(result)

    def broken(self, path, **kwargs):
        Path(path).write_bytes(b"%PDF-1.4 half")
        raise KeyboardInterrupt

    monkeypatch.setattr(_FakePage, "pdf", broken)
    with pytest.raises(KeyboardInterrupt):
        pdf.export_pdf(result)
    assert sorted(p.name for p in out.iterdir() if p.suffix == ".partial" or ".pdf" in p.name) == ["hand-off.pdf"]
    assert good.read_bytes() == b"%PDF-1.4 fake\n"


def test_handoffs_are_plain_files_of_the_deck_only(tmp_path):
    """A forged list cannot make a build copy a file from elsewhere, or a link, into the deck."""
    config = talk(tmp_path / "t")
    out = tmp_path / "out"
    build(config, out, progress=False)
    secret = tmp_path / "secret.txt"
    secret.write_text("private")
    (out / "link.pdf").symlink_to(secret)
    (out / output.HANDOFFS).write_text("../secret.txt\nlink.pdf\n.deck-build\nindex.html\n")
    build(config, out, progress=False)
    assert not (out / "link.pdf").exists() and not (out / "secret.txt").exists()
    assert "Some text" in (out / "index.html").read_text()


@pytest.mark.browser
def test_pdf_notes_print_end_to_end(tmp_path):
    config = talk(tmp_path / "t")
    out = tmp_path / "out"
    command = [sys.executable, str(PROJECT / "build.py"), str(config), "--out", str(out), "--quiet"]
    done = subprocess.run(command + ["--pdf", "--notes"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    notes = out / "hand-off-notes.pdf"
    assert notes.read_bytes().startswith(b"%PDF") and not (out / "hand-off.pdf").exists()
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert notes.read_bytes().startswith(b"%PDF")


# --------------------------------------------------------------------------
# The swap


def test_the_swap_is_one_atomic_exchange(tmp_path, monkeypatch):
    """With renameat2(RENAME_EXCHANGE) no rename leaves the output path empty: none is made."""
    if output._renameat2 is None:
        pytest.skip("no renameat2 on this platform")
    config = talk(tmp_path / "t")
    out = tmp_path / "out"
    build(config, out, progress=False)

    real_replace = os.replace

    def no_rename(src, dst, *args, **kwargs):
        if Path(src) == out or Path(dst) == out:
            raise AssertionError("the output folder was renamed: its path was missing for a moment")
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(output.os, "replace", no_rename)
    (tmp_path / "t" / "a.md").write_text("## Second\n")
    build(config, out, progress=False)
    assert "Second" in (out / "index.html").read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "t"]


def test_without_the_exchange_two_renames_still_swap(tmp_path, monkeypatch):
    config = talk(tmp_path / "t")
    out = tmp_path / "out"
    build(config, out, progress=False)
    monkeypatch.setattr(output, "_renameat2", None)
    (tmp_path / "t" / "a.md").write_text("## Second\n")
    build(config, out, progress=False)
    assert "Second" in (out / "index.html").read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "t"]


def test_output_is_readable_under_the_users_umask(tmp_path):
    config = talk(tmp_path / "t")
    for mask, mode in ((0o022, 0o755), (0o027, 0o750)):
        old = os.umask(mask)
        try:
            out = tmp_path / f"out-{mask:o}"
            build(config, out, progress=False)
            assert out.stat().st_mode & 0o777 == mode
            assert (out / "index.html").stat().st_mode & 0o777 == mode & 0o666
        finally:
            os.umask(old)


# --------------------------------------------------------------------------
# Litter from killed builds


def test_stale_staging_and_retired_folders_are_removed(tmp_path):
    config = talk(tmp_path / "t")
    out = tmp_path / "out"
    build(config, out, progress=False)
    stale = [
        tmp_path / f".out.staging-{DEAD_PID}.abc123",
        tmp_path / ".out.staging-x1y2z3",  # an older build's name, without a process id
        tmp_path / f".out.retired-{DEAD_PID}",
    ]
    for folder in stale:
        (folder / "figures").mkdir(parents=True)
        (folder / "figures" / "big.png").write_bytes(b"x" * 1000)
    live = tmp_path / f".out.staging-{os.getppid()}.inprogress"  # a build still running: not ours to touch
    live.mkdir()
    build(config, out, progress=False)
    assert [p for p in stale if os.path.lexists(p)] == []
    assert live.is_dir()


def test_a_deck_left_retired_by_a_killed_swap_is_put_back(tmp_path):
    config = talk(tmp_path / "t")
    out = tmp_path / "out"
    build(config, out, progress=False)
    retired = tmp_path / f".out.retired-{DEAD_PID}"
    os.rename(out, retired)
    before = tree_digest(retired)
    output.recover(out)
    assert tree_digest(out) == before and not retired.exists()


def test_a_stale_link_is_unlinked_never_followed(tmp_path):
    config = talk(tmp_path / "t")
    out = tmp_path / "out"
    build(config, out, progress=False)
    victim = tmp_path / "elsewhere"
    victim.mkdir()
    (victim / "keep.txt").write_text("mine")
    (tmp_path / f".out.staging-{DEAD_PID}.evil").symlink_to(victim)
    (tmp_path / f".out.retired-{DEAD_PID}").symlink_to(victim)
    build(config, out, progress=False)
    assert (victim / "keep.txt").read_text() == "mine"
    assert not os.path.lexists(tmp_path / f".out.staging-{DEAD_PID}.evil")


def test_an_output_path_that_is_a_link_is_refused_and_left_alone(tmp_path):
    config = talk(tmp_path / "t")
    real = tmp_path / "www" / "deck"
    build(config, real, progress=False)
    before = tree_digest(real)
    link = tmp_path / "t" / "output"
    link.symlink_to(real)
    with pytest.raises(DeckError, match="symbolic link") as info:
        build(config, link, progress=False)
    assert str(real) in info.value.one_line()
    assert link.is_symlink() and tree_digest(real) == before
    assert sorted(p.name for p in (tmp_path / "www").iterdir()) == ["deck"]


# --------------------------------------------------------------------------
# SIGTERM


SLOW_BUILD = r"""
import sys, time
sys.path.insert(0, sys.argv[1])
from deck import pipeline
real = pipeline._run_computations
def slow(*args, **kwargs):
    print("computing", file=sys.stderr, flush=True)
    time.sleep(60)
    return real(*args, **kwargs)
pipeline._run_computations = slow
from deck.cli import main
sys.exit(main(sys.argv[2:]))
"""


def test_sigterm_mid_build_leaves_the_old_deck_whole_and_no_litter(tmp_path):
    config = talk(tmp_path / "t")
    out = tmp_path / "out"
    build(config, out, progress=False)
    before = tree_digest(out)
    (tmp_path / "t" / "a.md").write_text("## Never shipped\n")
    proc = subprocess.Popen(
        [sys.executable, "-c", SLOW_BUILD, str(PROJECT), str(config), "--out", str(out)],
        stderr=subprocess.PIPE, text=True,
    )
    assert proc.stderr.readline().strip() == "computing"
    assert any(".staging-" in p.name for p in tmp_path.iterdir())
    proc.send_signal(signal.SIGTERM)
    started = time.monotonic()
    rest = proc.stderr.read()
    proc.wait(timeout=30)
    assert time.monotonic() - started < 10
    assert proc.returncode != 0 and "interrupted" in rest and "Traceback" not in rest, rest
    assert tree_digest(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "t"]
