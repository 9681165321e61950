"""The ``{{ join() }}`` slide helper: where the audience address and its QR code go.

The address is known only when ``--present`` starts (it depends on the
network the laptop is on), so the slide holds a placeholder that the present
mode's script fills with the QR code the server drew; in a plain build, a PDF
or a single file it says how to bring the room in. No imports beyond the
standard library: the renderer loads this on every build.
"""

from __future__ import annotations

from html import escape

JOIN_CLASS = "deck-join"


def join_html(caption: str | None = None) -> str:
    """The placeholder ``present.js`` fills with the audience QR code and address."""
    text = escape(caption) if caption else "Follow along on your phone"
    return (
        f'<div class="{JOIN_CLASS}" data-join>'
        f'<div class="{JOIN_CLASS}-qr" data-join-qr></div>'
        f'<p class="{JOIN_CLASS}-caption">{text}</p>'
        f'<p class="{JOIN_CLASS}-address" data-join-address>'
        "The address and its QR code appear here when the talk is presented with build.py --present"
        "</p></div>"
    )
