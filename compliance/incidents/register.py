"""The incident register: an append-only, hash-chained JSON Lines file.

Format (docs/incident-register.md): one entry per line, each line the canonical JSON of the
entry (keys sorted, no insignificant whitespace, ASCII only) followed by ``\\n``. Each entry
holds ``seq`` (1, 2, ...), ``prev`` (the previous entry's hash; 64 zeros for the first) and
``hash`` = SHA-256 of the canonical JSON of the entry without ``hash``. Editing, removing or
reordering an entry, or a torn (incomplete) last line, makes verification fail and names the
first bad line. Nothing is ever repaired silently.

Appending takes an exclusive ``fcntl`` lock on the file, re-verifies the chain under the lock,
writes one line and ``fsync``s before releasing the lock, so concurrent writers never lose an
entry and a crash can at worst leave a torn last line (detected, never dropped).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shlex
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from compliance.errors import ComplianceError, InputError
from compliance.incidents.model import (
    AmendmentEntry,
    Body,
    Entry,
    IncidentEntry,
    IncidentRecord,
    ReportEntry,
    apply_amendment,
)

GENESIS = "0" * 64
FORMAT_KEYS = frozenset({"seq", "prev", "recorded_at", "entry", "hash"})

#: The largest register read (docs/incident-register.md, "Limits"): far beyond any real register
#: (an entry is about 0.5 KiB, so this is over 100,000 entries), and small enough that verifying
#: a hostile file stays within a few hundred MB (the entries are held in memory as objects).
MAX_BYTES = 64 * 1024 * 1024
#: The longest line read as an entry; longer lines are reported, not parsed.
MAX_LINE_BYTES = 1024 * 1024

_ENTRY = TypeAdapter(Entry)
_BODY: TypeAdapter[IncidentEntry | AmendmentEntry | ReportEntry] = TypeAdapter(Body)


class RegisterError(ComplianceError):
    """The register fails verification (exit 1: a finding, not a bug)."""


def canonical(obj: Any) -> bytes:
    """The canonical JSON form: sorted keys, compact separators, ASCII only."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True,
                      allow_nan=False).encode("ascii")


def entry_hash(without_hash: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(without_hash)).hexdigest()


# --------------------------------------------------------------------------- verification


@dataclass(frozen=True)
class Problem:
    line: int
    """1-based line number of the first bad entry."""
    reason: str
    """What is wrong."""
    kind: str
    """torn | syntax | format | sequence | chain | hash | content | reference | missing | crlf | bom"""
    hint: str | None = None
    """What to do, when the cause is known (line endings, byte order mark)."""

    def format(self, path: str) -> str:
        return f"{path}:{self.line}: {self.reason} [{self.kind}]"

    def hint_for(self, path: str) -> str | None:
        """The hint with the register's path in its commands (``FILE`` in :attr:`hint`)."""
        return self.hint.replace("FILE", shlex.quote(path)) if self.hint else None

    def to_json(self, path: str = "FILE") -> dict[str, Any]:
        return {"line": self.line, "kind": self.kind, "message": self.reason, "hint": self.hint_for(path)}


@dataclass
class Chain:
    """The result of scanning register bytes."""

    entries: list[dict[str, Any]] = field(default_factory=list)
    """The raw entries of the good prefix."""
    problem: Problem | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def head(self) -> str:
        return self.entries[-1]["hash"] if self.entries else GENESIS

    @property
    def count(self) -> int:
        return len(self.entries)


_CRLF_HINT = ("add `*.jsonl -text` (or the register's own path) to .gitattributes so git leaves the file "
              "alone, then restore the original: check out the committed copy again (delete the file, then "
              "`git checkout -- FILE`), or strip the carriage returns (`sed -i 's/\\r$//' FILE`; canonical "
              "entries never contain one, so this gives back exactly the bytes written) and verify again")
