"""Slide text cannot run code, and the built page cannot reach the network: each refusal located."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from deck.errors import DeckError
from deck.pipeline import build


def talk(root: Path, body: str, extra: str = "") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "deck.yaml").write_text(f"title: Sandbox\n{extra}slides:\n  - a.md\n")
    (root / "a.md").write_text("## A slide\n\n" + textwrap.dedent(body).strip() + "\n")
    return root / "deck.yaml"


ESCAPES = {
    "cycler globals": "{{ cycler.__init__.__globals__.os.popen('touch PWNED').read() }}",
    "lipsum builtins": "{{ lipsum.__globals__['__builtins__']['open']('/etc/passwd').read() }}",
    "class walk": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "format string": "{{ '{0.__class__}'.format(deck) }}",
}


@pytest.mark.parametrize("name", sorted(ESCAPES))
def test_template_escapes_are_refused_at_their_line(tmp_path, name):
    deck_yaml = talk(tmp_path / "t", ESCAPES[name])
    with pytest.raises(DeckError) as info:
        build(deck_yaml, progress=False)
    assert info.value.line == 3, info.value.one_line()
    assert not (tmp_path / "t" / "PWNED").exists() and not Path("PWNED").exists()
    assert "passwd" not in info.value.one_line() or "root:" not in info.value.one_line()


@pytest.mark.parametrize("expression, words", [
    ("{{ 1 / 0 }}", "ZeroDivisionError"),
    ("{{ 2.0 ** 10000 }}", "OverflowError"),
    ("{{ 10 ** 100000 }}", "too large"),
    ("{{ 'x' * 100000000 }}", "too large"),
    ("{{ {}['missing'] }}", "missing"),
    ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "recursion"),
    ("{{ net.accuracy }}", "unknown name 'net'"),
    ("{{ deck.titel }}", "titel"),
])
def test_failures_inside_templates_are_one_located_line(tmp_path, expression, words):
    deck_yaml = talk(tmp_path / "t", expression)
    with pytest.raises(DeckError) as info:
        build(deck_yaml, progress=False)
    line = info.value.one_line()
    assert info.value.line == 3 and words in line and "\n" not in line and "dict object" not in line, line


OFFLINE = {
    "remote img tag": ('<img src="http://example.org/x.png" alt="x">', "from the network"),
    "protocol-relative": ('<img src="//cdn.example.org/x.png" alt="x">', "from the network"),
    "remote iframe": ('<iframe src="https://example.org/"></iframe>', "from the network"),
    "reveal's lazy image": ('<img data-src="https://example.org/x.png" alt="x">', "from the network"),
    "reveal's background": ('<div data-background-image="//cdn.example.org/b.png">x</div>', "from the network"),
    "remote video poster": ('<video poster="https://example.org/p.jpg"></video>', "from the network"),
    "remote css url": ('<div style="background: url(https://example.org/b.png)">x</div>', "from the network"),
    "remote stylesheet": ('<link rel="stylesheet" href="https://example.org/s.css">', "from the network"),
    "reference image": ("![a][logo]\n\n[logo]: http://example.org/logo.png", "from the network"),
    "event handler": ('<img src="x.png" onerror="alert(1)" alt="x">', "event handler"),
    "javascript link": ('<a href="javascript:alert(1)">x</a>', "javascript:"),
    "iframe srcdoc": ('<iframe srcdoc="<script>alert(1)</script>"></iframe>', "srcdoc"),
    "assembled script": ("{{ ('<scr' ~ 'ipt>alert(1)</scr' ~ 'ipt>') | safe }}", "<script>"),
}


@pytest.mark.parametrize("name", sorted(OFFLINE))
def test_the_page_may_not_reach_the_network_or_run_code(tmp_path, name):
    body, words = OFFLINE[name]
    deck_yaml = talk(tmp_path / "t", body)
    with pytest.raises(DeckError) as info:
        build(deck_yaml, progress=False)
    assert words in info.value.one_line() and info.value.line == (5 if name == "reference image" else 3), info.value.one_line()


def test_notes_images_are_checked_and_copied_like_slide_images(tmp_path):
    deck_yaml = talk(tmp_path / "t", "Text.\n\nNote:\nSee ![the secret](../../etc/passwd)")
    with pytest.raises(DeckError, match="leads outside the talk folder"):
        build(deck_yaml, progress=False)
    (tmp_path / "t" / "a.md").write_text("## A\n\nText.\n\nNote:\nSee ![a missing one](gone.png)\n")
    with pytest.raises(DeckError, match="not found"):
        build(deck_yaml, progress=False)
    (tmp_path / "t" / "dot.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (tmp_path / "t" / "a.md").write_text("## A\n\nText.\n\nNote:\nSee ![a dot](dot.png)\n")
    build(deck_yaml, progress=False)
    assert (tmp_path / "t" / "output" / "media" / "dot.png").is_file()


def test_hidden_folders_are_never_copied(tmp_path):
    (tmp_path / "t" / ".git").mkdir(parents=True)
    (tmp_path / "t" / ".git" / "config.png").write_bytes(b"x")
    deck_yaml = talk(tmp_path / "t", "![git](.git/config.png)")
    with pytest.raises(DeckError, match="hidden folder"):
        build(deck_yaml, progress=False)


def test_code_that_shows_html_is_text_and_links_and_allowed_hosts_pass(tmp_path):
    body = """
    ```html
    <script src="https://example.org/app.js" onload="go()"></script>
    ```

    Inline `<img src="http://example.org/x.png" onerror="x()">` is shown too.

    A [link](https://example.org/) is followed only if clicked.

    <img src="https://images.example.org/ok.png" alt="allowed on purpose">
    """
    deck_yaml = talk(tmp_path / "t", body, "allow_hosts: [images.example.org]\n")
    build(deck_yaml, progress=False)
    html = (tmp_path / "t" / "output" / "index.html").read_text()
    shown = re.sub(r"<[^>]+>", "", html)  # the text a reader sees (code is coloured token by token)
    assert '&lt;script src="https://example.org/app.js"' in shown and "https://images.example.org/ok.png" in html
    assert '<script src="https://example.org' not in html


@pytest.mark.parametrize("yaml_line, words", [
    ("theme: ../../../x\n", "unknown theme"),
    ("target_minutes: .nan\n", "positive number"),
    ("target_minutes: .inf\n", "positive number"),
    ("date: 2026-02-30\n", "2026-02-30"),
])
def test_deck_yaml_values_are_validated(tmp_path, yaml_line, words):
    deck_yaml = talk(tmp_path / "t", "Text.", yaml_line)
    with pytest.raises(DeckError) as info:
        build(deck_yaml, progress=False)
    assert words in info.value.one_line() and info.value.line == 2, info.value.one_line()


def test_a_slide_file_listed_twice_is_an_error(tmp_path):
    root = tmp_path / "t"
    talk(root, "Text.")
    (root / "deck.yaml").write_text("title: x\nslides:\n  - a.md\n  - a.md\n")
    with pytest.raises(DeckError) as info:
        build(root / "deck.yaml", progress=False)
    assert info.value.line == 4 and "already listed on line 3" in info.value.message


def test_a_huge_run_of_image_openers_is_answered_quickly(tmp_path):
    import time

    deck_yaml = talk(tmp_path / "t", "![" * 400_000)
    started = time.perf_counter()
    with pytest.raises(DeckError, match="brackets"):
        build(deck_yaml, progress=False)
    assert time.perf_counter() - started < 10
