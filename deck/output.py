"""One atomic write into the output folder.

The whole deck is built in a staging folder beside the output; only when the
build has succeeded does it take the output's place, in one atomic exchange of
the two folders where Linux offers it (``renameat2(RENAME_EXCHANGE)``), so the
output exists at every instant. A failed or interrupted build (Ctrl-C or
SIGTERM) therefore leaves the last good deck exactly as it was, and the next
build removes what a killed one left beside it. A folder we did not create is
never replaced, an output path that is a symbolic link is refused rather than
followed, and hand-off files (the PDF, the single file) are carried over into
each new deck so a rebuild does not delete them.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import re
import shutil
import signal
import stat
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from deck.errors import DeckError

MARKER = ".deck-build"
HANDOFFS = ".deck-handoffs"  # names of the hand-off files written into the deck, one a line
_STAGING = "staging"
_RETIRED = "retired"
_OWNER = re.compile(r"^\.(?P<name>.+)\.(?P<kind>staging|retired)-(?P<pid>\d+)(?:\..*)?$")
_STOPPING = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def staging(out_dir: Path) -> Iterator[Path]:
    """Yield an empty staging folder; on success it replaces ``out_dir``."""
    out_dir = output_path(out_dir)
    _check_replaceable(out_dir)
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        clean_stale(out_dir)
        stage = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.{_STAGING}-{os.getpid()}.", dir=out_dir.parent))
        os.chmod(stage, 0o777 & ~_umask())  # mkdtemp makes 0700; the deck is readable like any folder
    except OSError as exc:
        raise DeckError(out_dir, None, f"cannot write the output folder: {exc.strerror or exc}") from None
    try:
        with _terminate_as_interrupt():
            yield stage
            (stage / MARKER).write_text("Built by build.py; this whole folder is replaced on every build.\n", encoding="utf-8")
            carry_handoffs(out_dir, stage)
            replace(stage, out_dir)
    except OSError as exc:
        raise DeckError(out_dir, None, f"cannot write the output: {exc.strerror or exc}") from None
    finally:
        _remove(stage)


def output_path(out_dir: Path) -> Path:
    """``out_dir`` made absolute in its real parent folder; a symbolic link there is refused.

    Following the link would replace (delete) a folder somewhere else; replacing the
    link by a real folder would leave its target stale without a word.
    """
    out_dir = Path(out_dir).absolute()
    parent = out_dir.parent.resolve() if out_dir.parent.exists() else out_dir.parent
    out_dir = parent / out_dir.name
    if out_dir.is_symlink():
        target = os.readlink(out_dir)
        raise DeckError(out_dir, None, f"the output path is a symbolic link (to {target}); refusing to replace it",
                        f"build there directly with --out {out_dir.resolve()}")
    return out_dir


def replace(stage: Path, out_dir: Path) -> None:
    """Swap the staged deck in; the old deck is removed only after the swap.

    Ctrl-C and SIGTERM are held back for the swap itself; where the exchange is
    not available, that keeps them from landing between the two renames.
    """
    retired = out_dir.parent / f".{out_dir.name}.{_RETIRED}-{os.getpid()}"
    try:
        with _signals_held():  # a signal held back is raised as this block ends
            if not out_dir.exists():
                os.replace(stage, out_dir)
                return
            if _exchange(stage, out_dir):
                return  # stage now holds the old deck; staging() removes it
            _remove(retired)
            try:
                os.replace(out_dir, retired)
                os.replace(stage, out_dir)
            except BaseException:  # a failing second rename must not lose the old deck
                if retired.exists() and not out_dir.exists():
                    os.replace(retired, out_dir)
                raise
    finally:
        if out_dir.exists():
            _remove(retired)


def recover(out_dir: Path) -> None:
    """Put back a deck left retired by a build that was killed mid-swap."""
    out_dir = Path(out_dir).absolute()
    if out_dir.is_symlink() or out_dir.exists() or not out_dir.parent.is_dir():
        return
    retired = [p for p in _leftovers(out_dir) if p[1] == _RETIRED and not _alive(p[2]) and not p[0].is_symlink() and p[0].is_dir()]
    if retired:
        newest = max(retired, key=lambda p: p[0].stat().st_mtime_ns)[0]
        os.replace(newest, out_dir)


def clean_stale(out_dir: Path) -> list[Path]:
    """Remove staging and retired folders that killed builds left beside ``out_dir``.

    A folder is stale when the build named in it (by process id) is no longer
    running; a retired deck is kept while the output itself is missing, for
    ``recover``. Links are unlinked, never followed.
    """
    removed = []
    for path, kind, pid in _leftovers(out_dir):
        if _alive(pid) or (kind == _RETIRED and not out_dir.exists()):
            continue
        _remove(path)
        removed.append(path)
    return removed


def record_handoff(out_dir: Path, name: str) -> None:
    """Note that ``name`` (a hand-off file just written into the deck) must survive rebuilds."""
    names = _handoff_names(out_dir)
    if name not in names:
        names.append(name)
        temp = out_dir / f".{HANDOFFS}.partial"
        temp.write_text("".join(f"{n}\n" for n in names), encoding="utf-8")
        os.replace(temp, out_dir / HANDOFFS)


def carry_handoffs(out_dir: Path, stage: Path) -> list[str]:
    """Bring the old deck's hand-off files into the new one (hard links where possible)."""
    if not out_dir.is_dir():
        return []
    carried = []
    for name in _handoff_names(out_dir):
        source, target = out_dir / name, stage / name
        try:
            if not stat.S_ISREG(source.lstat().st_mode) or os.path.lexists(target):
                continue  # gone, a link, or the new build wrote a file of that name itself
        except OSError:
            continue
        try:
            os.link(source, target)
        except OSError:
            shutil.copy2(source, target)
        carried.append(name)
    if carried:
        (stage / HANDOFFS).write_text("".join(f"{n}\n" for n in carried), encoding="utf-8")
    return carried


