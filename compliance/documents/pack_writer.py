"""Writing audit packs into the output folder without ever losing a file the user put there.

A pack folder ``<out>/<system id>/`` belongs to the user as much as to the tool: people drop a
hand-signed declaration or their own notes next to the generated documents. The writer therefore
owns exactly the files that the folder's previous ``manifest.json`` lists (plus, after an
interrupted build, those its pending journal lists) and the files it writes now. Every other file
and subfolder is never opened, moved or deleted; the build reports them once ("kept 1 file not
written by compliance: signed.pdf"). A folder that exists, is not empty and holds no manifest
written by compliance for this system is refused (:class:`PackTargetError`, exit code 2: the
command line points the build at a folder it must not write, nothing is wrong with the
descriptor).

Guarantees of :func:`commit_pack`:

* **User files.** Files and folders the writer does not own are left as they are, at every
  moment of a build, including a build killed half-way. (The one overlap: a file the user put
  under a name the pack writes now is that pack file, as the pack's index and manifest say.)
* **Whole pack, new folder.** When the pack folder does not exist yet, the complete pack
  (manifest included) is written in a staging folder next to it and renamed into place: a reader
  sees no folder, then the whole pack.
* **Existing pack.** Each file is replaced atomically (``os.replace`` of a complete, fsynced
  file): a reader never sees a truncated file. ``manifest.json`` is the commit record: it is
  removed before the first file is replaced and written last, so whenever it is present, every
  file it lists is there with the listed SHA-256. A reader that opens files while a build runs
  can see a mix of previous and new documents, but never together with a manifest.
* **Failure.** A build that raises before its manifest is in place puts the previous files back
  (they are hard-linked, or copied where links are not supported, before being replaced), so
  a failed build leaves the previous pack as it was. Rendering happens before anything in the
  output folder is touched.
* **Kill.** Before the first file is replaced, a journal (``.compliance-pending.json``) naming
  every file of the previous and the new pack is written into the pack folder. A build killed
  at any point leaves either the previous pack, the new pack, or a folder with that journal,
  which the next build treats as its own and completes. Files that no longer belong to the pack
  (a document that no longer applies) are removed at the build that drops them.
* **Stale staging folders.** Staging folders are named ``.<system id>.<pid>.<random>.tmp`` and
  are locked (``flock``) by the build that made them, for as long as it runs. A build removes
  such folders when no process holds their lock and their pid is not alive on this host, so
  folders of concurrent builds (``build --jobs``, other processes, other containers sharing the
  folder) are left alone. A reused pid only delays the clean-up; it never removes a live build's
  folder.
* **Concurrent builds.** Builds of different systems use different staging and pack folders.
  Two builds of the same system are serialised by a lock on the pack folder.
* **Unchanged pack.** A build whose inputs match the manifest's, with every listed file intact
  and no journal in the folder, writes nothing at all (:mod:`compliance.documents.pack_inputs`):
  the pack, its manifest and the user's files stay as they are.

The top-level ``index.html`` (:func:`write_packs_index`) lists every pack present in the output
folder, read from each pack's manifest, and is replaced atomically.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from compliance.documents.pack_staging import BACKUP_DIR as _BACKUP_DIR
from compliance.documents.pack_staging import lock as _lock
from compliance.documents.pack_staging import locked_dir as _locked_dir
from compliance.documents.pack_staging import remove_stale_staging
from compliance.errors import UsageError
from compliance.io.fsutil import replace_atomically

MANIFEST = "manifest.json"
INDEX = "index.html"
JOURNAL = ".compliance-pending.json"
PACKS_INDEX_TEMPLATE = "base/packs-index.html.j2"
#: The marker by which a build recognises the top-level index it may replace.
GENERATOR_MARKER = b'<meta name="generator" content="compliance">'

#: Names the writer ever writes into a pack folder (system and model ids share this pattern).
#: Paths of pack files: a name, or a name in at most two levels of subfolders
#: (``release/public/x.pdf``); no segment can be ``..`` or hidden.
_PACK_PATH = re.compile(r"^(?:[A-Za-z0-9][A-Za-z0-9._-]*/){0,2}[A-Za-z0-9][A-Za-z0-9._-]*$")
#: Temporary files of :func:`replace_file` for the journal in a pack folder.
_JOURNAL_TMP = re.compile(r"^\.compliance-pending\.json\.[0-9]+\.[a-z0-9_]{8}\.tmp$")

Report = Callable[[str], None]


class PackTargetError(UsageError):
    """The pack folder cannot be written without touching files compliance did not write."""


@dataclass(frozen=True)
class CommitResult:
    path: Path
    kept: tuple[str, ...]
    """Entries of the pack folder the writer does not own, left untouched (folders end in /)."""


def kept_message(kept: tuple[str, ...] | list[str]) -> str:
    """``kept 1 file not written by compliance: signed.pdf`` (folders are counted apart)."""
    files = [k for k in kept if not k.endswith("/")]
    folders = [k for k in kept if k.endswith("/")]
    counts = [f"{len(items)} {noun}{'' if len(items) == 1 else 's'}"
              for items, noun in ((files, "file"), (folders, "folder")) if items]
    return f"kept {' and '.join(counts)} not written by compliance: {', '.join(kept)}"


# ---------------------------------------------------------------------------------------------
# ownership


def read_json(path: Path) -> object:
    """The parsed file, ``None`` when absent, ``...`` when present but not JSON."""
    try:
        return json.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return ...


def _names(values: object) -> set[str] | None:
    """The pack file names in a manifest's or journal's list (anything else: ``None``)."""
    if not isinstance(values, list):
        return None
    out: set[str] = set()
    for value in values:
        name = value.get("path") if isinstance(value, dict) else value
        if not isinstance(name, str):
            return None
        if _PACK_PATH.match(name):  # no `..`, no absolute path: a crafted manifest cannot reach outside
            out.add(name)
    return out


def record_names(data: object, system_id: str) -> tuple[set[str] | None, str | None]:
    """(file names, problem) of a manifest or journal: names when compliance wrote it for
    ``system_id``, otherwise a short reason."""
    if not isinstance(data, dict):
        return None, "is not a compliance manifest"
    tool = data.get("tool")
    if not isinstance(tool, dict) or tool.get("name") != "compliance":
        return None, "was not written by compliance"
    system = data.get("system")
    other = system.get("id") if isinstance(system, dict) else None
    if other != system_id:
        return None, f"belongs to system {other!r}, not {system_id!r}"
    names = _names(data.get("files"))
    if names is None:
        return None, "has no valid file list"
    return names, None


def _refuse(target: Path, why: str) -> PackTargetError:
    return PackTargetError(
        f"{target} is not an audit pack compliance built ({why}); nothing was written to it",
        "move its files elsewhere, or choose another output folder with -o: a pack folder must "
        "be missing, empty, or a pack that compliance built for this system",
    )


def owned_names(target: Path, system_id: str) -> set[str] | None:
    """Names in ``target`` that the writer owns; ``None`` when ``target`` does not exist.

    Raises :class:`PackTargetError` when ``target`` is not a folder, or is a non-empty folder
    without a manifest (or pending journal) that compliance wrote for ``system_id``.
    """
    if not os.path.lexists(target):
        return None
    if not target.is_dir():
        raise _refuse(target, "it is a file, not a folder")
    entries = {e.name for e in os.scandir(target)}
    leftovers = {n for n in entries if _JOURNAL_TMP.match(n)}  # a journal write was killed
    owned: set[str] = set(leftovers)
    found = False
    for record in (MANIFEST, JOURNAL):
        data = read_json(target / record)
        if data is None:
            continue
        names, problem = record_names(data, system_id)
        if names is None:
            raise _refuse(target, f"its {record} {problem}")
        owned |= names | {record}
        found = True
    if not found and entries - leftovers:
        raise _refuse(target, "it has no manifest.json written by compliance and is not empty")
    return owned


def prepare_target(out_dir: Path, system_id: str) -> None:
    """Before rendering: create ``out_dir``, clear stale staging folders, and refuse early a
    pack folder the build may not write (checked again when the pack is committed)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(out_dir)
    owned_names(out_dir / system_id, system_id)


