"""Output files: checked before any work, written atomically, never left half-written.

A match on a large table runs for minutes; an output path that cannot be written should fail
in the first second, not after the run. And a run that fails or is stopped while writing must
leave the previous output as it was, with no stray temporary file beside it. So:

- :func:`check_output_file` refuses, before the work, a path whose folder is a file, a folder
  nobody can write, a folder itself, a device or pipe, a read-only file or a symlink loop;
  :func:`check_output_folder` does the same for a folder of outputs (``demo --out``).
- :func:`write_atomically` writes a temporary file in the target's own folder, flushes it to
  disk (``fsync``) and renames it over the target (``os.replace``, atomic on POSIX). The new
  file keeps the target's mode (and owner, when allowed); a new target gets the umask's
  default, like any file a program creates. A symlink at the path is followed: its target is
  replaced and the link stays, as a shell's ``>`` would do.
- On an error, Ctrl-C or SIGTERM the temporary file is removed (SIGTERM is turned into
  ``SystemExit(143)`` while writing, when nothing else handles it). ``kill -9`` cannot be
  caught: its temporary file stays, and the next write to the same path removes it. A
  temporary file is named ``.<target name>.<host>.<pid>-<random>.tmp``, so a later run
  recognises the leftovers of a process of this host that no longer runs and leaves those
  of running writers alone.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import signal
import socket
import stat
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from .errors import DataFileError

_HOST = re.sub(r"[^A-Za-z0-9_-]", "_", socket.gethostname()) or "host"
_NO_TMPFILE = (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL)  # filesystems without O_TMPFILE
_TEMPORARY = re.compile(r"^\.(?P<name>.+)\.(?P<host>[A-Za-z0-9_-]+)\.(?P<pid>\d+)-\w+\.tmp$")


def check_output_file(path: str | Path, option: str | None = None) -> Path:
    """The file an output path will write (symlinks followed), or why it cannot be written.

    Called before any work, so a run never fails only at its end. Missing folders are fine
    (writing creates them) if the nearest existing one can be written.

    Args:
        path: the output path as the user gave it.
        option: how the user named it (``"--out"``), for the message; default "output".

    Raises:
        DataFileError: the path cannot be written; the message names the fix.
    """
    named = f"{option} {path}" if option else f"output {path}"
    given = Path(path)
    target = Path(os.path.realpath(given))
    if target.is_symlink():
        raise DataFileError(f"{named} is a symbolic link loop; point the link at a file")
    if target.is_dir():
        raise DataFileError(f"{named} is a folder; name a file inside it, e.g. {given / 'out'}")
    if target.exists():
        if not stat.S_ISREG(target.stat().st_mode):
            raise DataFileError(
                f"{named} is not a regular file (a device, pipe or socket); choose a file path"
            )
        if not os.access(target, os.W_OK):
            raise DataFileError(
                f"{named} is read-only; make it writable (chmod u+w) or choose another path"
            )
    _check_nearest_folder(target.parent, named, "choose a path in a folder")
    return target


def check_output_folder(path: str | Path, option: str | None = None) -> Path:
    """A folder for output files (made if missing), or why files cannot be written in it.

    Raises:
        DataFileError: ``path`` is a file, lies under a file, or cannot be written.
    """
    named = f"{option} {path}" if option else f"output folder {path}"
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise DataFileError(
            f"{named} is a file, not a folder; name a folder for the files (it is created "
            f"if missing)"
        )
    _check_nearest_folder(folder, named, "choose another path")
    return folder


def _check_nearest_folder(folder: Path, named: str, fix: str) -> None:
    """The nearest existing folder at or above ``folder`` (writing creates the rest) must be
    a folder that can be written."""
    existing = folder
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise DataFileError(f"{named}: {existing} is a file, not a folder; {fix}")
    _probe(existing, named)


def _probe(folder: Path, named: str) -> None:
    """Create a file in ``folder`` and remove it: the only sure test that it can be written
    (read-only mounts, ACLs, quotas and root squash all escape ``os.access``). The file has
    no name where the system allows it (``O_TMPFILE``), so no stop can leave it behind."""
    try:
        with _sigterm_raises():
            try:
                os.close(os.open(folder, os.O_TMPFILE | os.O_WRONLY, 0o600))
                return
            except (AttributeError, OSError) as error:
                if not isinstance(error, AttributeError) and error.errno not in _NO_TMPFILE:
                    raise
            descriptor, probe = _create_temporary(folder / "probe", 0o600)
            os.close(descriptor)
            probe.unlink(missing_ok=True)
    except OSError as error:
        raise _write_error(named, folder, error) from error


def write_atomically(path: str | Path, write: Callable[[IO[bytes]], None]) -> Path:
    """Write a file all at once: ``write`` fills a temporary file that then replaces ``path``.

    Returns the path written (a symlink's target when ``path`` is a link).

    Raises:
        DataFileError: the file cannot be written (full disk, no permission, ...); the
            previous file at ``path``, if any, is unchanged.
    """
    target = check_output_file(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(target)
    mode, owner = _inherited(target)
    temporary: Path | None = None
    try:
        with _sigterm_raises():
            descriptor, temporary = _create_temporary(target, 0o666 if mode is None else mode)
            with os.fdopen(descriptor, "wb") as stream:
                if owner is not None:
                    _chown(stream.fileno(), owner)
                if mode is not None:  # the existing target's mode, not reduced by the umask
                    os.fchmod(stream.fileno(), mode)
                write(stream)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, target)
            temporary = None
            _sync_folder(target.parent)
    except OSError as error:
        raise _write_error(str(path), target.parent, error) from error
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
    return target


def write_text_atomically(path: str | Path, text: str) -> Path:
    """:func:`write_atomically` for a UTF-8 text file (model files, summaries)."""
    data = text.encode("utf-8")

    def _write(stream: IO[bytes]) -> None:
        stream.write(data)

    return write_atomically(path, _write)


def remove_stale_temporaries(target: Path) -> list[Path]:
    """Remove temporary files of ``target`` left by a process of this host that is gone
    (``kill -9`` during a write); returns what was removed."""
    removed = []
    with contextlib.suppress(OSError):
        for candidate in target.parent.glob(f".{glob_escape(target.name)}.*.tmp"):
            found = _TEMPORARY.match(candidate.name)
            if not found or found["name"] != target.name or found["host"] != _HOST:
                continue
            if _process_alive(int(found["pid"])):
                continue
            candidate.unlink(missing_ok=True)
            removed.append(candidate)
    return removed


def glob_escape(name: str) -> str:
    """``name`` with glob wildcards escaped, so a file called ``a[1].csv`` is found."""
    return re.sub(r"([*?\[])", r"[\1]", name)


def _create_temporary(target: Path, mode: int) -> tuple[int, Path]:
    """A new, empty temporary file beside ``target`` (created with ``mode``, which the umask
    reduces, as for any new file)."""
    for _ in range(100):
        name = f".{target.name}.{_HOST}.{os.getpid()}-{secrets.token_hex(4)}.tmp"
        temporary = target.parent / name
        try:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
            return os.open(temporary, flags, mode), temporary
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary file name", str(target.parent))


def _inherited(target: Path) -> tuple[int | None, tuple[int, int] | None]:
    """The mode and owner the new file keeps from an existing target (``None``: a new file,
    created with 0o666 less the umask, like any file a program creates; the same owner)."""
    try:
        status = target.stat()
    except FileNotFoundError:
        return None, None
    owner = (status.st_uid, status.st_gid)
    same = owner == (os.geteuid(), os.getegid())
    return stat.S_IMODE(status.st_mode), None if same else owner


def _chown(descriptor: int, owner: tuple[int, int]) -> None:
    """Keep the replaced file's owner when allowed (root); otherwise the writer owns it."""
    with contextlib.suppress(PermissionError):
        os.fchown(descriptor, *owner)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (the folder's entry), where the system allows it."""
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


@contextlib.contextmanager
def _sigterm_raises() -> Iterator[None]:
    """While writing, SIGTERM raises ``SystemExit`` so ``finally`` removes the temporary
    file; only when nobody else handles SIGTERM, and only in the main thread (where Python
    runs signal handlers)."""
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
    ):
        yield
        return

    def _exit(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, _exit)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _write_error(what: str, folder: Path, error: OSError) -> DataFileError:
    """An OS error while writing ``what`` as a message that names the fix."""
    reason = error.strerror or str(error)
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        fix = f"free space on the disk holding {folder} or choose another path"
    elif error.errno == errno.EFBIG:
        fix = "the file is larger than this process may write (ulimit -f); raise the limit"
    elif error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        fix = f"{folder} cannot be written; choose a folder you can write to"
    else:
        fix = "check the path and the disk"
    return DataFileError(f"cannot write {what} ({reason}); {fix}")
