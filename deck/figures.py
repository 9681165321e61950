"""A talk's own figures: one matplotlib script each, in the gallery style, drawn only when a slide uses it.

``figures/birthday_curve.py`` offers the figure ``birthday-curve``. The script
draws with pyplot at module level, like a matplotlib gallery example, and
sets three names the slide needs::

    ALT = "What the figure shows, for screen readers and the PDF"
    CAPTION = "The caption under it on the slide"   # optional
    SIZE = (880, 495)                                # pixels as shown at 1280x720; optional

The engine runs it with ``facts`` (every computation's facts, as
``facts.bday.p23``) and ``style`` (the theme's colours and the smallest legible
font size in points) already defined, saves the current figure at ``SIZE`` and
caches the result by the script's source, the facts and the theme. matplotlib
is imported only when a figure has to be drawn.
"""

from __future__ import annotations

import hashlib
import io
import json
import runpy
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deck.compute import Figure, matplotlib_version
from deck.errors import DeckError

DEFAULT_SIZE = (880, 495)
DPI = 100
MIN_TEXT_PX = 24  # at 1280x720; 24 px at 100 dpi is 17.3 pt
FORMATS = ("svg", "png")
_STYLE = {
    "projector": {"ink": "#111418", "paper": "#fbfbf8", "muted": "#4a5058", "accent": "#0072b2", "warm": "#b84f00"},
    "hall": {"ink": "#eceff3", "paper": "#15181d", "muted": "#aab2bd", "accent": "#56b4e9", "warm": "#ff8c42"},
}  # the colours of templates/theme/NAME.css; a theme not listed (a talk's own) is drawn as projector
_VERSION = b"talk-figure-v2"  # v2: meta.json records the smallest font drawn