def _handoff_names(out_dir: Path) -> list[str]:
    """The recorded names that are plain file names in the deck's top folder."""
    try:
        text = (out_dir / HANDOFFS).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    names = [line.strip() for line in text.splitlines()]
    return [n for n in names if n and "/" not in n and "\\" not in n and not n.startswith(".") and n != MARKER]


def _leftovers(out_dir: Path) -> list[tuple[Path, str, int | None]]:
    """(path, 'staging' or 'retired', owner pid or None) of every such folder beside ``out_dir``."""
    found = []
    try:
        entries = list(os.scandir(out_dir.parent))
    except OSError:
        return []
    for entry in entries:
        match = _OWNER.match(entry.name)
        if match and match["name"] == out_dir.name:
            found.append((Path(entry.path), match["kind"], int(match["pid"])))
        elif entry.name.startswith(f".{out_dir.name}.{_STAGING}-") or entry.name.startswith(f".{out_dir.name}.{_RETIRED}-"):
            kind = _STAGING if f".{_STAGING}-" in entry.name else _RETIRED
            found.append((Path(entry.path), kind, None))  # an older build's name without its process id
    return found


def _alive(pid: int | None) -> bool:
    if pid is None:
        return False
    if pid == os.getpid():
        return False  # ours from an earlier build in this process (watch mode), not one in progress
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    except OverflowError:
        return False
    return True


def _remove(path: Path) -> None:
    """Delete a folder of ours; a symbolic link is unlinked, never followed."""
    try:
        if path.is_symlink() or path.is_file():
            path.unlink()
        elif path.exists():
            shutil.rmtree(path, ignore_errors=True)
    except OSError:
        pass


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_renameat2 = None
if hasattr(os, "uname") and os.uname().sysname == "Linux":
    try:
        _libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        _renameat2 = getattr(_libc, "renameat2", None)
        if _renameat2 is not None:
            _renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
            _renameat2.restype = ctypes.c_int
    except OSError:
        _renameat2 = None


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two folders; False where the platform or file system cannot."""
    if _renameat2 is None:
        return False
    if _renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EPERM):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _umask() -> int:
    """The process's umask, read without changing it where /proc allows."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (kill, an IDE's stop button) ends the build like Ctrl-C: staging removed, old deck whole."""
    previous = None
    if _main_thread() and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        yield
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back until the block is done (they are delivered after it)."""
    if not (_main_thread() and hasattr(signal, "pthread_sigmask")):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPPING)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _check_replaceable(out_dir: Path) -> None:
    if not out_dir.exists():
        return
    if not out_dir.is_dir():
        raise DeckError(out_dir, None, "the output path exists and is not a folder")
    marker = out_dir / MARKER
    if any(out_dir.iterdir()) and not (marker.is_file() and not marker.is_symlink()):
        raise DeckError(out_dir, None, "refusing to replace a folder this tool did not build", "choose an empty or new folder with --out")
    if not _writable(out_dir) or not _writable(out_dir.parent):
        raise DeckError(out_dir, None, "the output folder is read-only", "make it writable or choose another folder with --out")


def _writable(path: Path) -> bool:
    """Mode bits as well as access(): root passes access() even on a read-only folder."""
    return os.access(path, os.W_OK) and bool(path.stat().st_mode & stat.S_IWUSR)
