"""Verify an audit pack as it lies on disk: its sealed manifest, every file it lists, and every
signature in the PDFs it lists (``compliance verify``; no command-line code here).

What holds when :attr:`VerifyReport.ok` is true:

* ``manifest.json`` is a compliance manifest and its seal (``manifest_sha256``, the SHA-256 of
  the manifest without the seal, :func:`compliance.documents.pack_inputs.seal`) matches;
* each listed file is a regular file inside the folder (no symbolic link is followed, neither
  the file nor a folder on its way) with the recorded size and SHA-256;
* each signature in a listed PDF is intact (the signed bytes hash to the signed digest), its
  value verifies against the signer's certificate, and it covers the whole file: nothing was
  appended after it, except later signatures that do cover the whole file;
* when trust roots are given, each signer's certificate chains to one of them (see
  :mod:`compliance.documents.signatures`: offline, at the present time).

Without trust roots a self-signed signer, or a chain that ends at a root nobody vouched for,
is a warning, not a failure. Files in the folder the manifest does not list are warnings too.

The seal is a checksum, not a signature: it shows that the manifest was not edited by hand, but
whoever can rewrite the files can also rewrite and re-seal the manifest. What authenticates a
pack is a signature from a signer that chains to a trust root given here.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from compliance.documents.pack_inputs import SEAL, json_bytes
from compliance.documents.signatures import SignatureCheck, check_signatures, load_trust_roots
from compliance.errors import ComplianceError, UsageError
from compliance.io.fsutil import file_kind, open_regular, read_fd, read_input

MANIFEST = "manifest.json"
MANIFEST_LIMIT = 64 * 1024 * 1024
PDF_LIMIT = 512 * 1024 * 1024
_CHUNK = 1 << 20


@dataclass(frozen=True)
class FileCheck:
    """One file the manifest lists."""

    path: str
    problem: str | None = None
    """The first reason the file fails, or ``None``."""
    size: int | None = None
    sha256: str | None = None
    """What the file holds (``None`` when it could not be read)."""
    signatures: tuple[SignatureCheck, ...] = ()

    @property
    def ok(self) -> bool:
        return self.problem is None

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "ok": self.ok, "problem": self.problem, "bytes": self.size,
                "sha256": self.sha256, "signatures": [s.to_json() for s in self.signatures]}


@dataclass(frozen=True)
class Failure:
    file: str
    reason: str


@dataclass(frozen=True)
class VerifyReport:
    folder: Path
    manifest_problem: str | None
    """Why ``manifest.json`` itself fails (not a manifest, bad seal), or ``None``."""
    files: tuple[FileCheck, ...] = ()
    unlisted: tuple[str, ...] = ()
    """Files in the folder that the manifest does not list (warnings)."""
    trust_roots: int = 0

    @property
    def problems(self) -> list[Failure]:
        """Every failure: the manifest's first, then the files' in the manifest's order."""
        failures = [Failure(MANIFEST, self.manifest_problem)] if self.manifest_problem else []
        return failures + [Failure(f.path, f.problem) for f in self.files if f.problem]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_failure(self) -> Failure | None:
        return next(iter(self.problems), None)

    @property
    def signatures(self) -> int:
        return sum(len(f.signatures) for f in self.files)

    @property
    def warnings(self) -> list[str]:
        out = [f"{f.path}: {s.field}: {s.warning}" for f in self.files for s in f.signatures
               if s.warning]
        return out + [f"{name}: not listed in the manifest" for name in self.unlisted]

    def to_json(self) -> dict[str, Any]:
        first = self.first_failure
        return {"pack": str(self.folder), "ok": self.ok,
                "first_failure": None if first is None else {"file": first.file,
                                                             "reason": first.reason},
                "manifest": {"ok": self.manifest_problem is None, "problem": self.manifest_problem},
                "files": [f.to_json() for f in self.files], "unlisted": list(self.unlisted),
                "signatures": self.signatures, "trust_roots": self.trust_roots,
                "warnings": self.warnings}


# --------------------------------------------------------------------------- the pack


def verify_pack(folder: Path, *, trust: Sequence[Path] = ()) -> VerifyReport:
    """Verify the audit pack in ``folder`` (see the module docstring); ``trust`` names PEM or
    DER certificate files whose certificates are the trust roots.

    Raises :class:`~compliance.errors.UsageError` (exit 2) when ``folder`` is not a folder,
    holds no ``manifest.json``, or a trust file cannot be read as certificates. Everything the
    pack gets wrong is in the report instead."""
    roots = load_trust_roots(trust)
    if not folder.is_dir():
        raise UsageError(f"{folder}: is not a folder" if folder.exists() else
                         f"{folder}: the folder does not exist",
                         "name the folder of one audit pack (the one holding manifest.json)")
    if not os.path.lexists(folder / MANIFEST):
        raise UsageError(f"{folder}: holds no {MANIFEST}, so it is not an audit pack",
                         "name the folder of one audit pack: compliance build writes one folder "
                         "per system, each with its manifest.json")
    if os.path.islink(folder / MANIFEST):
        return VerifyReport(folder, "is a symbolic link (verify never follows links)", (),
                            _unlisted(folder, set()), len(roots))
    raw = read_input(folder / MANIFEST, MANIFEST_LIMIT, what="manifest")
    entries, problem = _read_manifest(raw)
    files = tuple(_check_file(folder, entry, roots) for entry in entries)
    return VerifyReport(folder, problem, files, _unlisted(folder, {f.path for f in files}), len(roots))


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError("a key appears twice")
    return dict(pairs)


