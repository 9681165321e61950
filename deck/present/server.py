"""The presenting run's web server: the deck's files, the audience's channel, the presenter's controls.

Standard library only (``ThreadingHTTPServer``, one thread per connection),
like watch mode's server: a room of a few hundred phones holds one event
stream each, which threads handle well within the latency a slide change
needs. Paths are resolved strictly inside the output folder: no listing, no
hidden file, no link that leads out. ``index.html`` is sent with the present
mode's script added as it goes out; the file on disk stays what the build
wrote. Every presenter action needs the run's token, or gets 403.
"""

from __future__ import annotations

import gzip
import hmac
import json
import mimetypes
import threading
import time
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qs, unquote, urlsplit

from deck.paths import TEMPLATES_DIR
from deck.present.followers import Followers
from deck.present.audience import MAX_BODY, DigitError, parse_digit, parse_room, parse_slide
from deck.present.state import RateLimited, Room, RoomClosed
from deck.serve import ETagCache

PREFIX = "/__present__/"
CLIENT_FILES = {name: TEMPLATES_DIR / "audience" / name for name in ("present.js", "present.css")}
KEEPALIVE_SECONDS = 15.0
MAX_STREAMS = 1500         # open event streams at once; more get 503
SOCKET_TIMEOUT = 20.0      # a client that stops reading (or never sends its headers) lets go of its thread
GZIP_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml")
GZIP_LIMIT = 16 * 1024 * 1024
TOKEN_HEADER = "X-Deck-Token"


@dataclass(frozen=True)
class Site:
    """What every request handler shares: the deck folder, the room, the token, the page's settings."""

    root: Path
    room: Room
    token: str
    audience_url: str
    qr_svg: str
    etags: ETagCache
    gzipped: "GzipCache"
    streams: "StreamCount"
    followers: Followers


class StreamCount:
    """Open event streams, bounded."""

    def __init__(self, limit: int = MAX_STREAMS) -> None:
        self.limit = limit
        self.open = 0
        self.peak = 0
        self._lock = threading.Lock()

    def enter(self) -> bool:
        with self._lock:
            if self.open >= self.limit:
                return False
            self.open += 1
            self.peak = max(self.peak, self.open)
            return True

    def leave(self) -> None:
        with self._lock:
            self.open -= 1


class GzipCache:
    """Compressed copies of the deck's text files and the two pages, made once per file version (a room loads the same ones)."""

    def __init__(self) -> None:
        self._known: dict[Path, tuple[str, bytes]] = {}
        self._lock = threading.Lock()

    def page(self, index: Path, etag: str, role: str, make: Callable[[], bytes]) -> bytes:
        """The page a role is sent, made once per version of index.html."""
        key = Path(f"{index}?{role}")
        with self._lock:
            known = self._known.get(key)
        if known and known[0] == etag:
            return known[1]
        made = make()
        with self._lock:
            self._known[key] = (etag, made)
        return made

    def known(self, path: Path, etag: str) -> bytes | None:
        """The compressed copy of this version of the file, if one was made."""
        with self._lock:
            known = self._known.get(path)
        return known[1] if known and known[0] == etag else None

    def get(self, path: Path, etag: str, raw: bytes) -> bytes:
        with self._lock:
            known = self._known.get(path)
        if known and known[0] == etag:
            return known[1]
        packed = gzip.compress(raw, compresslevel=6, mtime=0)
        with self._lock:
            self._known[path] = (etag, packed)
        return packed


def deck_file(root: Path, url_path: str) -> Path | None:
    """The file a URL path names inside ``root``, or None: no '..', no hidden part, no link out, no folder."""
    text = unquote(url_path)
    if "\x00" in text or "\\" in text:
        return None
    parts = [p for p in text.split("/") if p]
    if not parts or any(p.startswith(".") for p in parts):
        return None
    candidate = root.joinpath(*parts)
    try:
        resolved = candidate.resolve(strict=True)
        resolved.relative_to(root)
    except (OSError, ValueError, RuntimeError):
        return None
    return resolved if resolved.is_file() else None


