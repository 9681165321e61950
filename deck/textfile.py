"""Reading the speaker's text files, with every failure turned into a located error."""

from __future__ import annotations

from pathlib import Path

from deck.errors import DeckError

# A talk's source is a few kilobytes; megabytes mean a pasted dump, not slides.
MAX_SOURCE_BYTES = 1_000_000


def read_text(path: Path) -> str:
    """Read a source file as UTF-8; missing, unreadable, huge or mis-encoded files are DeckErrors."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DeckError(path, None, "file not found") from None
    except IsADirectoryError:
        raise DeckError(path, None, "is a directory, expected a file") from None
    except OSError as exc:
        raise DeckError(path, None, f"cannot read: {exc.strerror or exc}") from None
    if len(raw) > MAX_SOURCE_BYTES:
        raise DeckError(path, None, f"file is too large ({len(raw) / 1e6:.1f} MB; a source file may be at most {MAX_SOURCE_BYTES // 1_000_000} MB)", "split the slides over several files")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DeckError(path, line, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})", "save the file as UTF-8") from None
