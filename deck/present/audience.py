"""What a phone may send, checked before anything else looks at it.

A digit is a JSON object with exactly four keys: the client id the server
handed out, a short nonce (so a retried send counts once), the digit its
author meant (0-9) and the drawing as 28x28 grey levels, one byte each,
base64-encoded. Anything else, any other size, any extra key, is refused.
The presenter's requests are checked the same way.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from typing import Any

SIDE = 28
PIXELS = SIDE * SIDE
MAX_BODY = 4096  # bytes of one request body: a digit is about 1.2 kB
_TOKENISH = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
_B64 = re.compile(r"^[A-Za-z0-9+/]+={0,2}$")
DIGIT_KEYS = {"client", "nonce", "label", "pixels"}
ROOM_ACTIONS = {"clear", "freeze", "open", "hide"}


class DigitError(ValueError):
    """A request the server refuses; the message is safe to show the sender."""


@dataclass(frozen=True)
class Submission:
    client: str
    nonce: str
    label: int
    pixels: bytes


def _object(body: bytes) -> dict[str, Any]:
    if len(body) > MAX_BODY:
        raise DigitError(f"request larger than {MAX_BODY} bytes")
    try:
        value = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise DigitError("not a JSON object") from None
    if not isinstance(value, dict):
        raise DigitError("not a JSON object")
    return value


def _small_int(value: Any, low: int, high: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise DigitError(f"'{name}' must be a whole number from {low} to {high}")
    return value


def parse_digit(body: bytes) -> Submission:
    """A phone's digit, or DigitError saying what is wrong with it."""
    value = _object(body)
    if set(value) != DIGIT_KEYS:
        raise DigitError(f"a digit has exactly the keys {', '.join(sorted(DIGIT_KEYS))}")
    client, nonce, pixels = value["client"], value["nonce"], value["pixels"]
    if not isinstance(client, str) or not _TOKENISH.match(client):
        raise DigitError("'client' is not a client id")
    if not isinstance(nonce, str) or not _TOKENISH.match(nonce):
        raise DigitError("'nonce' must be 1 to 32 letters, digits, '-' or '_'")
    label = _small_int(value["label"], 0, 9, "label")
    if not isinstance(pixels, str) or not _B64.match(pixels):
        raise DigitError("'pixels' must be base64")
    try:
        raw = base64.b64decode(pixels, validate=True)
    except (binascii.Error, ValueError):
        raise DigitError("'pixels' must be base64") from None
    if len(raw) != PIXELS:
        raise DigitError(f"'pixels' must hold {SIDE}x{SIDE} = {PIXELS} bytes, not {len(raw)}")
    if not any(raw):
        raise DigitError("the drawing is empty")
    return Submission(client, nonce, label, raw)


def parse_slide(body: bytes) -> tuple[int, int, int]:
    """The presenter's position: horizontal and vertical index and fragment (-1: none shown)."""
    value = _object(body)
    if set(value) != {"h", "v", "f"}:
        raise DigitError("a slide position has exactly the keys f, h, v")
    return (_small_int(value["h"], 0, 9999, "h"), _small_int(value["v"], 0, 9999, "v"), _small_int(value["f"], -1, 9999, "f"))


def parse_room(body: bytes) -> tuple[str, int | None]:
    """A presenter's room action: clear, freeze, open, or hide with the drawing's id."""
    value = _object(body)
    action = value.get("action")
    if action not in ROOM_ACTIONS:
        raise DigitError(f"'action' must be one of {', '.join(sorted(ROOM_ACTIONS))}")
    if action == "hide":
        if set(value) != {"action", "id"}:
            raise DigitError("hide takes exactly the keys action, id")
        return action, _small_int(value["id"], 1, 10**9, "id")
    if set(value) != {"action"}:
        raise DigitError(f"{action} takes only the key action")
    return action, None