class PresentHandler(BaseHTTPRequestHandler):
    """One connection: static deck files, the injected page, event streams and the JSON endpoints."""

    protocol_version = "HTTP/1.1"
    timeout = SOCKET_TIMEOUT
    server_version = "deck-present"
    sys_version = ""
    site: Site

    def __init__(self, *args: Any, site: Site, **kwargs: Any) -> None:
        self.site = site
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        """Quiet: the terminal shows the addresses and the room's outcome, not every request."""

    # Routing ----------------------------------------------------------------------

    def do_GET(self) -> None:
        self._get(head=False)

    def do_HEAD(self) -> None:
        self._get(head=True)

    def _get(self, head: bool) -> None:
        url = urlsplit(self.path)
        path = url.path
        if path == PREFIX + "events":
            self._follow()
        elif path == PREFIX + "room":
            if self._authorised(url.query):
                self._room_stream()
        elif path.startswith(PREFIX) and path[len(PREFIX):] in CLIENT_FILES:
            name = path[len(PREFIX):]
            kind = "text/javascript" if name.endswith(".js") else "text/css"
            self._send(HTTPStatus.OK, CLIENT_FILES[name].read_bytes(), f"{kind}; charset=utf-8", head=head)
        elif path in ("/", "/index.html"):
            self._index(url.query, head)
        elif path == "/favicon.ico" and deck_file(self.site.root, path) is None:
            self.send_response(HTTPStatus.NO_CONTENT)  # browsers ask for it; a 404 would be console noise
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self._static(path, head)

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        body = self._body()
        if body is None:
            return
        if path == PREFIX + "hello":
            client = self.site.room.new_client()
            if client is None:
                self._json(HTTPStatus.SERVICE_UNAVAILABLE, {"error": "the room is full"})
            else:
                self._json(HTTPStatus.OK, {"client": client, **self.site.room.public_state()})
        elif path == PREFIX + "digit":
            self._digit(body)
        elif path in (PREFIX + "slide", PREFIX + "room"):
            if self._authorised(""):
                self._presenter_action(path, body)
        else:
            self._json(HTTPStatus.NOT_FOUND, {"error": "no such endpoint"})

    def _not_allowed(self) -> None:
        self.send_response(HTTPStatus.METHOD_NOT_ALLOWED)
        self.send_header("Allow", "GET, HEAD, POST")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _not_allowed

    # Presenter --------------------------------------------------------------------------

    def _authorised(self, query: str) -> bool:
        """The run's token in the header (requests) or the query (event streams); otherwise 403."""
        given = self.headers.get(TOKEN_HEADER) or (parse_qs(query).get("token") or [""])[0]
        if given and hmac.compare_digest(given.encode("utf-8", "replace"), self.site.token.encode("utf-8")):
            return True
        self._json(HTTPStatus.FORBIDDEN, {"error": "presenter only: this needs the presenter address's token"})
        return False

    def _presenter_action(self, path: str, body: bytes) -> None:
        room = self.site.room
        try:
            if path.endswith("slide"):
                room.move(*parse_slide(body))
            else:
                action, digit_id = parse_room(body)
                if action == "clear":
                    room.clear()
                elif action in ("freeze", "open"):
                    room.freeze(action == "freeze")
                elif digit_id is not None and not room.hide(digit_id):
                    self._json(HTTPStatus.NOT_FOUND, {"error": f"no drawing {digit_id} is shown"})
                    return
        except DigitError as exc:
            self._json(HTTPStatus.BAD_REQUEST, {"error": str(exc)})
            return
        self._json(HTTPStatus.OK, room.public_state())

    # Audience ----------------------------------------------------------------------------

    def _digit(self, body: bytes) -> None:
        try:
            digit_id, new = self.site.room.add(parse_digit(body))
        except RateLimited as exc:
            self._json(HTTPStatus.TOO_MANY_REQUESTS, {"error": str(exc)}, retry_after=3)
            return
        except RoomClosed as exc:
            self._json(HTTPStatus.CONFLICT, {"error": str(exc)})
            return
        except DigitError as exc:
            self._json(HTTPStatus.BAD_REQUEST, {"error": str(exc)})
            return
        state = self.site.room.public_state()
        self._json(HTTPStatus.CREATED if new else HTTPStatus.OK, {"id": digit_id, "count": state["count"]})

    def _body(self) -> bytes | None:
        """The request body, at most MAX_BODY bytes and with a stated length; else 411/413 and None."""
        length_text = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding") or length_text is None or not length_text.isdigit():
            self._json(HTTPStatus.LENGTH_REQUIRED, {"error": "send a Content-Length"})
            self.close_connection = True
            return None
        length = int(length_text)
        if length > MAX_BODY:
            self._json(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, {"error": f"at most {MAX_BODY} bytes"})
            self.close_connection = True  # the unread body would be taken for the next request
            return None
        return self.rfile.read(length)

    # Event streams -------------------------------------------------------------------------

    def _open_stream(self) -> bool:
        if not self.site.streams.enter():
            self._json(HTTPStatus.SERVICE_UNAVAILABLE, {"error": "too many open pages"})
            return False
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Accel-Buffering", "no")
        self.send_header("Connection", "close")  # no length: the stream ends when the connection does
        self.end_headers()
        self.close_connection = True
        return True

    def _event(self, kind: str, data: Any) -> None:
        self.wfile.write(f"event: {kind}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode("utf-8"))

    def _follow(self) -> None:
        """Every page's stream: headers here, then the broadcaster writes to it; this thread just waits."""
        if not self._open_stream():
            return
        try:
            self.wfile.flush()
            gone = self.site.followers.join(self.connection)
            gone.wait()
        finally:
            self.site.streams.leave()

    def _room_stream(self) -> None:
        """The presenter's stream: every digit once (with its pixels), hides, clears and the state."""
        if not self._open_stream():
            return
        room = self.site.room
        epoch, sent, hides_sent = -1, 0, 0
        state_seen: tuple[int, int] | None = None
        last_write = 0.0
        try:
            while not room.stopping:
                seen = room.versions()  # read first: a change after this wakes the wait below at once
                now_epoch, digits, hides = room.since(epoch, sent, hides_sent)
                wrote = False
                if now_epoch != epoch:
                    self._event("reset", {"epoch": now_epoch})
                    epoch, sent, hides_sent, wrote = now_epoch, 0, 0, True
                for digit in digits:
                    if not digit.hidden:
                        self._event("digit", {"id": digit.id, "label": digit.label, "seconds": digit.seconds,
                                              "pixels": _b64(digit.pixels)})
                        wrote = True
                sent += len(digits)
                for digit_id in hides:
                    self._event("hide", {"id": digit_id})
                    wrote = True
                hides_sent += len(hides)
                if seen != state_seen:
                    self._event("state", room.public_state())
                    state_seen, wrote = seen, True
                now = time.monotonic()
                if not wrote and now - last_write >= KEEPALIVE_SECONDS:
                    self.wfile.write(b": keep-alive\n\n")
                    wrote = True
                if wrote:
                    self.wfile.flush()
                    last_write = now
                room.wait_room(seen, KEEPALIVE_SECONDS)
        except OSError:
            return
        finally:
            self.site.streams.leave()

    # Files -----------------------------------------------------------------------------

    def _index(self, query: str, head: bool) -> None:
        presenter = False
        given = (parse_qs(query).get("token") or [""])[0]
        if given:
            presenter = hmac.compare_digest(given.encode("utf-8", "replace"), self.site.token.encode("utf-8"))
            if not presenter:
                self._json(HTTPStatus.FORBIDDEN, {"error": "wrong presenter token"})
                return
        index = self.site.root / "index.html"
        etag = self.site.etags.of(index)
        if etag is None:
            self._json(HTTPStatus.NOT_FOUND, {"error": "the deck has no index.html"})
            return
        role = "presenter" if presenter else "audience"
        # A room loads the same page at once: build (and compress) each role's page once per deck version.
        page = self.site.gzipped.page(index, etag, role, lambda: self._page(index, presenter))
        packed = None
        if "gzip" in self.headers.get("Accept-Encoding", ""):
            packed = self.site.gzipped.get(Path(f"{index}#{role}"), etag, page)
        self._send(HTTPStatus.OK, packed or page, "text/html; charset=utf-8", head=head, gzipped=packed is not None)

    def _page(self, index: Path, presenter: bool) -> bytes:
        """index.html with the present mode's settings, stylesheet and script added."""
        page = index.read_text(encoding="utf-8")
        config = {"role": "presenter" if presenter else "audience", "audience": self.site.audience_url, "qr": self.site.qr_svg}
        if presenter:
            config["token"] = self.site.token
        settings = json.dumps(config).replace("</", "<\\/")
        head_tags = (f"<script>window.DeckPresentConfig = {settings};</script>\n"
                     f'<link rel="stylesheet" href="{PREFIX}present.css">\n')
        page = _insert_before(page, "</head>", head_tags)
        if not presenter:
            page = _before_reveal_starts(page, PAGED_ON_PHONES)
        page = _insert_before(page, "</body>", f'<script src="{PREFIX}present.js"></script>\n')
        return page.encode("utf-8")

    def _static(self, url_path: str, head: bool) -> None:
        path = deck_file(self.site.root, url_path)
        if path is None:
            self._json(HTTPStatus.NOT_FOUND, {"error": "not a file of this deck"})
            return
        etag = self.site.etags.of(path)
        if etag is not None and etag in self.headers.get("If-None-Match", ""):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/javascript", "application/json"):
            kind += "; charset=utf-8"
        compress = bool(etag) and "gzip" in self.headers.get("Accept-Encoding", "") and kind.startswith(GZIP_TYPES)
        packed = self.site.gzipped.known(path, etag) if compress and etag else None
        if packed is None:  # not compressed yet, or a client without gzip: read the file itself
            try:
                raw = path.read_bytes()
            except OSError:
                self._json(HTTPStatus.NOT_FOUND, {"error": "not a file of this deck"})
                return
            if compress and etag and len(raw) <= GZIP_LIMIT:
                packed = self.site.gzipped.get(path, etag, raw)
        self._send(HTTPStatus.OK, packed if packed is not None else raw, kind, head=head, etag=etag, gzipped=packed is not None)

    # Responses -------------------------------------------------------------------------------

    def _send(self, status: HTTPStatus, body: bytes, kind: str, *, head: bool = False, etag: str | None = None,
              gzipped: bool = False, retry_after: int | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        if gzipped:
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        if etag:
            self.send_header("ETag", etag)
            self.send_header("Cache-Control", "no-cache")
        else:
            self.send_header("Cache-Control", "no-store")
        if retry_after is not None:
            self.send_header("Retry-After", str(retry_after))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _json(self, status: HTTPStatus, value: dict[str, Any], retry_after: int | None = None) -> None:
        self._send(status, json.dumps(value).encode("utf-8"), "application/json", retry_after=retry_after)


# reveal.js turns screens narrower than 435 px into a scrolling view whose position follows the
# scroll (the last slide can never be current) and which rebuilds the slides when it switches
# off, unmounting live demos. Phones keep the paged view: it has to be set before reveal.js starts.
PAGED_ON_PHONES = """<script>(function () {
  var start = Reveal.initialize;
  Reveal.initialize = function (options) {
    return start.call(Reveal, Object.assign({}, options, { scrollActivationWidth: null }));
  };
})();</script>
"""


def _before_reveal_starts(page: str, script: str) -> str:
    """Put ``script`` just before the inline script that calls Reveal.initialize (if the page has one)."""
    call = page.find("Reveal.initialize(")
    tag = page.rfind("<script", 0, call) if call >= 0 else -1
    return page[:tag] + script + page[tag:] if tag >= 0 else page


def _insert_before(page: str, marker: str, text: str) -> str:
    position = page.rfind(marker)
    return page[:position] + text + page[position:] if position >= 0 else page + text


def _b64(raw: bytes) -> str:
    import base64

    return base64.b64encode(raw).decode("ascii")


class RoomServer(ThreadingHTTPServer):
    """A room connects at once when the join slide comes up: a listen queue for all of it."""

    daemon_threads = True
    request_queue_size = 512


class PresentServer:
    """The deck at ``http://HOST:PORT/`` in a background thread; ``stop()`` ends every stream."""

    def __init__(self, root: Path, room: Room, token: str, host: str, port: int, advertise: str | None = None):
        self.room = room
        self.httpd = RoomServer((host, port), self._handler)  # binds now: a busy port fails here
        bound_port = self.httpd.server_address[1]
        shown = advertise or host
        self.audience_url = f"http://{_url_host(shown)}:{bound_port}/"
        self.presenter_url = f"{self.audience_url}?token={token}"
        from deck.present.qr import qr_svg

        self.site = Site(root.resolve(), room, token, self.audience_url, qr_svg(self.audience_url),
                         ETagCache(), GzipCache(), StreamCount(), Followers(room))
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.25},
                                        name="deck-present", daemon=True)

    def _handler(self, *args: Any) -> PresentHandler:
        return PresentHandler(*args, site=self.site)

    def start(self) -> None:
        self.site.followers.start()
        self._thread.start()

    def stop(self) -> None:
        self.room.stop()
        self.httpd.shutdown()
        self.httpd.server_close()


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
