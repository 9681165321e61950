"""What a presenting run knows: the live slide, the room's digits and who may send more.

Everything lives in memory and dies with the process (``--save-audience``
writes the digits out once, at the end). One condition variable guards it;
every event-stream thread waits on it and wakes when something it shows
changed. Digits are append-only within an *epoch*; clearing the room starts a
new epoch, so a stream only ever needs "how many have I sent" to catch up.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from deck.present.audience import DigitError, Submission

MAX_CLIENTS = 2000           # client ids handed out in one run
MAX_DIGITS = 3000            # digits the room may send in one run (about 4 MB)
PER_CLIENT_DIGITS = 30       # one phone's share
BURST = 3                    # a phone may send this many at once ...
REFILL_SECONDS = 3.0         # ... then one more every few seconds: a person draws slower
REMEMBERED_NONCES = 64       # a phone's recent sends, so a retried request counts once


class RoomClosed(DigitError):
    """The presenter froze the room, or it is full."""


class RateLimited(DigitError):
    """This phone sends faster than a person draws."""


@dataclass
class Digit:
    """One drawing from the room: 28x28 grey levels and the digit its author meant."""

    id: int
    label: int
    pixels: bytes
    seconds: float  # since the run started
    hidden: bool = False


@dataclass
class Client:
    """A phone that asked for an id; its send budget and the sends it already made."""

    tokens: float = BURST
    refilled: float = field(default_factory=time.monotonic)
    sent: int = 0
    nonces: dict[str, int] = field(default_factory=dict)


class Room:
    """The live slide, the room's digits and the rules for adding to them; thread-safe."""

    def __init__(self, max_digits: int = MAX_DIGITS, max_clients: int = MAX_CLIENTS) -> None:
        lock = threading.Lock()
        self.changed = threading.Condition(lock)  # anything: the presenter's room streams wait here
        self.moved = threading.Condition(lock)    # what followers hear at once (slide, frozen, clear): the broadcaster waits here
        self.started = time.monotonic()
        self.max_digits = max_digits
        self.max_clients = max_clients
        self.slide: dict[str, int] = {"h": 0, "v": 0, "f": -1}
        self.frozen = False
        self.epoch = 0
        self.version = 0          # bumps on what followers must hear at once: slide, frozen, clear
        self.count_version = 0    # bumps on every accepted digit or hide (followers hear it throttled)
        self.digits: list[Digit] = []
        self.hides: list[int] = []  # ids hidden in this epoch, in order
        self.next_id = 1
        self.total_received = 0   # over the whole run, clears included: the cap is per run
        self.clients: dict[str, Client] = {}
        self.stopping = False

    # Followers -----------------------------------------------------------------

    def public_state(self) -> dict[str, Any]:
        """What every page may know: the live position and the room's size and status."""
        with self.changed:
            return self.locked_state()

    def locked_state(self) -> dict[str, Any]:
        """public_state() for a caller that already holds the lock (the broadcaster)."""
        shown = sum(1 for d in self.digits if not d.hidden)
        return {"slide": dict(self.slide), "open": not self.frozen and self.total_received < self.max_digits,
                "frozen": self.frozen, "count": shown, "epoch": self.epoch}

    def versions(self) -> tuple[int, int]:
        with self.changed:
            return self.version, self.count_version

    def wait_room(self, seen: tuple[int, int], timeout: float) -> None:
        """Block until (version, count_version) differs from ``seen``, the run stops, or the timeout."""
        with self.changed:
            self.changed.wait_for(lambda: (self.version, self.count_version) != seen or self.stopping, timeout)

    def _moved(self) -> None:
        self.version += 1
        self.moved.notify_all()
        self.changed.notify_all()

    def stop(self) -> None:
        with self.changed:
            self.stopping = True
            self.moved.notify_all()
            self.changed.notify_all()

    # The presenter -------------------------------------------------------------

    def move(self, h: int, v: int, f: int) -> None:
        with self.changed:
            if self.slide != {"h": h, "v": v, "f": f}:
                self.slide = {"h": h, "v": v, "f": f}
                self._moved()

    def freeze(self, frozen: bool) -> None:
        with self.changed:
            if self.frozen != frozen:
                self.frozen = frozen
                self._moved()

    def clear(self) -> None:
        with self.changed:
            self.digits = []
            self.hides = []
            self.epoch += 1
            self.count_version += 1
            self._moved()

    def hide(self, digit_id: int) -> bool:
        """Hide a drawing from every view and from the tally; its pixels are dropped at once."""
        with self.changed:
            for digit in self.digits:
                if digit.id == digit_id and not digit.hidden:
                    digit.hidden = True
                    digit.pixels = b""
                    self.hides.append(digit_id)
                    self.count_version += 1
                    self.changed.notify_all()
                    return True
            return False

    def since(self, epoch: int, sent: int, hides_sent: int) -> tuple[int, list[Digit], list[int]]:
        """The current epoch and what a stream that saw (epoch, sent, hides_sent) has not seen yet."""
        with self.changed:
            if epoch != self.epoch:
                sent = hides_sent = 0
            return self.epoch, self.digits[sent:], self.hides[hides_sent:]

    # The audience ---------------------------------------------------------------

    def new_client(self) -> str | None:
        """A fresh client id, or None when the run has handed out all it will."""
        with self.changed:
            if len(self.clients) >= self.max_clients:
                return None
            client_id = secrets.token_urlsafe(12)
            self.clients[client_id] = Client()
            return client_id

    def add(self, submission: Submission) -> tuple[int, bool]:
        """Count one validated digit once; returns (its id, whether it is new). Raises a DigitError."""
        with self.changed:
            client = self.clients.get(submission.client)
            if client is None:
                raise DigitError("unknown client: reload the page")
            known = client.nonces.get(submission.nonce)
            if known is not None:
                return known, False  # a retry of a send that already counted
            if self.frozen:
                raise RoomClosed("the presenter has paused the room")
            if self.total_received >= self.max_digits:
                raise RoomClosed("the room has sent all the digits this talk takes")
            if client.sent >= PER_CLIENT_DIGITS:
                raise RateLimited(f"thank you: {PER_CLIENT_DIGITS} digits is this phone's share")
            now = time.monotonic()
            client.tokens = min(BURST, client.tokens + (now - client.refilled) / REFILL_SECONDS)
            client.refilled = now
            if client.tokens < 1:
                raise RateLimited(f"one digit every {REFILL_SECONDS:g} seconds, please")
            client.tokens -= 1
            client.sent += 1
            digit = Digit(self.next_id, submission.label, submission.pixels, round(now - self.started, 3))
            self.next_id += 1
            self.total_received += 1
            self.digits.append(digit)
            client.nonces[submission.nonce] = digit.id
            if len(client.nonces) > REMEMBERED_NONCES:
                client.nonces.pop(next(iter(client.nonces)))
            self.count_version += 1
            self.changed.notify_all()
            return digit.id, True

    def kept(self) -> list[Digit]:
        """The digits still shown (not hidden), for --save-audience."""
        with self.changed:
            return [d for d in self.digits if not d.hidden]
