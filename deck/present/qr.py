"""The audience address as a QR code, drawn offline as inline SVG.

segno (pure Python, no dependencies) encodes it: QR's error correction and
mask selection are easy to get subtly wrong by hand, and a code phones cannot
read would cost the speaker the whole audience part of the talk.
"""

from __future__ import annotations

import segno


def qr_svg(url: str) -> str:
    """An SVG element (no XML declaration) that scales to its container; black on white with the quiet zone."""
    code = segno.make(url, error="m")
    return code.svg_inline(scale=4, border=4, dark="#000", light="#fff", omitsize=True,
                           title=f"QR code for {url}", svgclass="deck-qr")


def qr_terminal(url: str) -> str:
    """The same code in block characters, for the terminal that started the run."""
    import io

    out = io.StringIO()
    segno.make(url, error="m").terminal(out=out, compact=True, border=2)
    return out.getvalue()
