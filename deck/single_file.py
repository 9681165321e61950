"""The deck as one HTML file that presents anywhere: e-mail, USB stick, no server.

The built ``index.html`` refers to scripts, stylesheets, fonts, figures and
data files beside it. Here each reference is replaced by the file itself:
scripts and styles inline, images and fonts as ``data:`` URIs. Math was
typeset at build time, so KaTeX's stylesheet and fonts are all it needs.
The result opens with no request beyond its own URL.
"""

from __future__ import annotations

import base64
import html
import mimetypes
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from deck.errors import DeckError
from deck.paths import URL_SCHEME, inside
from deck.hints import slug
from deck.output import record_handoff

if TYPE_CHECKING:
    from deck.pipeline import BuildResult

_STYLESHEET = re.compile(r"""<link\s+rel="stylesheet"\s+href="([^"]+)"\s*/?>""")
_SCRIPT = re.compile(r"""<script\s+src="([^"]+)"\s*>\s*</script>""")
_IMG_SRC = re.compile(r"""(<img\b[^>]*?\s(?:data-)?src=")([^"]+)(")""")  # data-src: loaded by reveal.js when near
_BACKGROUND = re.compile(r"""(\sdata-background-image=")([^"]+)(")""")
_STYLE_ATTR = re.compile(r"""(\sstyle=")([^"]*url\([^"]*)(")""")
_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}")
_SRC_DECL = re.compile(r"(src\s*:)([^;}]+)")
_EXTRA_TYPES = {".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf", ".svg": "image/svg+xml", ".js": "text/javascript"}


def write_single_file(result: "BuildResult") -> Path:
    """Write ``<out_dir>/<slug>.html`` with everything inlined; return its path (kept by later builds)."""
    out_dir = result.out_dir
    target = out_dir / f"{slug(result.config.title)}.html"
    page = (out_dir / "index.html").read_text(encoding="utf-8")
    inliner = Inliner(out_dir, target)
    text = inliner.page(page)
    partial = target.with_name(f".{target.name}.partial")
    try:
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)  # an interrupted write leaves no half file in the deck
    record_handoff(out_dir, target.name)  # the next build carries it into the new deck
    return target


class Inliner:
    """Replaces references below ``root`` by their contents."""

    def __init__(self, root: Path, target: Path):
        self.root = root.resolve()
        self.target = target

    def page(self, text: str) -> str:
        # Markup first, while the page holds only our own HTML (inlined code may contain '<img').
        text = _IMG_SRC.sub(lambda m: m.group(1) + self.data_uri(html.unescape(m.group(2))) + m.group(3), text)
        text = _BACKGROUND.sub(lambda m: m.group(1) + self.data_uri(html.unescape(m.group(2))) + m.group(3), text)
        text = _STYLE_ATTR.sub(lambda m: m.group(1) + html.escape(self.css(html.unescape(m.group(2)), self.root), quote=True) + m.group(3), text)
        text = _STYLESHEET.sub(lambda m: self.style(m.group(1)), text)
        return _SCRIPT.sub(lambda m: self.script(m.group(1)), text)

    def style(self, href: str) -> str:
        path = self.resolve(href)
        css = self.css(path.read_text(encoding="utf-8"), path.parent)
        return f"<style data-inlined=\"{html.escape(href)}\">\n{_escape_end_tag(css, 'style')}\n</style>"

    def script(self, src: str) -> str:
        code = self.resolve(src).read_text(encoding="utf-8")
        return f'<script data-inlined="{html.escape(src)}">\n{_escape_end_tag(code, "script")}\n</script>'

    def css(self, css: str, base: Path) -> str:
        """Fonts and images a stylesheet refers to, as data: URIs; missing font fallbacks dropped."""
        css = _FONT_FACE.sub(lambda m: _SRC_DECL.sub(lambda d: d.group(1) + self._present_sources(d.group(2), base), m.group(0)), css)
        return _URL.sub(lambda m: f'url("{self.data_uri(m.group(2), base)}")', css)

    def _present_sources(self, sources: str, base: Path) -> str:
        # KaTeX lists woff2, woff and ttf; the build ships only woff2, which every browser reads.
        entries = [entry for entry in sources.split(",") if entry.strip()]
        kept = []
        for entry in entries:
            match = _URL.search(entry)
            if match is None or _is_inline(match.group(2)) or (base / match.group(2)).is_file():
                kept.append(entry)
        return ",".join(kept) if kept else sources

    def data_uri(self, reference: str, base: Path | None = None) -> str:
        if _is_inline(reference) or reference.startswith("#"):
            return reference
        path = self.resolve(reference, base)
        kind = _EXTRA_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"

    def resolve(self, reference: str, base: Path | None = None) -> Path:
        if URL_SCHEME.match(reference) or reference.startswith("//"):
            raise DeckError(self.target, None, f"cannot inline '{reference}': only files inside the deck can be inlined")
        clean = reference.split("#", 1)[0].split("?", 1)[0]
        path = ((base or self.root) / clean).resolve()
        if not inside(path, self.root):
            raise DeckError(self.target, None, f"cannot inline '{reference}': it lies outside the deck folder")
        if not path.is_file():
            raise DeckError(self.target, None, f"cannot inline '{reference}': file not found in {self.root}")
        return path


def _is_inline(reference: str) -> bool:
    return reference.startswith(("data:", "blob:"))


def _escape_end_tag(text: str, tag: str) -> str:
    """Keep inlined code from closing its own element early (the HTML parser ends at '</tag')."""
    text = re.sub(rf"</({tag})", r"<\\/\1", text, flags=re.I)
    return text.replace("<!--", "<\\!--") if tag == "script" else text
