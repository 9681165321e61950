"""build.py --present on loopback: what it serves, who may steer, what the room may send.

Every server here binds 127.0.0.1 on a free port and is stopped by the test;
each network wait has a timeout. The deck served is a small folder written by
the test (the server does not care what the slides say), so nothing trains.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from conftest import PROJECT, STARTER, run_build, tree_digest
from deck.present.audience import DigitError, parse_digit, parse_room, parse_slide
from deck.present.join import join_html
from deck.present.server import PresentServer, deck_file
from deck.present.state import BURST, Room, RoomClosed, RateLimited

PAGE = "<!doctype html><html><head><title>t</title></head><body><p>deck</p>\n<script>Reveal.initialize({});</script>\n</body></html>"
TIMEOUT = 5.0


def fake_deck(folder: Path) -> Path:
    """An output folder as the build leaves it, small: a page, a script, a hidden marker."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text(PAGE, encoding="utf-8")
    (folder / "data").mkdir(exist_ok=True)
    (folder / "data" / "model.js").write_text("window.DeckData = {};\n" * 200, encoding="utf-8")
    (folder / ".built-by").write_text("marker\n", encoding="utf-8")
    return folder


def pixels(value: int = 200) -> str:
    raw = bytes([0] * 300 + [value] * 40 + [0] * 444)
    return base64.b64encode(raw).decode("ascii")


def digit_body(client: str, nonce: str = "n1", label: int = 3, image: str | None = None, **extra: object) -> bytes:
    payload = {"client": client, "nonce": nonce, "label": label, "pixels": image or pixels(), **extra}
    return json.dumps(payload).encode("utf-8")


class Http:
    """Tiny loopback HTTP client with a timeout on every call."""

    def __init__(self, port: int):
        self.port = port

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, bytes, dict[str, str]]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.read(), {k.lower(): v for k, v in response.getheaders()}
        finally:
            conn.close()

    def json(self, method: str, path: str, body: bytes | None = None, token: str | None = None) -> tuple[int, dict]:
        headers = {"Content-Type": "application/json"}
        if token is not None:
            headers["X-Deck-Token"] = token
        status, data, _ = self.request(method, path, body if body is not None else b"{}", headers)
        return status, json.loads(data or b"{}")

    def client_id(self) -> str:
        status, answer = self.json("POST", "/__present__/hello")
        assert status == 200
        return answer["client"]


class Stream:
    """An event-stream reader over a raw socket: (event, data) pairs, each read bounded in time."""

    def __init__(self, port: int, path: str):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self.sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n".encode())
        self.buffer = b""
        head = self._until(b"\r\n\r\n")
        self.status = int(head.split(b" ", 2)[1])

    def _until(self, marker: bytes) -> bytes:
        while marker not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("stream closed")
            self.buffer += chunk
        part, self.buffer = self.buffer.split(marker, 1)
        return part

    def next(self) -> tuple[str, dict]:
        while True:
            block = self._until(b"\n\n").decode("utf-8")
            lines = [line for line in block.split("\n") if line and not line.startswith(":")]
            if not lines:
                continue  # keep-alive
            fields = dict(line.split(": ", 1) for line in lines)
            return fields["event"], json.loads(fields["data"])

    def until(self, kind: str, check=lambda data: True) -> dict:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            event, data = self.next()
            if event == kind and check(data):
                return data
        raise TimeoutError(kind)

    def close(self) -> None:
        self.sock.close()


@contextmanager
def serving(root: Path, room: Room | None = None) -> Iterator[tuple[PresentServer, Http]]:
    server = PresentServer(root, room or Room(), "s3cret-token-for-tests", "127.0.0.1", 0)
    server.start()
    try:
        yield server, Http(server.httpd.server_address[1])
    finally:
        server.stop()


@pytest.fixture
def deck(tmp_path: Path) -> Path:
    return fake_deck(tmp_path / "output")


# The command line -------------------------------------------------------------------


def test_present_refuses_without_a_built_deck_and_says_how_to_build(tmp_path: Path) -> None:
    result = run_build("--present", "--bind", "127.0.0.1", "--port", "0", "--out", tmp_path / "nothing", timeout=60)
    assert result.returncode == 2
    assert "no built deck to present" in result.stderr
    assert "build it first with 'build.py" in result.stderr
    assert result.stdout == ""


def test_present_options_need_present(deck: Path) -> None:
    result = run_build("--bind", "127.0.0.1", "--out", deck, timeout=60)
    assert result.returncode == 2 and "--bind: this option goes with --present" in result.stderr


def test_save_audience_may_not_write_into_the_deck(deck: Path) -> None:
    result = run_build("--present", "--bind", "127.0.0.1", "--port", "0", "--out", deck, "--save-audience", deck / "digits.json", timeout=60)
    assert result.returncode == 2
    assert "may not write inside the deck" in result.stderr