# ---------------------------------------------------------------------------------------------
# commit


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def replace_file(path: Path, data: bytes) -> None:
    """Write ``path`` atomically (a complete, fsynced file renamed over it), world-readable like
    the pack's own files."""
    replace_atomically(path, data, mode=0o644,  # noqa: S103 - packs are meant to be readable
                       prefix=f".{path.name.lstrip('.')}.{os.getpid()}.")


def is_plain_file(path: Path) -> bool:
    try:
        return path.is_file() and not path.is_symlink()
    except OSError:
        return False


def _subfolders_safe(target: Path, name: str, *, create: bool) -> bool:
    """Whether every folder between ``target`` and the pack file ``name`` is a real folder (no
    symbolic link could lead a write or a check outside the pack); with ``create``, missing
    folders are made, and a file or link where a folder belongs raises PackTargetError."""
    current = target
    for part in name.split("/")[:-1]:
        current = current / part
        if not os.path.lexists(current):
            if not create:
                return False
            current.mkdir(mode=0o755)
            continue
        if current.is_symlink() or not current.is_dir():
            if create:
                raise PackTargetError(
                    f"{current} is not a plain folder, and the pack writes {name} there",
                    "rename or move it; compliance writes only into folders it can see are plain folders")
            return False
    return True


def _backup(source: Path, backup: Path) -> None:
    backup.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, backup)
    except OSError:
        shutil.copy2(source, backup)


