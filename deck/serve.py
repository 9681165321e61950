"""The watch mode's local web server: the deck, plus a live-reload channel.

It serves the output folder as it is on disk (the build swaps that folder
atomically, so a request sees either the old deck or the new one) and adds
two things only it knows about: a small client script, injected into
``index.html`` as it is sent (the built file on disk stays exactly what a
normal build writes), and a Server-Sent Events stream that tells open pages
"a new build is ready" or "the last edit broke the build: here is the error".
Standard library only; one thread per connection.

It answers only to the names of the machine it runs on (a page elsewhere that
rebinds its own name to 127.0.0.1 gets 403, not the deck), serves files only
from inside the output folder (no '..', no link that leads out), and answers
a malformed request with a 4xx, never a traceback in the terminal.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import sys
import threading
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from deck.paths import TEMPLATES_DIR, inside

CLIENT_PATH = "/__deck__/live.js"
EVENTS_PATH = "/__deck__/events"
KEEPALIVE_SECONDS = 15.0
LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost")
MAX_URL_PATH = 2048  # bytes of the decoded path; a file name is at most NAME_MAX
NAME_MAX = 255

# The browser half of watch mode lives with the other front-end code, in templates/.
CLIENT_JS = (TEMPLATES_DIR / "live" / "reload.js").read_text(encoding="utf-8")

PLACEHOLDER_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Waiting for the first build</title></head>
<body style="font:18px sans-serif;padding:2em">
<p>No deck has been built yet; this page reloads as soon as a build succeeds.</p>
</body></html>
"""