class Namespace(dict):
    """A dict whose keys read as attributes in a script (``facts.bday.p23``); unknown names fail loudly."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            known = ", ".join(sorted(self)) or "none"
            raise AttributeError(f"no fact '{name}' (known: {known})") from None


@dataclass(frozen=True)
class Drawn:
    content: bytes
    alt: str
    caption: str
    width: int
    height: int
    format: str
    min_font_px: float | None = None  # smallest text drawn, px at width x height (the legibility check scales it)


def style_for(theme: str) -> Namespace:
    colours = _STYLE.get(theme, _STYLE["projector"])
    return Namespace(colours, font_size=MIN_TEXT_PX * 72 / DPI + 1, dpi=DPI)


def draw_figure(name: str, script: Path, facts: dict[str, dict[str, Any]], theme: str, cache_dir: Path,
                out_dir: Path, use_cache: bool = True) -> tuple[Figure, bool]:
    """Write ``figures/NAME.EXT`` into ``out_dir`` from cache or by running ``script``; True if drawn now."""
    facts_json = json.dumps(facts, sort_keys=True, default=str).encode()
    key = hashlib.sha256(b"\0".join([_VERSION, script.read_bytes(), facts_json, theme.encode(), _matplotlib_version()])).hexdigest()
    entry = cache_dir / "talk-figures" / key
    drawn = _read_entry(entry) if use_cache else None
    fresh = drawn is None
    if drawn is None:
        drawn = _run(script, facts, theme)
        _write_entry(entry, drawn)
    relative = f"figures/{name}.{drawn.format}"
    target = out_dir / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(drawn.content)
    return Figure(name, relative, drawn.alt, drawn.caption, drawn.width, drawn.height, drawn.min_font_px), fresh


def _run(script: Path, facts: dict[str, dict[str, Any]], theme: str) -> Drawn:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.close("all")
    plt.rcdefaults()
    style = style_for(theme)
    plt.rcParams.update({
        "font.size": style.font_size, "font.family": "DejaVu Sans", "svg.fonttype": "path",
        "svg.hashsalt": "deck", "figure.dpi": DPI, "savefig.dpi": DPI, "path.simplify": False,
        "text.color": style.ink, "axes.labelcolor": style.ink, "xtick.color": style.ink, "ytick.color": style.ink,
        "axes.edgecolor": style.muted, "figure.facecolor": style.paper, "savefig.facecolor": style.paper,
        "axes.facecolor": style.paper, "axes.spines.top": False, "axes.spines.right": False, "lines.linewidth": 3,
    })
    names = {"facts": Namespace({k: Namespace(v) for k, v in facts.items()}), "style": style}
    try:
        values = runpy.run_path(str(script), init_globals=names, run_name="__figure__")
    except SystemExit:
        raise DeckError(script, None, "figure script called exit()") from None
    except Exception as exc:  # the speaker's script failed: point at its line
        plt.close("all")
        raise DeckError(script, _script_line(exc, script), f"figure script failed: {type(exc).__name__}: {exc}") from None
    alt = values.get("ALT")
    if not isinstance(alt, str) or not alt.strip():
        raise DeckError(script, 1, "figure script sets no ALT text", "add ALT = \"what the figure shows\" at the top")
    caption = values.get("CAPTION", "")
    size = values.get("SIZE", DEFAULT_SIZE)
    fmt = values.get("FORMAT", "svg")
    if not (isinstance(size, (tuple, list)) and len(size) == 2 and all(isinstance(v, int) and 100 <= v <= 1280 for v in size)):
        raise DeckError(script, 1, f"SIZE must be (width, height) in pixels between 100 and 1280, got {size!r}")
    if fmt not in FORMATS:
        raise DeckError(script, 1, f"FORMAT must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if not plt.get_fignums():
        raise DeckError(script, 1, "figure script drew nothing", "draw with matplotlib.pyplot; the current figure is saved")
    fig = plt.gcf()
    fig.set_size_inches(size[0] / DPI, size[1] / DPI)
    buffer = io.BytesIO()
    metadata = {"Date": None, "Creator": None} if fmt == "svg" else {"Software": None}
    from deck.legibility import recording_fonts, smallest

    with recording_fonts(DPI) as sizes:
        fig.savefig(buffer, format=fmt, metadata=metadata, dpi=DPI)
    plt.close("all")
    return Drawn(buffer.getvalue(), alt.strip(), str(caption or ""), size[0], size[1], fmt, smallest(sizes))


def _script_line(exc: BaseException, script: Path) -> int | None:
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if Path(frame.filename).resolve() == script.resolve():
            return frame.lineno
    return getattr(exc, "lineno", None)


def _matplotlib_version() -> bytes:
    version = matplotlib_version()
    if version is None:
        raise DeckError(Path("matplotlib"), None, "matplotlib is not installed", "figure scripts need it: pip install matplotlib")
    return version.encode()


def _read_entry(entry: Path) -> Drawn | None:
    """A cached drawing, trusted only if its bytes still match the hash it was filed with."""
    try:
        meta = json.loads((entry / "meta.json").read_text(encoding="utf-8"))
        content = (entry / f"figure.{meta['format']}").read_bytes()
        if hashlib.sha256(content).hexdigest() != meta["sha256"] or meta["format"] not in FORMATS:
            return None
        smallest = meta.get("min_font_px")
        return Drawn(content, str(meta["alt"]), str(meta["caption"]), int(meta["width"]), int(meta["height"]), meta["format"],
                     float(smallest) if isinstance(smallest, (int, float)) else None)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_entry(entry: Path, drawn: Drawn) -> None:
    entry.mkdir(parents=True, exist_ok=True)
    (entry / f"figure.{drawn.format}").write_bytes(drawn.content)
    meta = {"alt": drawn.alt, "caption": drawn.caption, "width": drawn.width, "height": drawn.height,
            "format": drawn.format, "sha256": hashlib.sha256(drawn.content).hexdigest(), "min_font_px": drawn.min_font_px}
    temporary = entry / "meta.json.tmp"
    temporary.write_text(json.dumps(meta, sort_keys=True), encoding="utf-8")
    temporary.replace(entry / "meta.json")
