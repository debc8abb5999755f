"""Locks and the clean-up of staging folders that killed builds left behind (see
:mod:`compliance.documents.pack_writer` for the guarantees)."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

BACKUP_DIR = ".previous"
#: The folders a staging folder may hold: the backup, and the release renditions' folder.
_FOLDERS = frozenset({BACKUP_DIR, "release"})
_STAGING = re.compile(r"^\.(?P<id>[A-Za-z0-9][A-Za-z0-9._-]*)\.(?P<pid>[0-9]+)\.[a-z0-9_]{8}\.tmp$")
#: Temporary files of the top-level index (pack_writer.replace_file).
_INDEX_TMP = re.compile(r"^\.index\.html\.(?P<pid>[0-9]+)\.[a-z0-9_]{8}\.tmp$")


def lock(fd: int, *, wait: bool) -> bool:
    """Take an exclusive ``flock``; ``False`` when another process holds it (``wait=False``).
    Where the file system has no locks, report success: the pid check still applies."""
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    except OSError:
        return True
    return True


@contextlib.contextmanager
def locked_dir(path: Path) -> Iterator[None]:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        lock(fd, wait=True)
        yield
    finally:
        os.close(fd)


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. another user's process: alive
        return True
    return True


def _is_ours(path: Path, depth: int = 0) -> bool:
    """A staging folder holds only plain files and the writer's folders of them (the backup,
    the release renditions), a few levels deep, and no link."""
    with os.scandir(path) as entries:
        listed = list(entries)
    for entry in listed:
        if entry.is_symlink():
            return False
        if entry.is_dir(follow_symlinks=False):
            if (depth == 0 and entry.name not in _FOLDERS) or depth >= 3 or not _is_ours(Path(entry.path), depth + 1):
                return False
        elif not entry.is_file(follow_symlinks=False):
            return False
    return True


def remove_stale_staging(out_dir: Path) -> list[str]:
    """Remove staging folders (and temporary index files) left by killed builds in ``out_dir``;
    return their names.

    Only folders named like the writer's own (``.<id>.<pid>.<random>.tmp``), holding only what
    the writer puts there, whose lock no process holds and whose pid is not alive.
    """
    removed: list[str] = []
    try:
        entries = sorted(os.scandir(out_dir), key=lambda e: e.name)
    except FileNotFoundError:
        return removed
    for entry in entries:
        leftover = _INDEX_TMP.match(entry.name)
        if leftover is not None and entry.is_file(follow_symlinks=False):
            if not _pid_alive(int(leftover["pid"])):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
                    removed.append(entry.name)
            continue
        match = _STAGING.match(entry.name)
        if match is None or entry.is_symlink() or not entry.is_dir():
            continue
        path = Path(entry.path)
        try:
            fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            continue
        try:
            if not lock(fd, wait=False) or _pid_alive(int(match["pid"])) or not _is_ours(path):
                continue
            shutil.rmtree(path, ignore_errors=True)
            removed.append(entry.name)
        except OSError:
            continue
        finally:
            os.close(fd)
    return removed
