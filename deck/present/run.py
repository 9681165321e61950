"""``build.py --present``: check the built deck is there, serve it to the room, stop cleanly on Ctrl-C.

It never builds: a talk is built (and checked) before the speaker walks on
stage, and presenting must not start a training run on a laptop plugged
into a projector. The room's digits stay in memory; ``--save-audience FILE``
writes them out once, when the run ends.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

from deck.errors import DeckError, display_path
from deck.paths import inside
from deck.present.audience import SIDE
from deck.present.server import PresentServer
from deck.present.state import Room

SAVE_FORMAT = "deck-audience-digits/1"


def lan_address() -> str | None:
    """The address this machine uses towards a local network, or None without one.

    A UDP "connect" sends nothing; it only asks the kernel which interface
    would carry traffic to a private address.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.254.254.254", 1))
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address


def check_save_target(path: Path, out_dir: Path) -> Path:
    """Where --save-audience may write: an existing folder, outside the deck the room can read."""
    path = path.expanduser()
    if path.is_dir():
        raise DeckError(path, None, "--save-audience needs a file name, not a folder")
    if not path.parent.is_dir():
        raise DeckError(path, None, "--save-audience: its folder does not exist")
    if inside(path, out_dir):
        raise DeckError(path, None, "--save-audience may not write inside the deck being served", "the room could read it; choose a path outside the output folder")
    return path.resolve()


def save_digits(room: Room, path: Path) -> int:
    """Write the room's shown digits (no client ids, no hidden drawings) atomically; return how many."""
    kept = room.kept()
    record = {
        "format": SAVE_FORMAT,
        "saved": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "side": SIDE,
        "digits": [
            {"label": d.label, "seconds": d.seconds,
             "pixels": [list(d.pixels[r * SIDE:(r + 1) * SIDE]) for r in range(SIDE)]}
            for d in kept
        ],
    }
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(record, stream)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return len(kept)


def main(args: argparse.Namespace) -> int:
    out_dir = Path(args.out).resolve()
    if not (out_dir / "index.html").is_file():
        raise DeckError(out_dir / "index.html", None, "no built deck to present",
                        f"build it first with 'build.py{_talk_arg(args)} --out {display_path(out_dir)}' (or without --out for the default place)")
    save_to = check_save_target(Path(args.save_audience), out_dir) if args.save_audience else None
    host = args.bind or lan_address()
    if host is None:
        host = "127.0.0.1"
        print("present: no local network found; serving on this machine only (use --bind ADDRESS)", file=sys.stderr)
    advertise = lan_address() if host in ("0.0.0.0", "::") else None
    room = Room()
    token = secrets.token_urlsafe(18)
    try:
        server = PresentServer(out_dir, room, token, host, args.port, advertise=advertise)
    except OSError as exc:
        raise DeckError("--bind", None, f"cannot listen on {host}:{args.port}: {exc.strerror or exc}",
                        "another program may use the port (try --port), or the address is not this machine's") from None
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    server.start()
    print(f"audience:  {server.audience_url}")
    print(f"presenter: {server.presenter_url}")
    if sys.stdout.isatty() and not args.quiet:
        from deck.present.qr import qr_terminal

        print(qr_terminal(server.audience_url), end="")
    if not args.quiet:
        print("Open the presenter address on the projector (S: speaker view); phones join at the audience address. Ctrl-C stops.")
    sys.stdout.flush()
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.stop()
    kept = len(room.kept())
    if save_to is not None:
        saved = save_digits(room, save_to)
        print(f"\nStopped. Saved {saved} digits from the room to {display_path(save_to)}")
    else:
        note = " (--save-audience FILE keeps them)" if kept else ""
        print(f"\nStopped. {kept} digits from the room discarded{note}")
    return 0


def _talk_arg(args: argparse.Namespace) -> str:
    config = getattr(args, "config", None)
    if config is None:
        return ""
    folder = Path(config).parent
    return "" if folder.name == "slides" and folder.resolve() == (Path.cwd() / "slides").resolve() else f" {display_path(folder)}"
