"""The register's chain format, read without trusting it: canonical JSON, entry hashes, and the
line-by-line scan that checks sequence numbers and hashes and names the first bad line (a CRLF
or byte-order-mark conversion is named as such). :mod:`compliance.incidents.register` folds
the scanned entries into incidents and appends new ones.
"""

from __future__ import annotations

import hashlib
import json
import shlex
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

GENESIS = "0" * 64
FORMAT_KEYS = frozenset({"seq", "prev", "recorded_at", "entry", "hash"})

#: The largest register read (docs/incident-register.md, "Limits"): far beyond any real register
#: (an entry is about 0.4 KiB, so this is over 150,000 entries), and small enough that verifying
#: a hostile file stays within a few hundred MB (the bytes are read whole, and the entries held
#: as compact objects, :mod:`compliance.incidents.state`: 100,000 entries take about 120 MB).
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


#: the scanner of ``json.loads``'s own decoder (``JSONDecoder()``): one JSON value from an index
_decoder: Any = json.JSONDecoder()
_scan_value: Callable[[str, int], tuple[Any, int]] = _decoder.scan_once


def _parse(text: str) -> Any:
    """``json.loads(text)``, skipping its wrapper for the usual line, a JSON object from the
    first character to the last: then the scanner's answer is the one ``json.loads`` gives.
    Anything else (an error, surrounding whitespace, extra data) goes to ``json.loads``, which
    answers or raises exactly as before."""
    if text[:1] == "{":
        try:
            value, end = _scan_value(text, 0)
        except (StopIteration, ValueError, RecursionError):
            pass
        else:
            if end == len(text):
                return value
    return json.loads(text)


def scan_chain(data: bytes) -> Chain:
    """Check the chain in ``data`` (pure) and collect the raw entries of the good prefix. Stops at
    the first bad line. :func:`compliance.incidents.register.verify_bytes` reads the same lines
    through :class:`ChainReader` without collecting them."""
    reader = ChainReader(data)
    chain = Chain([obj for _number, obj in reader])
    chain.problem = reader.problem
    return chain


class ChainReader:
    """The verified entries of register bytes, one at a time: iterating yields ``(line number,
    raw entry)`` for each line whose sequence number, link and hash check out, and stops at the
    end of the data or at the first bad line, which :attr:`problem` then names. One pass: the
    caller validates and keeps each entry as it comes, and no list of raw entries is built.

    Lines are looked at one at a time (never split up front), and a line longer than
    :data:`MAX_LINE_BYTES` is reported without being parsed, so memory stays bounded by the size
    of the data plus one line whatever the bytes are."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.problem: Problem | None = None
        """The first bad line, once iteration has stopped (None: every line verified)."""

    def __iter__(self) -> Iterator[tuple[int, dict[str, Any]]]:
        data = self.data
        if not data:
            return
        self.problem = _bom(data)
        if self.problem is not None:
            return
        limit = MAX_LINE_BYTES
        sha256, find, keys = hashlib.sha256, data.find, FORMAT_KEYS
        prev = GENESIS
        start, number, size = 0, 0, len(data)
        while start < size:
            number += 1
            end = find(b"\n", start)
            if end < 0:
                self.problem = Problem(number, f"torn write: the last line is incomplete ({size - start} bytes, "
                                       "no line end); it is not part of the chain and was left in place", "torn")
                return
            if end - start > limit:
                self.problem = Problem(number, f"the line is {end - start:,} bytes, longer than any register "
                                       f"entry (limit {limit:,}); it was not parsed", "format")
                return
            raw = data[start:end]
            start = end + 1
            if raw.endswith(b"}\r"):
                self.problem = _crlf(data, number)
                return
            try:
                obj = _parse(raw.decode("ascii"))
            except (UnicodeDecodeError, ValueError, RecursionError) as exc:
                self.problem = Problem(number, f"not a JSON entry ({type(exc).__name__}: {str(exc)[:80]})", "syntax")
                return
            if type(obj) is not dict or obj.keys() != keys:
                if not isinstance(obj, dict) or set(obj) != keys:
                    self.problem = Problem(number, "not a register entry (expected members "
                                           f"{', '.join(sorted(keys))})", "format")
                    return
            stored = obj["hash"]
            at = raw.rfind(b',"hash":"')
            member = b',"hash":"' + stored.encode("ascii", "replace") + b'"' if isinstance(stored, str) else b""
            if not member or at < 0 or not raw.startswith(member, at) or raw[:1] != b"{":
                self.problem = Problem(number, "the line is not in the register's canonical form (it was edited "
                                       "by hand or by another tool)", "format")
                return
            seq = obj["seq"]
            if seq != number or type(seq) is not int:
                self.problem = Problem(number, f"sequence number {repr(seq)[:40]} where {number} was expected "
                                       "(an entry was removed, inserted or moved)", "sequence")
                return
            if obj["prev"] != prev:
                self.problem = Problem(number, "does not link to the previous entry (prev hash differs): "
                                       "an earlier entry was changed, removed or reordered", "chain")
                return
            # the hash covers the stored bytes without the hash member: for a genuine line these are
            # exactly the canonical JSON of the entry without "hash"; any other byte change shows
            if sha256(raw[:at] + raw[at + len(member):]).hexdigest() != stored:
                self.problem = Problem(number, "content does not match its hash: the entry was edited", "hash")
                return
            yield number, obj
            prev = stored