@contextmanager
def present_process(out: Path, *extra: str | Path, talk: Path | None = None) -> Iterator[tuple[subprocess.Popen, str, str]]:
    """build.py --present as a speaker starts it, on loopback; yields (process, audience, presenter)."""
    args = [sys.executable, str(PROJECT / "build.py"), *([str(talk)] if talk else []), "--present", "--bind", "127.0.0.1",
            "--port", "0", "--out", str(out), *map(str, extra)]
    process = subprocess.Popen(args, cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = [process.stdout.readline() for _ in range(2)]  # type: ignore[union-attr]
        assert lines[0].startswith("audience:") and lines[1].startswith("presenter:"), lines
        yield process, lines[0].split()[1], lines[1].split()[1]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=TIMEOUT)


def _stop(process: subprocess.Popen) -> tuple[int, str]:
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=TIMEOUT)
    return process.returncode, out


def test_ctrl_c_stops_cleanly_and_keeps_nothing(deck: Path) -> None:
    before = tree_digest(deck.parent)
    with present_process(deck) as (process, audience, presenter):
        assert audience.startswith("http://127.0.0.1:") and presenter.startswith(audience + "?token=")
        port = int(audience.rsplit(":", 1)[1].strip("/"))
        web = Http(port)
        events = Stream(port, "/__present__/events")  # an open stream must not hold up the stop
        events.until("state")
        status, answer = web.json("POST", "/__present__/digit", digit_body(web.client_id()))
        assert status == 201
        code, out = _stop(process)
        events.close()
    assert code == 0
    assert "Stopped. 1 digits from the room discarded" in out
    assert tree_digest(deck.parent) == before  # nothing written beside or inside the deck


def test_save_audience_writes_the_shown_digits_once_at_the_end(deck: Path, tmp_path: Path) -> None:
    target = tmp_path / "kept" / "room.json"
    target.parent.mkdir()
    with present_process(deck, "--save-audience", target) as (process, audience, presenter):
        port = int(audience.rsplit(":", 1)[1].strip("/"))
        token = presenter.split("token=", 1)[1]
        web = Http(port)
        client = web.client_id()
        assert web.json("POST", "/__present__/digit", digit_body(client, "a", 4))[0] == 201
        assert web.json("POST", "/__present__/digit", digit_body(client, "b", 5))[0] == 201
        assert web.json("POST", "/__present__/room", json.dumps({"action": "hide", "id": 2}).encode(), token)[0] == 200
        assert not target.exists()  # only when the run ends
        code, out = _stop(process)
    assert code == 0 and "Saved 1 digits" in out
    saved = json.loads(target.read_text(encoding="utf-8"))
    assert [d["label"] for d in saved["digits"]] == [4]
    rows = saved["digits"][0]["pixels"]
    assert len(rows) == 28 and all(len(r) == 28 for r in rows)
    assert client not in target.read_text(encoding="utf-8")
    assert sorted(p.name for p in target.parent.iterdir()) == ["room.json"]


# What is served ------------------------------------------------------------------------


def test_only_the_decks_files_are_served(deck: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the room", encoding="utf-8")
    (deck / "data" / "link.txt").symlink_to(secret)
    with serving(deck) as (_, web):
        assert web.request("GET", "/data/model.js")[0] == 200
        for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/data/..%2f..%2fsecret.txt", "/.built-by", "/data/",
                     "/data/link.txt", "/data%00/model.js", "/%5c..%5csecret.txt", "/nothing.js"):
            status, body, _ = web.request("GET", path)
            assert status == 404, path
            assert b"not for the room" not in body
    assert deck_file(deck.resolve(), "/data/model.js") == (deck / "data" / "model.js").resolve()


def test_pages_get_the_present_script_and_only_the_presenter_gets_the_token(deck: Path) -> None:
    with serving(deck) as (server, web):
        status, body, headers = web.request("GET", "/")
        page = body.decode("utf-8")
        assert status == 200 and headers["cache-control"] == "no-store"
        assert '<script src="/__present__/present.js"></script>' in page
        assert '"role": "audience"' in page and server.site.token not in page
        assert "scrollActivationWidth: null" in page  # phones keep the paged view
        assert page.index("scrollActivationWidth") < page.index("Reveal.initialize({})")
        status, body, _ = web.request("GET", "/?token=" + server.site.token)
        assert status == 200 and '"role": "presenter"' in body.decode() and server.site.token in body.decode()
        assert web.request("GET", "/?token=guess")[0] == 403
        assert (deck / "index.html").read_text(encoding="utf-8") == PAGE  # the file on disk is untouched
        status, body, headers = web.request("GET", "/data/model.js", headers={"Accept-Encoding": "gzip"})
        assert status == 200 and headers["content-encoding"] == "gzip" and len(body) < (deck / "data" / "model.js").stat().st_size
        etag = headers["etag"]
        assert web.request("GET", "/data/model.js", headers={"If-None-Match": etag})[0] == 304
        assert web.request("GET", "/__present__/present.js")[0] == 200
        assert web.request("PUT", "/index.html", b"x", {"Content-Length": "1"})[0] == 405


