"""The incident register: an append-only, hash-chained JSON Lines file.

Format (docs/incident-register.md): one entry per line, each line the canonical JSON of the
entry (keys sorted, no insignificant whitespace, ASCII only) followed by ``\\n``. Each entry
holds ``seq`` (1, 2, ...), ``prev`` (the previous entry's hash; 64 zeros for the first) and
``hash`` = SHA-256 of the canonical JSON of the entry without ``hash``. Editing, removing or
reordering an entry, or a torn (incomplete) last line, makes verification fail and names the
first bad line. Nothing is ever repaired silently.

Reading verifies and validates in one pass over the bytes, line by line (the chain checks of
:class:`~compliance.incidents.chain.ChainReader`, then the content), and keeps compact copies of
the entries (:mod:`compliance.incidents.state`), folded into incidents as they come.

Appending takes an exclusive ``fcntl`` lock on the file, re-verifies the chain under the lock,
writes one line and ``fsync``s before releasing the lock, so concurrent writers never lose an
entry and a crash can at worst leave a torn last line (detected, never dropped).
"""

from __future__ import annotations

import datetime as dt
import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from compliance.errors import ComplianceError, InputError
from compliance.incidents.chain import (  # re-exported: the register's format
    FORMAT_KEYS as FORMAT_KEYS,
)
from compliance.incidents.chain import (
    GENESIS as GENESIS,
)
from compliance.incidents.chain import (
    MAX_BYTES as MAX_BYTES,
)
from compliance.incidents.chain import (
    MAX_LINE_BYTES as MAX_LINE_BYTES,
)
from compliance.incidents.chain import (
    Chain as Chain,
)
from compliance.incidents.chain import ChainReader
from compliance.incidents.chain import (
    Problem as Problem,
)
from compliance.incidents.chain import (
    canonical as canonical,
)
from compliance.incidents.chain import (
    entry_hash as entry_hash,
)
from compliance.incidents.chain import (
    scan_chain as scan_chain,
)
from compliance.incidents.model import (
    AmendmentEntry,
    Body,
    Entry,
    IncidentEntry,
    ReportEntry,
    Timestamp,
)
from compliance.incidents.state import (
    Amendment,
    Logged,
    Report,
    Reported,
    kept,
)
from compliance.incidents.state import (  # re-exported: what a register holds
    IncidentState as IncidentState,
)

_ENTRY = TypeAdapter(Entry)
_BODY: TypeAdapter[IncidentEntry | AmendmentEntry | ReportEntry] = TypeAdapter(Body)
_TIMESTAMP: TypeAdapter[dt.datetime] = TypeAdapter(Timestamp)
# the validators themselves, without the adapters' per-call wrapper (read for every line)
_validate_body = _BODY.validator.validate_python
_validate_timestamp = _TIMESTAMP.validator.validate_python


class RegisterError(ComplianceError):
    """The register fails verification (exit 1: a finding, not a bug)."""


# --------------------------------------------------------------------------- the folded register


@dataclass
class Register:
    path: Path
    entries: list[Logged]
    head: str
    incidents: dict[str, IncidentState]

    @property
    def count(self) -> int:
        return len(self.entries)


def _content_problem(number: int, exc: ValidationError, prefix: tuple[str, ...] = ()) -> Problem:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in (*prefix, *first.get("loc", ())))
    return Problem(number, f"invalid content at {where or 'entry'}: {first.get('msg')}", "content")


def _validated(number: int, raw: dict[str, Any]) -> Logged | Problem:
    """A verified raw entry, validated as :class:`~compliance.incidents.model.Entry` and kept
    compactly. ``seq``, ``prev`` and ``hash`` passed the chain checks (they are the line number
    and SHA-256 hex digests), so only ``recorded_at`` and ``entry`` can fail, in this order, and
    they are validated on their own: the first error is the one the whole model names first."""
    try:
        recorded_at = _validate_timestamp(raw["recorded_at"])
    except ValidationError as exc:
        return _content_problem(number, exc, ("recorded_at",))
    try:
        body = _validate_body(raw["entry"])
    except ValidationError as exc:
        return _content_problem(number, exc, ("entry",))
    return Logged(raw["seq"], recorded_at, raw["hash"], kept(body))


def _head(entries: list[Logged]) -> str:
    return entries[-1].hash if entries else GENESIS


