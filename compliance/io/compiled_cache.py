"""Compiled data: a value built from a data folder (the parsed rule set, the clocks) kept in the
user's cache directory so that the next process unpickles it instead of parsing YAML again.

Trust. Unpickling runs code named in the file, so a cache file is only read when no other user
could have written it: the cache folder is opened without following symbolic links and must be a
folder owned by the current user that neither group nor others can write (it is created 0700);
the file is opened relative to that open folder (no race with a swapped path), without following
links, and must be a regular file owned by the current user and not writable by others. A cache
in any other state is ignored (never deleted: it may not be ours) and the value is built from
the data files. On a system without user ids the cache is off.

Validity. A file is used only when its header names the exact key of this load (tool version,
source code of the package, library versions, Python version, the data folder's resolved path
and the SHA-256 of every file in it) and the SHA-256 of its payload matches (a torn or corrupt
file is rebuilt). It is written atomically (a temporary file in the same folder, renamed), and
older files for the same folder and kind are removed when a new one is written.

``COMPLIANCE_CACHE_DIR`` chooses the folder (default: ``platformdirs.user_cache_dir``); a
non-empty ``COMPLIANCE_NO_CACHE`` turns the cache off. Failures to read or write the cache are
never errors: the value is built as if there were none.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import os
import pickle
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from compliance.io.fsutil import read_fd
from compliance.version import __version__

T = TypeVar("T")

CACHE_ENV = "COMPLIANCE_CACHE_DIR"
OFF_ENV = "COMPLIANCE_NO_CACHE"
_MAGIC = b"compliance-compiled 1\n"
#: A data file larger than this is not digested (the loader reports it); a cache file larger than
#: this is not read.
_MAX_DATA_FILE = 8 * 1024 * 1024
_MAX_CACHE_FILE = 256 * 1024 * 1024


def cache_folder() -> Path | None:
    """Where compiled data lives, or None when the cache is off."""
    if os.environ.get(OFF_ENV) or not hasattr(os, "getuid"):
        return None
    chosen = os.environ.get(CACHE_ENV)
    if chosen:
        return Path(chosen) / "compiled"
    import platformdirs

    return Path(platformdirs.user_cache_dir("compliance", appauthor=False)) / "compiled"


@functools.cache
def code_digest() -> str:
    """SHA-256 of the package's source, once per process: a pickled object is only valid for the
    classes that made it, a pack for the code that rendered it, and a source checkout changes
    both without changing the version."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _libraries() -> str:
    versions = []
    for name in ("pydantic", "pydantic_core", "yaml"):
        module = sys.modules.get(name)
        versions.append(f"{name}={getattr(module, '__version__', getattr(module, 'VERSION', '?'))}")
    return ",".join(versions)


def data_digest(root: Path) -> str | None:
    """SHA-256 over the relative path and bytes of every file below ``root`` (symbolic links
    followed, as the loaders' globs do); None when one cannot be read, is larger than the limit
    or is not a regular file (the loader then reports it)."""
    digest = hashlib.sha256()
    prefix = len(str(root)) + 1
    try:
        for path in _files(root):
            with open(path, "rb") as handle:
                data = handle.read(_MAX_DATA_FILE + 1)
            if len(data) > _MAX_DATA_FILE:
                return None
            digest.update(path[prefix:].encode() + b"\0" + len(data).to_bytes(8, "big") + data)
    except (OSError, _NotRegular):
        return None
    return digest.hexdigest()


class _NotRegular(Exception):
    pass


def _files(root: Path) -> list[str]:
    """Every file below ``root``, sorted; a FIFO, device or socket raises :class:`_NotRegular`."""
    found: list[str] = []
    seen: set[tuple[int, int]] = set()
    stack = [str(root)]
    while stack:
        folder = stack.pop()
        info = os.stat(folder)
        if (info.st_dev, info.st_ino) in seen:
            continue
        seen.add((info.st_dev, info.st_ino))
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir():
                    stack.append(entry.path)
                elif entry.is_file():
                    found.append(entry.path)
                else:  # FIFO, device, socket, dangling link: no cache, the loader reports it
                    raise _NotRegular(entry.path)
    return sorted(found)


def _key(kind: str, root: Path, data: str) -> str:
    parts = [kind, __version__, code_digest(), _libraries(), sys.version, str(root.resolve()), data]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _open_folder(folder: Path) -> int | None:
    """A descriptor of ``folder`` if it is ours and private (created 0700 when missing)."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    info = os.fstat(fd)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o022:
        os.close(fd)
        return None
    return fd


def _read(folder_fd: int, name: str, key: str) -> object | None:
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0), dir_fd=folder_fd)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if (not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o022
                or info.st_size > _MAX_CACHE_FILE):
            return None
        raw = read_fd(fd, _MAX_CACHE_FILE + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    header = _MAGIC + key.encode() + b"\n"
    if not raw.startswith(header):
        return None
    checksum, payload = raw[len(header):len(header) + 64], raw[len(header) + 65:]
    if hashlib.sha256(payload).hexdigest().encode() != checksum:
        return None
    collecting = gc.isenabled()
    gc.disable()  # unpickling makes many objects at once: no collection passes over them meanwhile
    try:
        value: object = pickle.loads(payload)  # noqa: S301 - a file only this user can have written, see above
        return value
    except Exception:  # noqa: BLE001 - any unpickling failure means: rebuild
        return None
    finally:
        if collecting:
            gc.enable()


def _write(folder_fd: int, name: str, prefix: str, key: str, value: object) -> None:
    try:
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - an unpicklable value is simply not cached
        return
    data = _MAGIC + key.encode() + b"\n" + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload
    temporary = f".{name}.{os.getpid()}.tmp"
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600, dir_fd=folder_fd)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        os.replace(temporary, name, src_dir_fd=folder_fd, dst_dir_fd=folder_fd)
        for other in os.listdir(folder_fd):
            if other.startswith(prefix) and other != name and other.endswith(".pickle"):
                os.unlink(other, dir_fd=folder_fd)
    except OSError:
        try:
            os.unlink(temporary, dir_fd=folder_fd)
        except OSError:
            pass


_MEMO: dict[str, object] = {}


def load_compiled(kind: str, root: Path, build: Callable[[], T], expected: type[T]) -> T:
    """The value ``build()`` makes from the data folder ``root``: the one this process already
    has for the same data, else a valid, trusted compiled copy from the cache (see the module
    docstring), else built (and stored). Only ``build`` reads the data when the digest of the
    folder cannot be taken (an unreadable or special file: the loader reports it)."""
    data = data_digest(root)
    if data is None:
        return build()
    key = _key(kind, root, data)
    remembered = _MEMO.get(key)
    if isinstance(remembered, expected):
        return remembered
    value = _from_cache(kind, root, key, build, expected)
    _MEMO[key] = value
    return value


def _from_cache(kind: str, root: Path, key: str, build: Callable[[], T], expected: type[T]) -> T:
    folder = cache_folder()
    folder_fd = _open_folder(folder) if folder is not None else None
    if folder_fd is None:
        return build()
    try:
        prefix = f"{kind}-{hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]}-"
        name = f"{prefix}{key[:32]}.pickle"
        value = _read(folder_fd, name, key)
        if isinstance(value, expected):
            return value
        built = build()
        _write(folder_fd, name, prefix, key, built)
        return built
    finally:
        os.close(folder_fd)