# Who may steer -----------------------------------------------------------------------------


def test_every_presenter_action_needs_the_token(deck: Path) -> None:
    room = Room()
    with serving(deck, room) as (server, web):
        slide = json.dumps({"h": 4, "v": 0, "f": -1}).encode()
        for token in (None, "", "wrong", server.site.token + "x"):
            assert web.json("POST", "/__present__/slide", slide, token)[0] == 403
            for action in ({"action": "clear"}, {"action": "freeze"}, {"action": "hide", "id": 1}):
                assert web.json("POST", "/__present__/room", json.dumps(action).encode(), token)[0] == 403
        stream = Stream(web.port, "/__present__/room")
        assert stream.status == 403
        stream.close()
        stream = Stream(web.port, "/__present__/room?token=wrong")
        assert stream.status == 403
        stream.close()
        assert room.slide == {"h": 0, "v": 0, "f": -1} and not room.frozen and room.epoch == 0
        status, state = web.json("POST", "/__present__/slide", slide, server.site.token)
        assert status == 200 and state["slide"] == {"h": 4, "v": 0, "f": -1}


def test_followers_hear_the_slide_at_once_and_the_presenter_hears_every_digit(deck: Path) -> None:
    with serving(deck) as (server, web):
        token = server.site.token
        follower = Stream(web.port, "/__present__/events")
        assert follower.until("state")["slide"] == {"h": 0, "v": 0, "f": -1}
        projector = Stream(web.port, "/__present__/room?token=" + token)
        projector.until("reset")
        started = time.monotonic()
        web.json("POST", "/__present__/slide", json.dumps({"h": 2, "v": 1, "f": 0}).encode(), token)
        assert follower.until("state", lambda s: s["slide"]["h"] == 2)["slide"] == {"h": 2, "v": 1, "f": 0}
        assert time.monotonic() - started < 1.0
        client = web.client_id()
        status, answer = web.json("POST", "/__present__/digit", digit_body(client, "x", 7))
        assert status == 201
        arrived = projector.until("digit")
        assert arrived["id"] == answer["id"] and arrived["label"] == 7
        assert base64.b64decode(arrived["pixels"]) == base64.b64decode(pixels())
        assert follower.until("state", lambda s: s["count"] == 1)["count"] == 1  # at most a second later
        web.json("POST", "/__present__/room", json.dumps({"action": "hide", "id": arrived["id"]}).encode(), token)
        assert projector.until("hide")["id"] == arrived["id"]
        web.json("POST", "/__present__/room", json.dumps({"action": "clear"}).encode(), token)
        assert projector.until("reset")["epoch"] == 1
        web.json("POST", "/__present__/room", json.dumps({"action": "freeze"}).encode(), token)
        assert follower.until("state", lambda s: s["frozen"])["open"] is False
        assert web.json("POST", "/__present__/digit", digit_body(client, "y", 1))[0] == 409
        follower.close()
        projector.close()


# What the room may send -----------------------------------------------------------------------


@pytest.mark.parametrize("body", [
    b"", b"[]", b"null", b"\xff\xfe", b'{"client": "a"}',
    digit_body("abc", label=10), digit_body("abc", label=-1), digit_body("abc", label=True), digit_body("abc", label=3.0),
    digit_body("abc", label="3"), digit_body("abc", image="AAAA"), digit_body("abc", image=pixels()[:-4]),
    digit_body("abc", image=base64.b64encode(bytes(785)).decode()), digit_body("abc", image=base64.b64encode(bytes(784)).decode()),
    digit_body("abc", image="not base64!"), digit_body("abc", nonce=""), digit_body("abc", nonce="x" * 33),
    digit_body("../../etc", nonce="n"), digit_body("abc", extra="field"), b"{" + b" " * 5000 + b"}",
])
def test_a_digit_is_exactly_a_client_a_nonce_a_label_and_28x28_bytes(body: bytes) -> None:
    with pytest.raises(DigitError):
        parse_digit(body)


def test_presenter_bodies_are_checked_too() -> None:
    assert parse_slide(b'{"h": 1, "v": 0, "f": -1}') == (1, 0, -1)
    assert parse_room(b'{"action": "hide", "id": 3}') == ("hide", 3)
    for bad in (b'{"h": 1}', b'{"h": -1, "v": 0, "f": 0}', b'{"h": 1, "v": 0, "f": 0, "x": 1}'):
        with pytest.raises(DigitError):
            parse_slide(bad)
    for bad in (b'{"action": "delete"}', b'{"action": "hide"}', b'{"action": "clear", "id": 1}', b'{"action": "hide", "id": "1"}'):
        with pytest.raises(DigitError):
            parse_room(bad)