def _read_manifest(raw: bytes) -> tuple[list[dict[str, Any]], str | None]:
    """The file entries of a manifest and what is wrong with the manifest itself."""
    try:
        data = json.loads(raw, object_pairs_hook=_no_duplicates)
    except (ValueError, RecursionError) as exc:
        return [], f"is not valid JSON ({exc})"
    if not isinstance(data, dict) or not isinstance(data.get("files"), list):
        return [], "is not a compliance manifest (no list of files)"
    entries = [e if isinstance(e, dict) else {} for e in data["files"]]
    body = {k: v for k, v in data.items() if k != SEAL}
    if SEAL not in data:
        return entries, f"has no seal ({SEAL}): it was not written by compliance, or was edited"
    if data[SEAL] != hashlib.sha256(json_bytes(body)).hexdigest():
        return entries, f"does not match its seal ({SEAL}): the manifest was edited"
    return entries, None


# --------------------------------------------------------------------------- one file


def _check_file(folder: Path, entry: dict[str, Any], roots: list[Any]) -> FileCheck:
    name, digest, size = entry.get("path"), entry.get("sha256"), entry.get("bytes")
    if not isinstance(name, str) or not _safe_name(name):
        return FileCheck(str(name), "the manifest lists an invalid path (files are named "
                         "relative to the pack folder, without '..')")
    if not isinstance(digest, str) or not isinstance(size, int) or isinstance(size, bool):
        return FileCheck(name, "the manifest records no SHA-256 and size for it")
    fd, problem = _open_listed(folder, name)
    if fd is None:
        return FileCheck(name, problem)
    is_pdf = name.lower().endswith(".pdf")
    try:
        actual, length, data = _digest(fd, keep=is_pdf)
    except OSError as exc:
        return FileCheck(name, f"cannot be read: {exc.strerror or exc}")
    finally:
        os.close(fd)
    if is_pdf and data is None:
        return FileCheck(name, f"is larger than {PDF_LIMIT:,} bytes, the limit for a PDF",
                         length, actual)
    if length != size:
        problem = f"has {length:,} bytes, the manifest records {size:,} (the file was changed)"
    elif actual != digest.lower():
        problem = "its SHA-256 differs from the manifest (the file was changed)"
    signatures: tuple[SignatureCheck, ...] = ()
    if data is not None:
        signatures, unreadable = check_signatures(data, roots)
        problem = problem or unreadable or next(
            (f"signature {s.field}: {s.problem}" for s in signatures if s.problem), None)
    return FileCheck(name, problem, length, actual, signatures)


def _safe_name(name: str) -> bool:
    """A path relative to the pack folder that stays inside it."""
    return (not name.startswith("/") and "\\" not in name and "\0" not in name
            and all(part not in ("", ".", "..") for part in name.split("/")))


def _open_listed(folder: Path, name: str) -> tuple[int | None, str | None]:
    """A descriptor of the listed file, opened without following a symbolic link on the way
    (each component is checked with ``lstat``; the opened file must be the one checked)."""
    parts = name.split("/")
    current = folder
    for depth, part in enumerate(parts):
        current = current / part
        shown = "/".join(parts[:depth + 1])
        try:
            info = os.lstat(current)
        except FileNotFoundError:
            return None, "is missing"
        except OSError as exc:
            return None, f"cannot be read: {exc.strerror or exc}"
        if stat.S_ISLNK(info.st_mode):
            return None, f"{shown} is a symbolic link (verify never follows links)"
        if depth < len(parts) - 1 and not stat.S_ISDIR(info.st_mode):
            return None, f"is missing ({shown} is not a folder)"
    kind = file_kind(info.st_mode)
    if kind is not None:
        return None, f"is {kind}, not a regular file"
    try:
        fd = open_regular(current)
    except ComplianceError as exc:
        return None, getattr(exc, "reason", exc.message)
    opened = os.fstat(fd)
    if (opened.st_dev, opened.st_ino) != (info.st_dev, info.st_ino):
        os.close(fd)
        return None, "was replaced while it was being verified"
    return fd, None


def _digest(fd: int, *, keep: bool) -> tuple[str, int, bytes | None]:
    """SHA-256 and size of the open file; its bytes too when ``keep`` (``None`` past the PDF
    limit). The hash and the signatures are checked on the same bytes."""
    if keep:
        data = read_fd(fd, PDF_LIMIT + 1)
        if len(data) <= PDF_LIMIT:
            return hashlib.sha256(data).hexdigest(), len(data), data
        digest, size = hashlib.sha256(data), len(data)
    else:
        digest, size = hashlib.sha256(), 0
    while chunk := os.read(fd, _CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size, None


def _unlisted(folder: Path, listed: set[str]) -> tuple[str, ...]:
    """Entries below ``folder`` (not following links) that are neither listed nor the manifest;
    folders are entered, not reported."""
    pending, found = [("", folder)], []
    while pending:
        prefix, current = pending.pop()
        try:
            with os.scandir(current) as scan:
                entries = list(scan)
        except OSError:
            continue
        for entry in entries:
            name = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                pending.append((name + "/", Path(entry.path)))
            elif name not in listed and name != MANIFEST:
                found.append(name)
    return tuple(sorted(found))