_BOMS = ((b"\xef\xbb\xbf", "UTF-8"), (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"))


def _bom(data: bytes) -> Problem | None:
    """A byte order mark at the start: the register was re-saved by an editor or a shell."""
    encoding = next((name for mark, name in _BOMS if data.startswith(mark)), None)
    if encoding is None:
        return None
    if encoding == "UTF-8":
        crlf = " and Windows (CRLF) line endings" if b"}\r\n" in data[:MAX_LINE_BYTES] else ""
        return Problem(1, "the register starts with a UTF-8 byte order mark (BOM)" + crlf + ": it was "
                       "re-saved by an editor or tool (e.g. Notepad, PowerShell's Set-Content); a register "
                       "is plain ASCII and never has one", "bom",
                       "restore the file from a copy or from git; or remove the 3 BOM bytes (e.g. "
                       "`tail -c +4 FILE > FILE.new`" + (", then strip the carriage returns" if crlf else "")
                       + "), compare and move it into place, then verify again (only the BOM may differ)")
    return Problem(1, "the register is UTF-16 text (it starts with a UTF-16 byte order mark): it was re-saved "
                   "by an editor or a shell (e.g. PowerShell's `>` or Out-File); a register is plain ASCII", "bom",
                   "restore the file from a copy or from git (add `*.jsonl -text` to .gitattributes); write "
                   "entries only with `compliance incident add`")


def _crlf(data: bytes, number: int) -> Problem:
    lines = data.count(b"\n")
    if number == 1 and data.count(b"\r\n") == lines:
        return Problem(number, f"the register has Windows (CRLF) line endings (all {lines} lines end with "
                       "CR LF where the tool writes LF), probably converted by git's core.autocrlf; the "
                       "entries were not necessarily edited", "crlf", _CRLF_HINT)
    return Problem(number, "the line ends with CR LF (a Windows line ending) where the tool writes LF: it was "
                   "converted or re-saved by another tool (e.g. git's core.autocrlf, an editor)", "crlf", _CRLF_HINT)


def scan_chain(data: bytes) -> Chain:
    """Check the chain in ``data`` (pure). Stops at the first bad line.

    Lines are looked at one at a time (never split up front), and a line longer than
    :data:`MAX_LINE_BYTES` is reported without being parsed, so memory stays bounded by the size
    of the data plus one line whatever the bytes are."""
    chain = Chain()
    if not data:
        return chain
    chain.problem = _bom(data)
    if chain.problem is not None:
        return chain
    prev = GENESIS
    start, number, size = 0, 0, len(data)
    while start < size:
        number += 1
        end = data.find(b"\n", start)
        if end < 0:
            chain.problem = Problem(number, f"torn write: the last line is incomplete ({size - start} bytes, "
                                    "no line end); it is not part of the chain and was left in place", "torn")
            return chain
        if end - start > MAX_LINE_BYTES:
            chain.problem = Problem(number, f"the line is {end - start:,} bytes, longer than any register entry "
                                    f"(limit {MAX_LINE_BYTES:,}); it was not parsed", "format")
            return chain
        raw = data[start:end]
        start = end + 1
        if raw.endswith(b"}\r"):
            chain.problem = _crlf(data, number)
            return chain
        try:
            obj = json.loads(raw.decode("ascii"))
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            chain.problem = Problem(number, f"not a JSON entry ({type(exc).__name__}: {str(exc)[:80]})", "syntax")
            return chain
        if not isinstance(obj, dict) or set(obj) != FORMAT_KEYS:
            chain.problem = Problem(number, "not a register entry (expected members "
                                    f"{', '.join(sorted(FORMAT_KEYS))})", "format")
            return chain
        stored = obj["hash"]
        member = b',"hash":"' + stored.encode("ascii", "replace") + b'"' if isinstance(stored, str) else b""
        at = raw.rfind(b',"hash":"')
        if not member or at < 0 or raw[at:at + len(member)] != member or raw[:1] != b"{":
            chain.problem = Problem(number, "the line is not in the register's canonical form (it was edited "
                                    "by hand or by another tool)", "format")
            return chain
        if obj["seq"] != number or type(obj["seq"]) is not int:
            chain.problem = Problem(number, f"sequence number {repr(obj['seq'])[:40]} where {number} was expected "
                                    "(an entry was removed, inserted or moved)", "sequence")
            return chain
        if obj["prev"] != prev:
            chain.problem = Problem(number, "does not link to the previous entry (prev hash differs): "
                                    "an earlier entry was changed, removed or reordered", "chain")
            return chain
        # the hash covers the stored bytes without the hash member: for a genuine line these are
        # exactly the canonical JSON of the entry without "hash"; any other byte change shows
        if hashlib.sha256(raw[:at] + raw[at + len(member):]).hexdigest() != stored:
            chain.problem = Problem(number, "content does not match its hash: the entry was edited", "hash")
            return chain
        chain.entries.append(obj)
        prev = stored
    return chain


# --------------------------------------------------------------------------- the folded register


@dataclass
class IncidentState:
    """An incident as currently known, with its history and the reports made."""

    record: IncidentRecord
    entries: list[Entry] = field(default_factory=list)
    """Every entry about this incident, in register order."""
    reports: list[ReportEntry] = field(default_factory=list)


@dataclass
class Register:
    path: Path
    entries: list[Entry]
    head: str
    incidents: dict[str, IncidentState]

    @property
    def count(self) -> int:
        return len(self.entries)


def _content_problem(number: int, exc: ValidationError) -> Problem:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first.get("loc", ()))
    return Problem(number, f"invalid content at {where or 'entry'}: {first.get('msg')}", "content")


def fold(raw_entries: list[dict[str, Any]], path: Path) -> tuple[Register, Problem | None]:
    """Validate the content of verified entries and fold them into incidents."""
    entries: list[Entry] = []
    incidents: dict[str, IncidentState] = {}
    for number, raw in enumerate(raw_entries, 1):
        try:
            entry = _ENTRY.validate_python(raw)
        except ValidationError as exc:
            return Register(path, entries, _head(entries), incidents), _content_problem(number, exc)
        problem = _apply(incidents, entry, number)
        if problem is not None:
            return Register(path, entries, _head(entries), incidents), problem
        entries.append(entry)
    return Register(path, entries, _head(entries), incidents), None


def _head(entries: list[Entry]) -> str:
    return entries[-1].hash if entries else GENESIS


def _apply(incidents: dict[str, IncidentState], entry: Entry, number: int) -> Problem | None:
    body = entry.entry
    if isinstance(body, IncidentEntry):
        if body.record.id in incidents:
            return Problem(number, f"incident {body.record.id} is already recorded; amend it instead", "reference")
        incidents[body.record.id] = IncidentState(body.record, [entry])
        return None
    state = incidents.get(body.incident)
    if state is None:
        return Problem(number, f"refers to incident {body.incident}, which no earlier entry records", "reference")
    if isinstance(body, AmendmentEntry):
        try:
            state.record = apply_amendment(state.record, body)
        except ValidationError as exc:
            return _content_problem(number, exc)
    else:
        assert isinstance(body, ReportEntry)
        state.reports.append(body)
    state.entries.append(entry)
    return None


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
    chain = scan_chain(data)
    register, problem = fold(chain.entries, path)
    first = chain.problem if problem is None else problem
    if problem is not None and chain.problem is not None:
        first = min(problem, chain.problem, key=lambda p: p.line)
    found = None if anchor is None else any(e["hash"] == anchor for e in chain.entries[: register.count])
    return Verification(path, register.count, register.head, first, found), register


def verify(path: Path, anchor: str | None = None) -> Verification:
    """Verify the register file: chain, then content. Names the first bad line."""
    return verify_bytes(read_bytes(path), path, anchor)[0]


def load(path: Path) -> Register:
    """Read a register that must verify; raises RegisterError naming the first bad line."""
    result, register = verify_bytes(read_bytes(path), path)
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
        problem = _apply(register.incidents, entry, register.count + 1)
        if problem is not None:
            raise InputError(f"not appending: {problem.reason}")
        view = memoryview(line)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    return entry