def test_bodies_are_bounded_and_need_a_length(deck: Path) -> None:
    with serving(deck) as (_, web):
        status, _, _ = web.request("POST", "/__present__/digit", b"x" * 5000, {"Content-Length": "5000"})
        assert status == 413
        sock = socket.create_connection(("127.0.0.1", web.port), timeout=TIMEOUT)
        sock.sendall(b"POST /__present__/digit HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
        assert sock.recv(100).split(b" ")[1] == b"411"
        sock.close()
        assert web.json("POST", "/__present__/digit", b'{"client": "nobody"}')[0] == 400
        assert web.json("POST", "/__present__/digit", digit_body("unknownclient"))[0] == 400


def test_each_phone_is_rate_limited_and_a_retry_counts_once(deck: Path) -> None:
    room = Room()
    with serving(deck, room) as (_, web):
        client = web.client_id()
        first = web.json("POST", "/__present__/digit", digit_body(client, "same"))
        again = web.json("POST", "/__present__/digit", digit_body(client, "same"))
        assert first[0] == 201 and again[0] == 200 and again[1]["id"] == first[1]["id"]
        for n in range(BURST - 1):
            assert web.json("POST", "/__present__/digit", digit_body(client, f"n{n}"))[0] == 201
        status, answer = web.json("POST", "/__present__/digit", digit_body(client, "toomany"))
        assert status == 429 and "every" in answer["error"]
        other = web.client_id()
        assert web.json("POST", "/__present__/digit", digit_body(other, "first"))[0] == 201  # another phone is not held up
    assert len(room.kept()) == BURST + 1


def test_the_run_caps_digits_and_client_ids() -> None:
    room = Room(max_digits=2, max_clients=3)
    clients = [room.new_client() for _ in range(3)]
    assert None not in clients and room.new_client() is None
    room.add(parse_digit(digit_body(clients[0], "a")))
    room.add(parse_digit(digit_body(clients[1], "a")))
    with pytest.raises(RoomClosed):
        room.add(parse_digit(digit_body(clients[2], "a")))
    room.clear()  # clearing the view does not reset the run's budget
    with pytest.raises(RoomClosed):
        room.add(parse_digit(digit_body(clients[2], "b")))
    assert room.public_state()["open"] is False


def test_a_phones_share_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    import deck.present.state as state

    monkeypatch.setattr(state, "PER_CLIENT_DIGITS", 2)
    monkeypatch.setattr(state, "REFILL_SECONDS", 0.0001)
    room = Room()
    client = room.new_client()
    assert client is not None
    room.add(parse_digit(digit_body(client, "a")))
    room.add(parse_digit(digit_body(client, "b")))
    with pytest.raises(RateLimited, match="share"):
        room.add(parse_digit(digit_body(client, "c")))


def test_join_is_a_placeholder_until_presenting() -> None:
    html = join_html("Scan <me>")
    assert "data-join" in html and "data-join-qr" in html and "Scan &lt;me&gt;" in html
    assert "build.py --present" in html


def test_a_talk_places_join_and_the_room_view(tmp_path: Path) -> None:
    talk = room_talk(tmp_path / "talk")
    out = tmp_path / "out"
    result = run_build(talk, "--out", out, "--cache", tmp_path / "cache", "--quiet", timeout=300)
    assert result.returncode == 0, result.stderr
    page = (out / "index.html").read_text(encoding="utf-8")
    assert page.count("data-join-qr") == 1
    assert 'data-demo="room-digits"' in page and (out / "demos" / "room-digits" / "demo.js").is_file()
    assert (out / "demos" / "room-digits" / "still.svg").is_file()
    assert "__present__" not in page  # the built deck is a normal deck; only the server adds present mode


ROOM_SLIDES = """{layout: title}
## Join in on your phone

{{ join("Scan to follow along and draw a digit") }}

---

{layout: demo}
## Draw a digit

{{ demo("draw-digit") }}

---

{layout: demo}
## What the room drew

{{ demo("room-digits") }}
"""


def room_talk(folder: Path) -> Path:
    """The starter talk with the three present-mode slides appended."""
    folder.mkdir(parents=True)
    for path in (STARTER / "slides").iterdir():
        if path.is_file():
            (folder / path.name).write_bytes(path.read_bytes())
    config = (folder / "deck.yaml").read_text(encoding="utf-8").replace("  - figures.md", "  - figures.md\n  - room.md")
    (folder / "deck.yaml").write_text(config, encoding="utf-8")
    (folder / "room.md").write_text(ROOM_SLIDES, encoding="utf-8")
    return folder
