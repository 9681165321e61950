"""The watch server: loopback names only, the output folder only, a 4xx for every malformed request."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from deck.serve import LiveServer, host_allowed


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("serve")
    root = tmp_path / "output"
    (root / "figures").mkdir(parents=True)
    (root / "index.html").write_text("<html><body>deck</body></html>")
    (root / "figures" / "a.png").write_bytes(b"PNG")
    (tmp_path / "secret.txt").write_text("private key")
    (root / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (root / "leakdir").symlink_to(tmp_path)
    live = LiveServer(root, 0)
    live.start()
    yield live
    live.stop()


def raw(server: LiveServer, request: bytes) -> tuple[int, bytes]:
    """Send bytes as they are (no client library tidying them) and return (status, whole answer)."""
    host, port = server.httpd.server_address[:2]
    with socket.create_connection((host, port), timeout=10) as conn:
        conn.sendall(request)
        chunks = []
        while True:
            try:
                chunk = conn.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            chunks.append(chunk)
            if b"\r\n\r\n" in b"".join(chunks) and b"Content-Length: 0" in b"".join(chunks):
                break
    answer = b"".join(chunks)
    if not answer.startswith(b"HTTP/"):  # an HTTP/0.9-style line is answered with the error page alone
        return int(answer.split(b"Error code: ", 1)[1][:3]), answer
    return int(answer.split(b" ", 2)[1]), answer


def get(server: LiveServer, path: str, host: str | None = "127.0.0.1", method: str = "GET") -> tuple[int, bytes]:
    headers = f"Host: {host}\r\n" if host is not None else ""
    return raw(server, f"{method} {path} HTTP/1.1\r\n{headers}Connection: close\r\n\r\n".encode("latin-1"))


MALFORMED = {
    "long component": ("/" + "a" * 300, 414),
    "long component in a folder": ("/figures/" + "b" * 256 + ".png", 414),
    "very long path": ("/" + "/".join(["c" * 200] * 20), 414),
    "encoded NUL": ("/index.html%00.png", 400),
    "encoded NUL alone": ("/%00", 400),
    "control character": ("/a%0d%0aSet-Cookie:x", 400),
    "invalid UTF-8": ("/%ff%fe", 400),
    "no leading slash": ("index.html", 400),
    "traversal": ("/../secret.txt", 404),
    "encoded traversal": ("/%2e%2e/%2e%2e/secret.txt", 404),
    "link out of the deck": ("/leak.txt", 404),
    "folder link out of the deck": ("/leakdir/secret.txt", 404),
    "missing": ("/nothing-here.js", 404),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_and_escaping_requests_get_a_4xx_and_no_traceback(server, capsys, name):
    path, status = MALFORMED[name]
    code, answer = get(server, path)
    assert code == status, answer[:200]
    assert b"private key" not in answer
    time.sleep(0.05)
    err = capsys.readouterr().err
    assert "Traceback" not in err and err == "", err
    # The server is still answering.
    assert get(server, "/figures/a.png")[0] == 200


@pytest.mark.parametrize("request_bytes, status", [
    (b"GARBAGE\r\n\r\n", 400),
    (b"GET / HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n", 505),
    (b"GET /" + b"x" * 70_000 + b" HTTP/1.1\r\n\r\n", 414),
    (b"POST /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n", 405),
    (b"DELETE /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n", 405),
])
def test_broken_request_lines_and_other_methods_are_refused_quietly(server, capsys, request_bytes, status):
    code, _ = raw(server, request_bytes)
    assert code == status or (status == 505 and code == 400)
    assert "Traceback" not in capsys.readouterr().err
    assert (server.root / "index.html").is_file()


@pytest.mark.parametrize("host, allowed", [
    ("127.0.0.1", True), ("127.0.0.1:8000", True), ("localhost:8000", True), ("LOCALHOST.", True),
    ("[::1]:8000", True), ("127.1.2.3", True),
    ("evil.example:8000", False), ("attacker.com", False), ("localhost.evil.example", False),
    ("127.0.0.1.nip.io", False), ("", False), (None, False), ("127.0.0.1:80x", False), ("[::1]junk", False),
])
def test_host_header_names_this_machine_only(host, allowed):
    assert host_allowed(host, "127.0.0.1") is allowed


def test_a_rebound_name_gets_403_for_the_deck_and_the_event_stream(server):
    for path in ("/", "/index.html", "/figures/a.png", "/__deck__/events", "/__deck__/live.js"):
        code, answer = get(server, path, host="attacker.example:8000")
        assert code == 403 and b"deck" not in answer.split(b"\r\n\r\n", 1)[-1], path
    assert get(server, "/", host=None)[0] == 403
    code, answer = get(server, "/")
    assert code == 200 and b"deck" in answer


def test_head_requests_are_checked_too(server):
    assert get(server, "/leak.txt", method="HEAD")[0] == 404
    assert get(server, "/figures/a.png", method="HEAD", host="evil.example")[0] == 403
    assert get(server, "/figures/a.png", method="HEAD")[0] == 200
