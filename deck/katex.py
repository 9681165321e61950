"""KaTeX in node, once per build: every formula of a deck typeset in a single process.

The build renders math to HTML here, so the browser typesets nothing, a broken
formula fails the build at its line, and the PDF and single file need no math
plugin. Each formula's result is remembered in the cache by its source, so a
warm rebuild starts no node at all. ``--check`` uses the same batch to list
every broken formula at once.
"""

from __future__ import annotations

import functools
import hashlib
import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from deck.memo import recall_json, remember_json
from deck.paths import VENDOR_DIR

KATEX_DIR = VENDOR_DIR / "katex"
KATEX_JS = KATEX_DIR / "dist" / "katex.js"
KATEX_CSS = "vendor/katex/dist/katex.min.css"
MEMO_FILE = "katex-rendered.json"

# One node process typesets the whole batch: starting node per formula would cost far more.
_KATEX_BATCH = r"""
const katex = require(process.argv[1]);
let input = "";
process.stdin.on("data", (d) => { input += d; });
process.stdin.on("end", () => {
  const results = JSON.parse(input).map(([src, display, output]) => {
    try { return {html: katex.renderToString(src, {throwOnError: true, displayMode: display, output: output})}; }
    catch (e) { return {error: String(e && e.message ? e.message : e)}; }
  });
  process.stdout.write(JSON.stringify(results));
});
"""


@dataclass(frozen=True)
class Request:
    """One formula to typeset. Notes use MathML: the speaker view loads no KaTeX stylesheet."""

    source: str
    display: bool
    mathml_only: bool = False

    @property
    def output(self) -> str:
        return "mathml" if self.mathml_only else "htmlAndMathml"


@dataclass(frozen=True)
class Typeset:
    """KaTeX's answer for one formula: its HTML, or the reason it has none."""

    html: str | None
    error: str | None


def katex_batch(requests: Sequence[Request], katex_js: Path = KATEX_JS) -> list[Typeset]:
    """Typeset every request in one node process."""
    if not requests:
        return []
    node = shutil.which("node")
    if node is None:
        raise FileNotFoundError("node (Node.js typesets the slides' math at build time)")
    if not katex_js.is_file():
        raise FileNotFoundError(f"{katex_js} (run 'npm ci')")
    result = subprocess.run(
        [node, "-e", _KATEX_BATCH, str(katex_js)],
        input=json.dumps([[r.source, r.display, r.output] for r in requests]),
        capture_output=True, text=True, timeout=120, check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "node failed")
    return [Typeset(item.get("html"), item.get("error")) for item in json.loads(result.stdout)]


def katex_errors(formulas: Sequence[tuple[str, bool]], katex_js: Path = KATEX_JS) -> list[str | None]:
    """KaTeX's verdict on each (source, display) pair: None or its error message."""
    return [answer.error for answer in katex_batch([Request(src, display) for src, display in formulas], katex_js)]


def typeset(requests: Sequence[Request], cache_dir: Path) -> list[Typeset]:
    """Like ``katex_batch``, remembering each formula's answer in ``cache_dir``: only new ones reach node."""
    memo_path = cache_dir / MEMO_FILE
    memo = _read_memo(memo_path)
    version = katex_version()
    keys = [_key(version, request) for request in requests]
    missing = {key: request for key, request in zip(keys, requests) if key not in memo}
    if missing:
        ordered = sorted(missing.items())
        answers = katex_batch([request for _, request in ordered])
        memo.update({key: {"html": a.html} if a.error is None else {"error": a.error} for (key, _), a in zip(ordered, answers)})
        remember_json(memo_path, memo)
    return [Typeset(memo[key].get("html"), memo[key].get("error")) for key in keys]


def _read_memo(path: Path) -> dict[str, dict[str, str]]:
    """The remembered answers; anything malformed in the file is simply typeset again."""
    memo = recall_json(path)
    if not isinstance(memo, dict):
        return {}
    return {
        key: value for key, value in memo.items()
        if isinstance(value, dict) and len(value) == 1 and isinstance(value.get("html", value.get("error")), str)
    }


def _key(version: str, request: Request) -> str:
    text = f"{version}\0{request.output}\0{int(request.display)}\0{request.source}"
    return hashlib.sha256(text.encode()).hexdigest()


@functools.cache
def katex_version() -> str:
    """The pinned KaTeX's version: a new KaTeX typesets everything again."""
    try:
        return str(json.loads((KATEX_DIR / "package.json").read_text(encoding="utf-8")).get("version", "?"))
    except (OSError, ValueError):
        return "?"
