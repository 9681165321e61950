"""One thread that tells every follower's page where the talk is.

A room is a few hundred event streams that all want the same few bytes at
the same moment. Waking a few hundred handler threads for each slide change
makes them queue for the lock and the interpreter one after another; one
thread that encodes the state once and writes it to every socket without
blocking tells the whole room in a few milliseconds. Each stream's own
handler thread just waits (asleep, never woken) until this thread drops
its page: closed, reset, or too slow to read what it is sent.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import time

from deck.present.state import Room

KEEPALIVE_SECONDS = 15.0
COUNT_SECONDS = 1.0          # followers hear the room's size at most this often
MAX_BACKLOG = 64 * 1024      # bytes a page may fall behind before it is dropped (it reconnects)


class Follower:
    """One page's socket, what it has not read yet, and the event its handler thread waits on."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.pending = b""
        self.gone = threading.Event()
        self.fresh = True  # has not had the current state yet


class Followers:
    """The broadcaster: the live state to every follower, at once on a move, throttled for counts."""

    def __init__(self, room: Room) -> None:
        self.room = room
        self._pages: list[Follower] = []
        self._joined = 0  # bumps when a page joins, to wake the broadcaster
        self._thread = threading.Thread(target=self._run, name="deck-followers", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def join(self, sock: socket.socket) -> threading.Event:
        """Hand a stream's socket (headers already sent) over; wait on the returned event."""
        page = Follower(sock)
        sock.setblocking(False)
        with self.room.moved:
            self._pages.append(page)
            self._joined += 1
            self.room.moved.notify_all()
        return page.gone

    def _run(self) -> None:
        """Broadcast until the run stops; a bug in one round is reported and the next round goes on."""
        while True:
            try:
                self._broadcast()
                return
            except Exception as exc:  # noqa: BLE001 - the room must keep following whatever went wrong
                print(f"present: followers: {type(exc).__name__}: {exc}", file=sys.stderr)
                time.sleep(0.5)

    def _broadcast(self) -> None:
        room = self.room
        sent_key: tuple[int, int] | None = None
        sent_at = last_write = 0.0
        joined_seen = 0
        payload = b""
        while True:
            with room.moved:
                room.moved.wait_for(lambda: room.stopping or room.version != (sent_key or (-1,))[0] or self._joined != joined_seen,
                                    COUNT_SECONDS)
                if room.stopping:
                    break
                key = (room.version, room.count_version)
                state = room.locked_state() if key != sent_key else None
                joined_seen = self._joined
                pages = list(self._pages)
            now = time.monotonic()
            moved = sent_key is None or key[0] != sent_key[0]
            counted = sent_key is not None and key[1] != sent_key[1] and now - sent_at >= COUNT_SECONDS
            if state is not None and (moved or counted):
                payload = f"event: state\ndata: {json.dumps(state, separators=(',', ':'))}\n\n".encode("utf-8")
                sent_key, sent_at = key, now
                for page in pages:
                    page.fresh = False
                    self._send(page, payload)
                last_write = now
            else:
                for page in pages:
                    if page.fresh and payload:
                        page.fresh = False
                        self._send(page, payload)
                if now - last_write >= KEEPALIVE_SECONDS:
                    for page in pages:
                        self._send(page, b": keep-alive\n\n")
                    last_write = now
                else:
                    for page in pages:
                        if page.pending:
                            self._send(page, b"")
            self._forget([p for p in pages if p.gone.is_set()])
        with room.moved:
            pages, self._pages = self._pages, []
        for page in pages:
            page.gone.set()

    def _send(self, page: Follower, data: bytes) -> None:
        """Write without blocking; what the socket does not take waits, up to MAX_BACKLOG."""
        if page.gone.is_set():
            return
        page.pending += data
        try:
            while page.pending:
                written = page.sock.send(page.pending)
                page.pending = page.pending[written:]
        except BlockingIOError:
            if len(page.pending) > MAX_BACKLOG:
                page.gone.set()
        except OSError:
            page.gone.set()

    def _forget(self, pages: list[Follower]) -> None:
        if not pages:
            return
        with self.room.moved:
            self._pages = [p for p in self._pages if p not in pages]

    def count(self) -> int:
        with self.room.moved:
            return len(self._pages)