def _merge(staging: Path, target: Path, system_id: str, names: list[str]) -> tuple[str, ...]:
    """Move the staged files into the existing pack folder ``target`` (see the module docstring
    for the order and what it guarantees); return the entries kept for the user."""
    owned = owned_names(target, system_id) or set()
    new = set(names)
    for name in sorted(new):
        _subfolders_safe(target, name, create=True)
        if os.path.lexists(target / name) and (target / name).is_dir():
            raise PackTargetError(
                f"{target / name} is a folder where the pack writes the file {name}",
                "rename or move that folder; compliance does not replace folders")
    obsolete = sorted(n for n in owned - new - {JOURNAL}
                      if _subfolders_safe(target, n, create=False) and is_plain_file(target / n))
    journal = {"tool": {"name": "compliance"}, "system": {"id": system_id},
               "files": sorted((owned | new) - {JOURNAL})}
    previous_journal = (target / JOURNAL).read_bytes() if JOURNAL in owned else None
    replace_file(target / JOURNAL, (json.dumps(journal, indent=2) + "\n").encode("utf-8"))
    backup = staging / _BACKUP_DIR
    backup.mkdir()
    saved: list[str] = []
    placed: list[str] = []
    committed = False
    try:
        for name in sorted(new | set(obsolete)):
            if is_plain_file(target / name):
                _backup(target / name, backup / name)
                saved.append(name)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(target / MANIFEST)  # withdrawn until the new pack is complete
        for name in sorted(new - {MANIFEST}):
            os.replace(staging / name, target / name)
            placed.append(name)
        for name in obsolete:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(target / name)
            for parent in list((target / name).relative_to(target).parents)[:-1]:
                with contextlib.suppress(OSError):  # emptied by this build: gone; else kept
                    (target / parent).rmdir()
        _fsync_dir(target)
        os.replace(staging / MANIFEST, target / MANIFEST)
        committed = True
        _fsync_dir(target)
    except BaseException:
        if not committed:
            for name in placed:
                if name not in saved:
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(target / name)
            for name in saved:
                os.replace(backup / name, target / name)
            if previous_journal is not None:  # a killed build's: still needed
                replace_file(target / JOURNAL, previous_journal)
            else:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(target / JOURNAL)
            _fsync_dir(target)
        raise
    with contextlib.suppress(OSError):  # the pack is complete; a left journal is harmless
        os.unlink(target / JOURNAL)
    tops = {name.split("/", 1)[0] for name in new}
    return tuple(sorted(
        f"{e.name}/" if e.is_dir(follow_symlinks=False) else e.name
        for e in os.scandir(target) if e.name not in tops and e.name != JOURNAL
    ))


def commit_pack(out_dir: Path, system_id: str, files: Mapping[str, bytes]) -> CommitResult:
    """Write ``files`` (every pack file, ``manifest.json`` included) as the pack
    ``out_dir/<system_id>``, keeping every file the writer does not own. See the module
    docstring for what is guaranteed."""
    if MANIFEST not in files:
        raise ValueError("a pack needs its manifest")
    bad = sorted(n for n in files if not _PACK_PATH.match(n))
    if bad:
        raise ValueError(f"not a pack file name: {', '.join(bad)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / system_id
    staging = Path(tempfile.mkdtemp(prefix=f".{system_id}.{os.getpid()}.", suffix=".tmp",
                                    dir=out_dir))
    fd = os.open(staging, os.O_RDONLY | os.O_DIRECTORY)
    try:
        _lock(fd, wait=False)  # held until this build ends: the folder is in use
        os.chmod(staging, 0o755)  # noqa: S103 - the pack folder is meant to be world-readable, like any output
        for name, data in sorted(files.items()):
            _write_file(staging / name, data)
        _fsync_dir(staging)
        if not os.path.lexists(target):
            try:
                os.rename(staging, target)
            except OSError:
                pass  # created meanwhile (another build of this system): merge into it
            else:
                _fsync_dir(out_dir)
                return CommitResult(target, ())
        owned_names(target, system_id)  # refuse before locking a folder that is not a pack
        with _locked_dir(target):
            kept = _merge(staging, target, system_id, sorted(files))
        return CommitResult(target, kept)
    finally:
        if os.path.lexists(staging):
            shutil.rmtree(staging, ignore_errors=True)
        os.close(fd)
