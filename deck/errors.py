"""The one error type the deck pipeline raises for bad input.

Every problem a speaker can cause is reported as ``FILE:LINE: message`` so that
editors and terminals can jump straight to it; the command line turns a
``DeckError`` into that single line and exit status 2, never a traceback.
"""

from __future__ import annotations

from pathlib import Path


class DeckError(Exception):
    """A problem in the speaker's sources, located by file and line."""

    def __init__(self, path: Path | str, line: int | None, message: str, hint: str | None = None):
        self.path = Path(path)
        self.line = line
        self.message = message
        self.hint = hint
        super().__init__(self.one_line())

    def one_line(self) -> str:
        where = display_path(self.path)
        if self.line:
            where = f"{where}:{self.line}"
        text = f"{where}: {self.message}"
        if self.hint:
            text += f" (hint: {self.hint})"
        return " ".join(text.split())


def display_path(path: Path) -> str:
    """Show a path relative to the working directory when it lies below it.

    Only the folders are resolved: a symbolic link is named as the speaker named it.
    """
    real = path.resolve() if path.name in ("", ".", "..") else path.parent.resolve() / path.name
    try:
        return str(real.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
