"""File access at the edges: atomic writes (a reader never sees a half-written file) and bounded
reads of input files (:func:`read_input`)."""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from pathlib import Path

from compliance.errors import InputError, UsageError


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename. The
    file gets the permissions a plain ``open(path, "w")`` would (0666 less the umask), not the
    temporary file's private 0600.

    ``path`` must be a regular file or not exist: the rename would replace a FIFO, a device (as
    root, ``-o /dev/null`` would replace the device node) or a symbolic link (``/dev/stdout``)
    instead of writing into it, so these are refused, like a path that cannot be written, with a
    :class:`~compliance.errors.UsageError` (exit 2)."""
    _check_destination(path)
    try:
        _atomic_write(path, data)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}",
                         "check that the folder can be written and has space") from None


def _check_destination(path: Path) -> None:
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}", "check the path") from None
    kind = "a symbolic link" if stat.S_ISLNK(info.st_mode) else file_kind(info.st_mode)
    if kind is not None:
        raise UsageError(f"{path}: is {kind}, not a regular file (output is written to regular files only)",
                         "name a regular file, or leave out the output option to print to standard output")


def replace_atomically(path: Path, data: bytes, *, mode: int | None = None,
                       prefix: str | None = None) -> None:
    """Write ``data`` to a temporary file beside ``path`` (named ``prefix``…``.tmp``), ``fsync``
    it and rename it over ``path``: a reader sees the old file or the new one, never a part.
    ``mode`` defaults to what a plain ``open(path, "w")`` would give (0666 less the umask)."""
    fd, tmp = tempfile.mkstemp(prefix=prefix or f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode if mode is not None else 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    replace_atomically(path, data)


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


# --------------------------------------------------------------------------- bounded reads
#
# Every file that comes in (descriptors, registers, model cards, entry files, rule data) is read
# through :func:`read_input`: it refuses what is not a regular file *before* opening it for
# reading (a FIFO would block forever, /dev/zero never ends), opens without blocking and checks
# the opened descriptor again (a FIFO swapped in after the check cannot block either), and reads
# at most ``limit + 1`` bytes, so memory stays bounded whatever the path names.

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)
_CHUNK = 1 << 20


class UnreadableFileError(UsageError):
    """A file named as input is missing, unreadable or not a regular file (exit 2)."""

    def __init__(self, path: Path, reason: str, hint: str | None, kind: str) -> None:
        super().__init__(f"{path}: {reason}", hint)
        self.path = path
        self.reason = reason
        self.kind = kind
        """``missing`` | ``not-regular`` | ``unreadable``"""


class InputTooLargeError(InputError):
    """A file is larger than the limit for its kind (exit 1: the input is invalid)."""

    def __init__(self, path: Path, what: str, limit: int) -> None:
        self.reason = f"the {what} is larger than {limit:,} bytes, the limit for this kind of file"
        super().__init__(f"{path}: {self.reason}", "check that the path names the file you meant: one this "
                         "large is almost certainly not one (README, section Limits, lists the limits)")
        self.path = path
        self.limit = limit


def file_kind(mode: int) -> str | None:
    """What a non-regular file is ("a FIFO (named pipe)", ...), or None for a regular file."""
    for test, name in _KINDS:
        if test(mode):
            return name
    return None if stat.S_ISREG(mode) else "not a regular file"


def _not_regular(path: Path, kind: str, what: str) -> UnreadableFileError:
    if kind == "a directory":
        hint = f"name the {what} inside the folder, not the folder itself"
    else:
        hint = (f"give the path of a regular file holding the {what}; compliance does not read "
                "pipes, devices or sockets (write the content to a file first)")
    return UnreadableFileError(path, f"is {kind}, not a regular file", hint, "not-regular")


def _os_error(path: Path, exc: OSError, what: str) -> UnreadableFileError:
    if isinstance(exc, FileNotFoundError):
        return UnreadableFileError(path, f"the {what} does not exist", "check the path", "missing")
    if isinstance(exc, IsADirectoryError):
        return _not_regular(path, "a directory", what)
    return UnreadableFileError(path, f"cannot read the {what}: {exc.strerror or exc}",
                               "check the path and the file's permissions", "unreadable")


def open_regular(path: Path, what: str = "file") -> int:
    """A read-only descriptor of ``path``, which must be a regular file (checked with ``stat``
    before opening and with ``fstat`` after). Raises :class:`UnreadableFileError`."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise _os_error(path, exc, what) from None
    kind = file_kind(info.st_mode)
    if kind is not None:
        raise _not_regular(path, kind, what)
    flags = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
             | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise _os_error(path, exc, what) from None
    try:
        kind = file_kind(os.fstat(fd).st_mode)
    except OSError as exc:
        os.close(fd)
        raise _os_error(path, exc, what) from None
    if kind is not None:
        os.close(fd)
        raise _not_regular(path, kind, what)
    return fd


def read_fd(fd: int, limit: int) -> bytes:
    """At most ``limit`` bytes from ``fd`` (fewer at end of file). One ``read`` normally returns
    the whole of a regular file, so the data is held once (no chunks joined into a copy)."""
    chunks: list[bytes] = []
    remaining = limit
    while remaining > 0:
        try:
            chunk = os.read(fd, remaining)
        except BlockingIOError:  # pragma: no cover - regular files never block
            break
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def read_input(path: Path, limit: int, *, what: str = "file") -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them.

    Raises :class:`UnreadableFileError` (a :class:`~compliance.errors.UsageError`, exit 2) when
    the file is missing, unreadable or not a regular file (directory, FIFO, device, socket), and
    :class:`InputTooLargeError` (an :class:`~compliance.errors.InputError`, exit 1) when it holds
    more than ``limit`` bytes. ``what`` names the file in messages ("descriptor", ...).
    """
    fd = open_regular(path, what)
    try:
        try:
            data = read_fd(fd, limit + 1)
        except OSError as exc:
            raise _os_error(path, exc, what) from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise InputTooLargeError(path, what, limit)
    return data


def read_prefix(path: Path, size: int, *, what: str = "file") -> bytes:
    """The first ``size`` bytes of the regular file ``path`` (see :func:`open_regular`)."""
    fd = open_regular(path, what)
    try:
        try:
            return read_fd(fd, size)
        except OSError as exc:
            raise _os_error(path, exc, what) from None
    finally:
        os.close(fd)


def sha256_file(path: Path, *, what: str = "file") -> str:
    """SHA-256 (hex) of the regular file ``path``, streamed in chunks (memory stays flat for any
    size; see :func:`open_regular` for what is refused)."""
    digest = hashlib.sha256()
    fd = open_regular(path, what)
    try:
        while True:
            try:
                chunk = os.read(fd, _CHUNK)
            except OSError as exc:
                raise _os_error(path, exc, what) from None
            if not chunk:
                break
            digest.update(chunk)
    finally:
        os.close(fd)
    return digest.hexdigest()