def _apply(incidents: dict[str, IncidentState], entry: Logged, number: int) -> Problem | None:
    body = entry.entry
    if isinstance(body, Reported):
        if body.record.id in incidents:
            return Problem(number, f"incident {body.record.id} is already recorded; amend it instead", "reference")
        incidents[body.record.id] = IncidentState(body.record, [entry])
        return None
    state = incidents.get(body.incident)
    if state is None:
        return Problem(number, f"refers to incident {body.incident}, which no earlier entry records", "reference")
    if isinstance(body, Amendment):
        try:
            state.record = state.record.changed(body.changes)
        except ValidationError as exc:
            return _content_problem(number, exc)
    else:
        assert isinstance(body, Report)
        state.reports.append(body)
    state.entries.append(entry)
    return None


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a register is read. Reading makes many small objects
    and no cycles, and each collection meanwhile would walk all of them again (at 100,000
    entries that was most of the time). Afterwards the new objects go straight to the oldest
    generation (``gc.freeze`` then ``gc.unfreeze``), where only the rare full collections look
    at them, instead of being walked by the next young collection, unless the process froze
    objects of its own, which must stay frozen."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        gc.enable()


def read_bytes(path: Path) -> bytes:
    """The register's bytes (at most :data:`MAX_BYTES`; see :func:`compliance.io.fsutil.read_input`).
    A missing register is a finding (RegisterError, exit 1): it is never treated as empty. One
    that is not a regular file or cannot be read is a usage error (exit 2); one over the limit
    an InputError (exit 1)."""
    from compliance.io.fsutil import UnreadableFileError, read_input

    try:
        return read_input(path, MAX_BYTES, what="incident register")
    except UnreadableFileError as exc:
        if exc.kind != "missing":
            raise
        raise RegisterError(f"{path}: the incident register does not exist",
                            "record the first incident with `compliance incident add`, or create an empty "
                            "file if none has occurred; a missing register is never treated as empty") from None


@dataclass(frozen=True)
class Verification:
    path: Path
    count: int
    """Entries that verify (the good prefix)."""
    head: str
    """Hash of the last good entry."""
    problem: Problem | None
    anchor_found: bool | None = None
    """Whether an expected head hash (--head) occurs in the chain; None when none was given."""

    @property
    def ok(self) -> bool:
        return self.problem is None and self.anchor_found is not False

    def to_json(self) -> dict[str, Any]:
        problems = [self.problem.to_json(str(self.path))] if self.problem else []
        if self.anchor_found is False:
            problems.append({"line": None, "kind": "anchor", "hint": None, "message":
                             "the expected head is not in the chain (entries were removed or the register "
                             "was replaced)"})
        return {
            "register": str(self.path),
            "ok": self.ok,
            "entries": self.count,
            "head": self.head,
            "first_bad_line": self.problem.line if self.problem else None,
            "problem": self.problem.reason if self.problem else None,
            "problem_kind": self.problem.kind if self.problem else None,
            "anchor_found": self.anchor_found,
            "problems": problems,
        }


def verify_bytes(data: bytes, path: Path, anchor: str | None = None) -> tuple[Verification, Register]:
    """Verify register bytes in one pass (chain, then content, line by line) and fold the
    entries that verify into incidents. The first bad line ends the pass: the result names it,
    and the register holds the good prefix."""
    entries: list[Logged] = []
    incidents: dict[str, IncidentState] = {}
    found = None if anchor is None else False
    reader = ChainReader(data)
    problem: Problem | None = None
    with _collector_paused():
        for number, raw in reader:
            entry = _validated(number, raw)
            if isinstance(entry, Problem):
                problem = entry
                break
            problem = _apply(incidents, entry, number)
            if problem is not None:
                break
            entries.append(entry)
            if entry.hash == anchor:
                found = True
        else:
            problem = reader.problem
    register = Register(path, entries, _head(entries), incidents)
    return Verification(path, register.count, register.head, problem, found), register


def verify(path: Path, anchor: str | None = None) -> Verification:
    """Verify the register file: chain, then content. Names the first bad line."""
    return verify_bytes(read_bytes(path), path, anchor)[0]


def verify_and_load(path: Path, anchor: str | None = None) -> tuple[Verification, Register]:
    """The verification of the register file and its entries that verify, from one read: for a
    caller that shows the verification and then uses the register (rather than :func:`verify`
    and :func:`load`, which read and parse the file twice, and could see two versions of it)."""
    return verify_bytes(read_bytes(path), path, anchor)


