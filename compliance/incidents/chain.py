"""The register's chain format, read without trusting it: canonical JSON, entry hashes, and the
line-by-line scan that checks sequence numbers and hashes and names the first bad line (a CRLF
or byte-order-mark conversion is named as such). :mod:`compliance.incidents.register` folds
the scanned entries into incidents and appends new ones.
"""

from __future__ import annotations

import hashlib
import json
import shlex
from dataclasses import dataclass, field
from typing import Any

GENESIS = "0" * 64
FORMAT_KEYS = frozenset({"seq", "prev", "recorded_at", "entry", "hash"})

#: The largest register read (docs/incident-register.md, "Limits"): far beyond any real register
#: (an entry is about 0.5 KiB, so this is over 100,000 entries), and small enough that verifying
#: a hostile file stays within a few hundred MB (the entries are held in memory as objects).
MAX_BYTES = 64 * 1024 * 1024
#: The longest line read as an entry; longer lines are reported, not parsed.
MAX_LINE_BYTES = 1024 * 1024

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


