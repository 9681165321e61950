"""The watch mode's local web server: the deck, plus a live-reload channel.

It serves the output folder as it is on disk (the build swaps that folder
atomically, so a request sees either the old deck or the new one) and adds
two things only it knows about: a small client script, injected into
``index.html`` as it is sent (the built file on disk stays exactly what a
normal build writes), and a Server-Sent Events stream that tells open pages
"a new build is ready" or "the last edit broke the build: here is the error".
Standard library only; one thread per connection.
"""

from __future__ import annotations

import hashlib
import json
import threading
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from deck.paths import TEMPLATES_DIR

CLIENT_PATH = "/__deck__/live.js"
EVENTS_PATH = "/__deck__/events"
KEEPALIVE_SECONDS = 15.0

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
        self.version = 0
        self.stopping = False

    def snapshot(self) -> tuple[int, dict[str, Any]]:
        with self._changed:
            return self.version, {"build": self.build, "error": self.error}

    def built(self) -> None:
        with self._changed:
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
        path = urlsplit(self.path).path
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

    def _static(self) -> None:
        path = Path(self.translate_path(self.path))
        self._etag = self.etags.of(path) if path.is_file() else None
        if self._etag is not None and self._etag in self.headers.get("If-None-Match", ""):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self.end_headers()
            return
        super().do_GET()

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
        self.httpd = ThreadingHTTPServer((host, port), handler)  # binds now: a busy port fails here
        self.httpd.daemon_threads = True
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