def load(path: Path) -> Register:
    """Read a register that must verify; raises RegisterError naming the first bad line."""
    result, register = verify_and_load(path)
    if result.problem is not None:
        raise RegisterError(f"the incident register fails verification: {result.problem.format(str(path))}",
                            result.problem.hint_for(str(path)) or
                            f"run: compliance incident verify; entries 1-{result.count} verify. The register "
                            "is never repaired automatically: restore it from a copy or have the change reviewed")
    return register


# --------------------------------------------------------------------------- appending


@contextmanager
def _locked(path: Path) -> Iterator[int]:
    import fcntl

    from compliance.io.fsutil import UnreadableFileError, file_kind

    path.parent.mkdir(parents=True, exist_ok=True)
    hint = "the register must be a regular file; point incidents.path at one"
    try:
        kind, created = file_kind(os.stat(path).st_mode), False
    except FileNotFoundError:
        kind, created = None, True
    if kind is not None:  # a FIFO or device is never opened, let alone appended to
        raise UnreadableFileError(path, f"is {kind}, not a regular file", hint, "not-regular")
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND | getattr(os, "O_NONBLOCK", 0), 0o644)
    try:
        kind = file_kind(os.fstat(fd).st_mode)
        if kind is not None:
            raise UnreadableFileError(path, f"is {kind}, not a regular file", hint, "not-regular")
        fcntl.flock(fd, fcntl.LOCK_EX)
        if created:
            dir_fd = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        yield fd
    finally:
        os.close(fd)  # closing releases the lock


def _read_fd(fd: int, path: Path) -> bytes:
    from compliance.io.fsutil import InputTooLargeError

    size = os.fstat(fd).st_size
    if size > MAX_BYTES:
        raise InputTooLargeError(path, "incident register", MAX_BYTES)
    chunks, offset = [], 0
    while offset < size:
        chunk = os.pread(fd, size - offset, offset)
        if not chunk:
            break
        chunks.append(chunk)
        offset += len(chunk)
    return b"".join(chunks)


def build_line(body: dict[str, Any], seq: int, prev: str, recorded_at: dt.datetime) -> tuple[bytes, dict[str, Any]]:
    """The register line for ``body`` (already validated) at position ``seq``."""
    if recorded_at.tzinfo is None:
        raise ValueError("recorded_at must be timezone-aware")
    obj: dict[str, Any] = {
        "seq": seq,
        "prev": prev,
        "recorded_at": recorded_at.isoformat(),
        "entry": body,
    }
    obj["hash"] = entry_hash(obj)
    return canonical(obj) + b"\n", obj


def normalise_body(data: Any) -> dict[str, Any]:
    """Validate an entry body (from YAML, flags or code) into its stored JSON form."""
    try:
        model = _BODY.validate_python(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise InputError(f"invalid entry at {where or 'entry'}: {first.get('msg')}",
                         "see schemas/incident-entry.schema.json and docs/incident-register.md") from None
    return model.model_dump(mode="json", exclude_none=True)


def append(path: Path, body: Any, recorded_at: dt.datetime) -> Entry:
    """Append one entry under an exclusive lock; the chain is re-verified first and the entry is
    checked against the register (known incident, valid amendment). Returns the entry."""
    stored = normalise_body(body)
    with _locked(path) as fd:
        data = _read_fd(fd, path)
        result, register = verify_bytes(data, path)
        if result.problem is not None:
            raise RegisterError(f"not appending: the register fails verification: {result.problem.format(str(path))}",
                                result.problem.hint_for(str(path)) or
                                "run: compliance incident verify; the register is never repaired automatically")
        line, obj = build_line(stored, register.count + 1, register.head, recorded_at)
        if len(line) > MAX_LINE_BYTES:
            raise InputError(f"not appending: the entry is {len(line):,} bytes as a register line, more than "
                             f"the {MAX_LINE_BYTES:,} a register line may have", "shorten the texts of the entry")
        if len(data) + len(line) > MAX_BYTES:
            raise InputError(f"not appending: the register would exceed {MAX_BYTES:,} bytes, the limit for a "
                             "register", "start a new register file and point incidents.path at it; keep the old one")
        entry = _ENTRY.validate_python(obj)
        logged = Logged(entry.seq, entry.recorded_at, entry.hash, kept(entry.entry))
        problem = _apply(register.incidents, logged, register.count + 1)
        if problem is not None:
            raise InputError(f"not appending: {problem.reason}")
        view = memoryview(line)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    return entry
