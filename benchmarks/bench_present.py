"""Present-mode benchmark: a room of simulated phones on loopback.

Run: .venv/bin/python benchmarks/bench_present.py [--clients 200] [--seconds 60] [--out BUILT_DECK]

Starts ``build.py --present`` as a speaker would (on 127.0.0.1, a free port)
and connects N simulated phones: each loads the page, asks for a client id
and holds the event stream open. For the whole run the presenter changes
slide twice a second; every phone records when it hears each change. During
ten seconds in the middle every phone sends one digit (one in ten also
retries its send, as a phone on a flaky network would), while a projector's
stream counts what arrives. Prints, against the issue's targets:

- slide change -> phone told: p50/p95/max over every delivery, and over
  "all phones told" per change (target p95 <= 200 ms);
- digits sent in 10 s, counted by the server and seen by the projector,
  each exactly once (target: all 200, once);
- the server's peak memory (VmHWM) and thread count;
- errors: any refused request, dropped stream or change a phone never heard (target 0).

Figures are printed, never asserted. Loopback only; the server is stopped with
Ctrl-C's signal at the end and its clean exit is checked too.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import gzip
import json
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
CHANGE_EVERY = 0.5       # seconds between the presenter's slide changes
DIGIT_WINDOW = (20.0, 30.0)  # seconds into the run during which the room draws (scaled for short runs)
HEARD_WITHIN = 5.0       # a change not heard by then counts as an error


@dataclass
class Phone:
    number: int
    client: str = ""
    heard: dict[int, float] = field(default_factory=dict)  # slide h -> when this phone heard it
    ready: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass
class Tally:
    errors: list[str] = field(default_factory=list)
    sent_at: dict[int, float] = field(default_factory=dict)
    digit_ids: list[int] = field(default_factory=list)
    retries_same: int = 0
    projector_ids: list[int] = field(default_factory=list)


async def http(port: int, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close", f"Content-Length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = re.search(rb"Content-Length: (\d+)", head, re.I)
    data = await reader.readexactly(int(length.group(1))) if length else await reader.read()
    writer.close()
    return status, data


class EventStream(asyncio.Protocol):
    """One event stream, parsed as bytes arrive; each event is stamped when its bytes came in."""

    def __init__(self, path: str, on_event, tally: Tally, name: str):
        self.path, self.on_event, self.tally, self.name = path, on_event, tally, name
        self.buffer = b""
        self.head_done = False
        self.closing = False
        self.closed = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        transport.write(f"GET {self.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n".encode())  # type: ignore[attr-defined]

    def data_received(self, data: bytes) -> None:
        when = time.monotonic()
        self.buffer += data
        if not self.head_done:
            if b"\r\n\r\n" not in self.buffer:
                return
            head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
            self.head_done = True
            if b" 200 " not in head.split(b"\r\n", 1)[0]:
                self.tally.errors.append(f"{self.name}: stream refused: {head[:40]!r}")
        while b"\n\n" in self.buffer:
            block, self.buffer = self.buffer.split(b"\n\n", 1)
            fields = dict(line.split(": ", 1) for line in block.decode().split("\n") if line and not line.startswith(":"))
            if "event" in fields:
                self.on_event(fields["event"], json.loads(fields["data"]), when)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.closing:
            self.tally.errors.append(f"{self.name}: stream dropped")
        if not self.closed.done():
            self.closed.set_result(None)


async def stream(port: int, path: str, on_event, tally: Tally, name: str, stop: asyncio.Event) -> None:
    """Hold an event stream open, handing each (event, data, arrival time) to ``on_event`` until ``stop``."""
    loop = asyncio.get_running_loop()
    _, protocol = await loop.create_connection(lambda: EventStream(path, on_event, tally, name), "127.0.0.1", port)
    await asyncio.wait({asyncio.ensure_future(stop.wait()), protocol.closed}, return_when=asyncio.FIRST_COMPLETED)
    protocol.closing = True
    protocol.transport.close()


def digit_payload(client: str, nonce: str, label: int) -> bytes:
    rng = random.Random(nonce)
    raw = bytes(rng.choice((0, 0, 0, 128, 255)) for _ in range(784))
    return json.dumps({"client": client, "nonce": nonce, "label": label, "pixels": base64.b64encode(raw).decode()}).encode()


async def phone_life(phone: Phone, port: int, tally: Tally, stop: asyncio.Event, digit_at: float, started: float) -> None:
    try:
        await _phone_life(phone, port, tally, stop, digit_at, started)
    except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
        tally.errors.append(f"phone {phone.number}: {type(exc).__name__}: {exc}")
        phone.ready.set()  # counted as an error; the run goes on for the others


async def _phone_life(phone: Phone, port: int, tally: Tally, stop: asyncio.Event, digit_at: float, started: float) -> None:
    status, page = await http(port, "GET", "/", headers={"Accept-Encoding": "gzip"})  # as a phone's browser asks
    if status != 200 or b"/__present__/present.js" not in gzip.decompress(page):
        tally.errors.append(f"phone {phone.number}: page {status}")
    status, body = await http(port, "POST", "/__present__/hello", b"{}", {"Content-Type": "application/json"})
    if status != 200:
        tally.errors.append(f"phone {phone.number}: hello {status}")
        return
    phone.client = json.loads(body)["client"]

    def on_event(kind: str, data: dict, when: float) -> None:
        if kind == "state":
            phone.heard.setdefault(data["slide"]["h"], when)
            phone.ready.set()

    listening = asyncio.ensure_future(stream(port, "/__present__/events", on_event, tally, f"phone {phone.number}", stop))
    await asyncio.sleep(max(0.0, started + digit_at - time.monotonic()))
    if not stop.is_set():
        nonce = f"p{phone.number}"
        payload = digit_payload(phone.client, nonce, phone.number % 10)
        status, body = await http(port, "POST", "/__present__/digit", payload, {"Content-Type": "application/json"})
        if status != 201:
            tally.errors.append(f"phone {phone.number}: digit {status} {body[:80]!r}")
        else:
            digit_id = json.loads(body)["id"]
            tally.digit_ids.append(digit_id)
            if phone.number % 10 == 0:  # a retry of the same send: must count once
                status, body = await http(port, "POST", "/__present__/digit", payload, {"Content-Type": "application/json"})
                if status == 200 and json.loads(body)["id"] == digit_id:
                    tally.retries_same += 1
                else:
                    tally.errors.append(f"phone {phone.number}: retry {status}")
    await listening


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))] if ordered else float("nan")


def server_memory(pid: int) -> tuple[int, int]:
    """(peak resident kB, threads) of the server process, from /proc."""
    text = Path(f"/proc/{pid}/status").read_text()
    peak = int(re.search(r"VmHWM:\s+(\d+)", text).group(1))
    threads = int(re.search(r"Threads:\s+(\d+)", text).group(1))
    return peak, threads


async def run(port: int, token: str, pid: int, clients: int, seconds: float) -> dict:
    tally = Tally()
    stop = asyncio.Event()
    started = time.monotonic()
    window = (seconds * DIGIT_WINDOW[0] / 60, seconds * DIGIT_WINDOW[1] / 60)
    rng = random.Random(0)
    phones = [Phone(n) for n in range(clients)]

    def on_projector(kind: str, data: dict, when: float) -> None:
        if kind == "digit":
            tally.projector_ids.append(data["id"])

    projector = asyncio.ensure_future(stream(port, f"/__present__/room?token={token}", on_projector, tally, "projector", stop))
    lives = [asyncio.ensure_future(phone_life(p, port, tally, stop, rng.uniform(*window), started)) for p in phones]
    await asyncio.wait_for(asyncio.gather(*(p.ready.wait() for p in phones)), timeout=60)
    connected = time.monotonic() - started
    threads_peak = server_memory(pid)[1]
    h = 0
    next_change = time.monotonic()
    while time.monotonic() - started < seconds:
        h += 1
        tally.sent_at[h] = time.monotonic()
        status, _ = await http(port, "POST", "/__present__/slide", json.dumps({"h": h, "v": 0, "f": -1}).encode(),
                               {"Content-Type": "application/json", "X-Deck-Token": token})
        if status != 200:
            tally.errors.append(f"presenter: slide {status}")
        threads_peak = max(threads_peak, server_memory(pid)[1])
        next_change += CHANGE_EVERY
        await asyncio.sleep(max(0.0, next_change - time.monotonic()))
    await asyncio.sleep(HEARD_WITHIN if seconds > HEARD_WITHIN else 1.0)
    status, body = await http(port, "POST", "/__present__/hello", b"{}")
    counted = json.loads(body)["count"] if status == 200 else -1
    peak_kb, _ = server_memory(pid)
    stop.set()
    await asyncio.gather(projector, *lives)

    deliveries: list[float] = []
    all_told: list[float] = []
    for change, sent in tally.sent_at.items():
        # A phone that was told a later slide first was told this one too: the stream carries the latest.
        heard = [min((t for h, t in p.heard.items() if h >= change), default=None) for p in phones]
        missing = sum(1 for t in heard if t is None or t - sent > HEARD_WITHIN)
        if missing:
            tally.errors.append(f"slide {change}: {missing} phones never told")
        times = [(t - sent) * 1000 for t in heard if t is not None]
        deliveries += times
        if times:
            all_told.append(max(times))
    return {
        "tally": tally, "deliveries": deliveries, "all_told": all_told, "counted": counted, "peak_kb": peak_kb,
        "threads": threads_peak, "connected_s": connected, "changes": len(tally.sent_at), "window": window[1] - window[0],
    }


def fake_deck(folder: Path) -> Path:
    """A built deck's shape, small: present mode serves whatever the build wrote."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text(
        "<!doctype html><html><head><title>bench</title></head><body>\n"
        "<script>Reveal.initialize({});</script>\n</body></html>\n", encoding="utf-8")
    return folder


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--out", type=Path, help="a built deck to serve (default: a small stand-in written here)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-present-") as scratch:
        deck = args.out or fake_deck(Path(scratch) / "output")
        process = subprocess.Popen(
            [sys.executable, str(PROJECT / "build.py"), "--present", "--bind", "127.0.0.1", "--port", "0", "--out", str(deck), "--quiet"],
            cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            audience = process.stdout.readline().split()[1]  # type: ignore[union-attr]
            presenter = process.stdout.readline().split()[1]  # type: ignore[union-attr]
            port = int(audience.rsplit(":", 1)[1].strip("/"))
            token = presenter.split("token=", 1)[1]
            result = asyncio.run(run(port, token, process.pid, args.clients, args.seconds))
        finally:
            process.send_signal(signal.SIGINT)
            out, err = process.communicate(timeout=15)
    tally: Tally = result["tally"]
    if process.returncode != 0:
        tally.errors.append(f"server exit {process.returncode}: {err.strip()[:200]}")
    sent = len(tally.digit_ids)
    unique_projector = len(set(tally.projector_ids))
    once = sent == result["counted"] == unique_projector == len(tally.projector_ids) and len(set(tally.digit_ids)) == sent
    print(f"present mode: {args.clients} phones on 127.0.0.1 for {args.seconds:.0f} s "
          f"(all connected after {result['connected_s']:.1f} s), {result['changes']} slide changes")
    d, a = result["deliveries"], result["all_told"]
    print(f"  slide change -> phone told:      p50 {percentile(d, .5):6.1f} ms  p95 {percentile(d, .95):6.1f} ms  max {max(d, default=float('nan')):6.1f} ms"
          f"   ({len(d)} deliveries)")
    print(f"  slide change -> all phones told: p50 {percentile(a, .5):6.1f} ms  p95 {percentile(a, .95):6.1f} ms  max {max(a, default=float('nan')):6.1f} ms"
          f"   (target p95 <= 200 ms)")
    print(f"  digits: {sent} sent in {result['window']:.0f} s, {result['counted']} counted by the server, "
          f"{len(tally.projector_ids)} reached the projector ({unique_projector} distinct), "
          f"{tally.retries_same} retries counted once: {'each once' if once else 'MISMATCH'}")
    print(f"  server: peak memory {result['peak_kb'] / 1024:.1f} MB (VmHWM), up to {result['threads']} threads; "
          f"stopped by SIGINT with exit {process.returncode}")
    print(f"  errors: {len(tally.errors)}" + "".join(f"\n    {e}" for e in tally.errors[:10]))
    return 0 if once and not tally.errors else 1


if __name__ == "__main__":
    sys.exit(main())