class LiveState:
    """The latest build number and error, and a way to wait for the next change."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self.build = 0
        self.error: str | None = None
        self.patch: dict[str, Any] | None = None
        self.version = 0
        self.stopping = False

    def snapshot(self) -> tuple[int, dict[str, Any]]:
        with self._changed:
            state: dict[str, Any] = {"build": self.build, "error": self.error}
            if self.patch is not None:
                state["patch"] = self.patch
            return self.version, state

    def built(self, patch: dict[str, Any] | None = None) -> None:
        """A new build is out; ``patch`` (slides changed since the last one) lets open pages update in place."""
        with self._changed:
            self.patch = None if patch is None else {"from": self.build, **patch}
            self.build += 1
            self.error = None
            self.version += 1
            self._changed.notify_all()

    def failed(self, message: str) -> None:
        with self._changed:
            self.error = message
            self.version += 1
            self._changed.notify_all()

    def stop(self) -> None:
        with self._changed:
            self.stopping = True
            self._changed.notify_all()

    def wait_for_change(self, seen: int, timeout: float) -> int:
        with self._changed:
            self._changed.wait_for(lambda: self.version != seen or self.stopping, timeout)
            return self.version


class DeckHandler(SimpleHTTPRequestHandler):
    """Static files from the output folder, the injected client, and the event stream.

    HTTP/1.1 keeps connections open across the few dozen files a reload asks
    for, and content ETags let the browser reuse the big unchanged ones (data,
    vendor scripts, figures) even though every build writes them afresh.
    """

    protocol_version = "HTTP/1.1"
    state: LiveState
    etags: "ETagCache"

    def __init__(self, *args: Any, state: LiveState, etags: "ETagCache", **kwargs: Any):
        self.state = state
        self.etags = etags
        self._etag: str | None = None
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        self._etag = None  # one handler serves many requests on a kept-alive connection
        path = self._checked_path()
        if path is None:
            return
        if path == EVENTS_PATH:
            self._events()
        elif path == CLIENT_PATH:
            self._send(CLIENT_JS.encode("utf-8"), "text/javascript; charset=utf-8")
        elif path in ("/", "/index.html"):
            self._index()
        elif path == "/favicon.ico" and not (Path(self.directory) / "favicon.ico").is_file():
            self.send_response(HTTPStatus.NO_CONTENT)  # browsers ask for it; a 404 would be console noise
            self.end_headers()
        else:
            self._static()

    def do_HEAD(self) -> None:
        self._etag = None
        if self._checked_path() is not None:
            self._static(head=True)

    def _refuse_method(self) -> None:
        self.send_response(HTTPStatus.METHOD_NOT_ALLOWED)
        self.send_header("Allow", "GET, HEAD")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_TRACE = do_CONNECT = _refuse_method

    def _checked_path(self) -> str | None:
        """The request's path if it may be answered at all; otherwise the 4xx is sent and None returned."""
        if not host_allowed(self.headers.get("Host"), self.server.server_address[0]):
            self.send_error(HTTPStatus.FORBIDDEN, "this server answers only to localhost")
            return None
        try:
            path = urlsplit(self.path).path
            decoded = unquote(path, errors="strict")
        except (ValueError, UnicodeDecodeError):
            self.send_error(HTTPStatus.BAD_REQUEST, "malformed URL")
            return None
        if any(ord(c) < 32 or ord(c) == 127 for c in decoded) or not decoded.startswith("/"):
            self.send_error(HTTPStatus.BAD_REQUEST, "malformed URL")
            return None
        if len(decoded.encode()) > MAX_URL_PATH or any(len(part.encode()) > NAME_MAX for part in decoded.split("/")):
            self.send_error(HTTPStatus.REQUEST_URI_TOO_LONG, "URL too long")
            return None
        return path

    def _static(self, head: bool = False) -> None:
        path = Path(self.translate_path(self.path))
        try:
            escapes = path.exists() and not inside(path, Path(self.directory))
            is_file = path.is_file()
        except (OSError, ValueError):
            escapes, is_file = True, False
        if escapes:  # a link inside the deck that leads out of it
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return
        self._etag = self.etags.of(path) if is_file else None
        if self._etag is not None and self._etag in self.headers.get("If-None-Match", ""):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self.end_headers()
            return
        super().do_HEAD() if head else super().do_GET()

    def end_headers(self) -> None:
        if self._etag is not None:
            # The browser may keep the file but must ask again each time: a rebuild may change it.
            self.send_header("ETag", self._etag)
            self.send_header("Cache-Control", "no-cache")
        else:
            self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        """Quiet: the terminal is for build results and errors."""

    def _index(self) -> None:
        _, state = self.state.snapshot()
        index = Path(self.directory) / "index.html"
        try:
            page = index.read_text(encoding="utf-8")
        except OSError:
            page = PLACEHOLDER_PAGE
        tag = f'<script src="{CLIENT_PATH}" data-build="{state["build"]}"></script>\n'
        position = page.rfind("</body>")
        page = page[:position] + tag + page[position:] if position >= 0 else page + tag
        self._send(page.encode("utf-8"), "text/html; charset=utf-8")

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _events(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")  # no length: the stream ends when the connection does
        self.end_headers()
        self.close_connection = True
        seen = -1
        try:
            while not self.state.stopping:
                version, state = self.state.snapshot()
                if version != seen:
                    seen = version
                    self.wfile.write(f"event: state\ndata: {json.dumps(state)}\n\n".encode("utf-8"))
                else:
                    self.wfile.write(b": keep-alive\n\n")
                self.wfile.flush()
                self.state.wait_for_change(seen, KEEPALIVE_SECONDS)
        except (BrokenPipeError, ConnectionResetError):
            return  # the page went away (reload, tab closed)


def host_allowed(host: str | None, bound: str) -> bool:
    """True for a Host header naming this machine: a loopback name or address, or the bound address.

    A browser always sends the name it looked up; after DNS rebinding that is the
    attacker's own name, which is refused.
    """
    if not host:
        return False
    host = host.strip().lower()
    if host.startswith("["):
        name, _, rest = host[1:].partition("]")
        if rest and not (rest.startswith(":") and rest[1:].isdigit()):
            return False
    else:
        name, _, port = host.partition(":")
        if port and not port.isdigit():
            return False
    name = name.rstrip(".")
    if name in LOCAL_NAMES or name == bound.lower():
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    return address.is_loopback or str(address) == bound


class QuietServer(ThreadingHTTPServer):
    """A client that hangs up mid-answer is normal; anything else is one line, not a traceback."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError)):
            return
        print(f"build.py: serving {client_address[0]}: {type(error).__name__}: {error}", file=sys.stderr)


class ETagCache:
    """Content hashes of served files, recomputed only when size or mtime change."""

    def __init__(self) -> None:
        self._known: dict[Path, tuple[int, int, str]] = {}
        self._lock = threading.Lock()

    def of(self, path: Path) -> str | None:
        try:
            stat = path.stat()
            with self._lock:
                known = self._known.get(path)
            if known and known[:2] == (stat.st_mtime_ns, stat.st_size):
                return known[2]
            tag = '"' + hashlib.sha1(path.read_bytes()).hexdigest() + '"'
        except OSError:
            return None
        with self._lock:
            self._known[path] = (stat.st_mtime_ns, stat.st_size, tag)
        return tag


class LiveServer:
    """``http://127.0.0.1:PORT/`` over ``root``, in a background thread."""

    def __init__(self, root: Path, port: int, host: str = "127.0.0.1"):
        self.root = root
        self.state = LiveState()
        handler = partial(DeckHandler, state=self.state, etags=ETagCache(), directory=str(root))
        self.httpd = QuietServer((host, port), handler)  # binds now: a busy port fails here
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="deck-server", daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.state.stop()
        self.httpd.shutdown()
        self.httpd.server_close()
