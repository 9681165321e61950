"""What a slide's finished HTML may contain: nothing that reaches the network, nothing that runs.

The check reads the HTML a slide turns into (after Jinja and Markdown), so a
script assembled by a template (``'<scr' ~ 'ipt>'``) is caught like a typed
one, while code shown in a fenced block is escaped text and never refused.
"""

from __future__ import annotations

import html.parser
import re
from dataclasses import dataclass

# Attributes that make the browser fetch something.
_FETCHING = {"src", "href", "srcset", "poster", "data", "background", "action", "formaction", "xlink:href", "manifest", "cite",
             # what reveal.js itself loads: lazy media and slide backgrounds
             "data-src", "data-background-image", "data-background-video", "data-background-iframe"}
_CSS_URL = re.compile(r"url\(\s*['\"]?\s*([^'\")\s]+)", re.I)
_CSS_IMPORT = re.compile(r"@import\s+['\"]([^'\"]+)", re.I)
_REMOTE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.I)  # http://x, https://x, //x
_JAVASCRIPT = re.compile(r"^\s*(?:javascript|vbscript)\s*:", re.I)
_SCRIPTING_TAGS = {"script"}
_FRAME_TAGS = {"iframe", "frame", "object", "embed"}


@dataclass(frozen=True)
class Violation:
    """One thing the page may not hold; ``needle`` is text to find its line in the source."""

    message: str
    hint: str
    needle: str


def remote_host(url: str) -> str | None:
    """The host a URL would reach (``//cdn.x/y`` -> ``cdn.x``), or None for a local reference."""
    if not _REMOTE.match(url):
        return None
    after = url.split("//", 1)[1]
    return re.split(r"[/?#:]", after, maxsplit=1)[0].lower()


class _Checker(html.parser.HTMLParser):
    def __init__(self, allow_scripts: bool, allowed_hosts: frozenset[str]):
        super().__init__(convert_charrefs=True)
        self.allow_scripts = allow_scripts
        self.allowed_hosts = allowed_hosts
        self.found: list[Violation] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs)

    def _tag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_style = tag == "style"
        if tag in _SCRIPTING_TAGS and not self.allow_scripts:
            self.found.append(Violation("raw <script> in slide text", "put interactive code in a demo, or set 'allow_scripts: true' in deck.yaml", "<"))
        for name, value in attrs:
            value = value or ""
            if name.startswith("on") and not self.allow_scripts:
                self.found.append(Violation(f"event handler attribute '{name}' on <{tag}>", "put interactive code in a demo, or set 'allow_scripts: true' in deck.yaml", name))
            elif name == "srcdoc" and not self.allow_scripts:
                self.found.append(Violation(f"<{tag} srcdoc> embeds a page of its own", "put interactive code in a demo, or set 'allow_scripts: true' in deck.yaml", "srcdoc"))
            elif name in _FETCHING or name == "style":
                urls = [value] if name in _FETCHING else _CSS_URL.findall(value)
                if name == "srcset":
                    urls = [part.strip().split(" ")[0] for part in value.split(",")]
                for url in urls:
                    self._url(tag, name, url)

    def _url(self, tag: str, attribute: str, url: str) -> None:
        if _JAVASCRIPT.match(url) and not self.allow_scripts:
            self.found.append(Violation(f"'{url.strip()[:40]}' URL in <{tag} {attribute}>", "javascript: links run code: put it in a demo, or set 'allow_scripts: true'", url.strip()[:30]))
            return
        host = remote_host(url)
        if host is None or host in self.allowed_hosts:
            return
        if tag == "a" and attribute == "href":
            return  # a link is followed only if the speaker clicks it; the deck itself stays offline
        kind = "frame" if tag in _FRAME_TAGS else tag
        self.found.append(Violation(
            f"<{kind}> loads '{url.strip()[:80]}' from the network",
            f"the deck must present offline: save the file into the talk folder, or allow the host with 'allow_hosts: [{host}]' in deck.yaml",
            url.strip()[:60],
        ))

    def handle_data(self, data: str) -> None:
        if self._in_style:
            for url in _CSS_URL.findall(data) + _CSS_IMPORT.findall(data):
                self._url("style", "url", url)

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False


def check_html(fragment: str, allow_scripts: bool, allowed_hosts: frozenset[str] = frozenset()) -> list[Violation]:
    """Every violation in one slide's HTML, in document order."""
    checker = _Checker(allow_scripts, allowed_hosts)
    checker.feed(fragment)
    checker.close()
    return checker.found
