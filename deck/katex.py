"""KaTeX in node, once per run: every formula of a deck parsed in a single process.

The build uses it so that broken math fails the build at its line (with a memo
of formulas already checked, so a warm rebuild starts no node at all), and
``--check`` uses it to list every broken formula at once.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path
from typing import Sequence

from deck.paths import VENDOR_DIR

KATEX_JS = VENDOR_DIR / "katex" / "dist" / "katex.js"
MEMO_FILE = "katex-checked.json"

# KaTeX runs once per run, on every formula, in a single node process.
_KATEX_BATCH = r"""
const katex = require(process.argv[1]);
let input = "";
process.stdin.on("data", (d) => { input += d; });
process.stdin.on("end", () => {
  const results = JSON.parse(input).map(([src, display]) => {
    try { katex.renderToString(src, {throwOnError: true, displayMode: display}); return null; }
    catch (e) { return String(e && e.message ? e.message : e); }
  });
  process.stdout.write(JSON.stringify(results));
});
"""


def katex_errors(formulas: Sequence[tuple[str, bool]], katex_js: Path = KATEX_JS) -> list[str | None]:
    """KaTeX's verdict on each (source, display) pair: None or its error message.

    One node process for the whole deck: starting node per formula would cost
    far more than the parsing itself.
    """
    if not formulas:
        return []
    node = shutil.which("node")
    if node is None:
        raise FileNotFoundError("node")
    if not katex_js.is_file():
        raise FileNotFoundError(str(katex_js))
    result = subprocess.run(
        [node, "-e", _KATEX_BATCH, str(katex_js)],
        input=json.dumps([[src, display] for src, display in formulas]),
        capture_output=True, text=True, timeout=120, check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "node failed")
    return json.loads(result.stdout)


def unchecked_errors(formulas: Sequence[tuple[str, bool]], cache_dir: Path) -> list[str | None]:
    """Like ``katex_errors``, but remembering each formula's verdict in ``cache_dir``: only new ones reach node."""
    memo_path = cache_dir / MEMO_FILE
    try:
        memo = json.loads(memo_path.read_text(encoding="utf-8"))
        if not isinstance(memo, dict):
            memo = {}
    except (OSError, ValueError):
        memo = {}
    keys = [hashlib.sha256(f"{int(display)}\0{source}".encode()).hexdigest() for source, display in formulas]
    missing = sorted({k: f for k, f in zip(keys, formulas) if k not in memo or not (memo[k] is None or isinstance(memo[k], str))}.items())
    if missing:
        verdicts = katex_errors([formula for _, formula in missing])
        memo.update({key: verdict for (key, _), verdict in zip(missing, verdicts)})
        memo_path.parent.mkdir(parents=True, exist_ok=True)
        temporary = memo_path.with_suffix(".tmp")
        temporary.write_text(json.dumps(memo, sort_keys=True), encoding="utf-8")
        temporary.replace(memo_path)
    return [memo[key] for key in keys]
