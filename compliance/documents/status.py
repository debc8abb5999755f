"""`compliance status DIR`: a fleet view over every descriptor below a folder — one row per
system: risk tier per jurisdiction, highlighted classifications (from the jurisdictions' data),
obligations in force and upcoming, open gaps, invalid descriptors."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

SKIP_DIRS = {".git", ".venv", "venv", "node_modules", "__pycache__", ".tox", ".mypy_cache", ".pytest_cache"}
PARALLEL_FROM = 64  # below this, process start-up costs more than it saves


@dataclass
class Row:
    file: str
    valid: bool
    system: str = ""
    name: str = ""
    tiers: dict[str, str] = field(default_factory=dict)
    highlights: list[str] = field(default_factory=list)
    in_force: int = 0
    upcoming: int = 0
    next_date: str | None = None
    undetermined: int = 0
    errors: int = 0
    overdue_incidents: int | None = None
    register_problem: str | None = None


def find_descriptors(root: Path, skipped: list[tuple[str, str]] | None = None) -> list[Path]:
    """YAML files below ``root`` that look like descriptors (``schema_version`` at top level).
    Only the first 4 KiB of each candidate is read to decide. A candidate that is not a regular
    file (a FIFO would block the walk forever) or cannot be read is never opened for reading; it
    is added to ``skipped`` as (path, reason), once."""
    from compliance.io.fsutil import UnreadableFileError, read_prefix

    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        for name in sorted(files):
            if not name.endswith((".yaml", ".yml")):
                continue
            path = Path(folder) / name
            try:
                head = read_prefix(path, 4096, what="descriptor")
            except UnreadableFileError as exc:
                if skipped is not None and exc.kind != "missing":  # vanished meanwhile: nothing to say
                    skipped.append((str(path), exc.reason))
                continue
            if b"\nschema_version:" in b"\n" + head and b"organisation" in head:
                found.append(path)
    return found


_BOOK: Any = None
_RULES_ROOT = Path()


def _init(rules_root: str) -> None:
    global _BOOK, _RULES_ROOT
    from compliance.law.rulebook import load_rulebook

    _BOOK = load_rulebook(Path(rules_root))
    _RULES_ROOT = Path(rules_root)


_CLOCKS: dict[str, Any] = {}


def _clocks(rules_root: Path) -> Any:
    """The clocks, loaded once per process (every descriptor with a register needs them)."""
    from compliance.incidents.clockbook import load_clocks

    key = str(rules_root)
    if key not in _CLOCKS:
        _CLOCKS[key] = load_clocks(rules_root)
    return _CLOCKS[key]


def _row(args: tuple[str, str]) -> Row:
    from compliance.descriptor.validation import load_descriptor_file
    from compliance.law.engine.evaluator import assess_selected
    from compliance.law.engine.results import Verdict

    file, as_of_text = args
    as_of = dt.date.fromisoformat(as_of_text)
    loaded = load_descriptor_file(Path(file))  # never blocks, even on a FIFO swapped in since the walk
    if loaded.errors or loaded.descriptor is None:
        return Row(file, False, errors=len(loaded.errors))
    d = loaded.descriptor
    report = assess_selected(d, _BOOK, as_of, explain=False)  # counts only: no explanations
    row = Row(file, True, d.system.id, d.system.name)
    upcoming_dates = []
    for j in report.jurisdictions:
        if j.tier:
            row.tiers[j.jurisdiction.code] = j.tier.id
        row.highlights.extend(f"{j.jurisdiction.code}:{h['id']}" for h in j.highlights())
        for o in j.obligations:
            if o.verdict is Verdict.applies and o.status is not None:
                if o.status.value == "in_force":
                    row.in_force += 1
                else:
                    row.upcoming += 1
                    if o.applies_from:
                        upcoming_dates.append(o.applies_from.isoformat())
            elif o.verdict is Verdict.undetermined:
                row.undetermined += 1
    row.next_date = min(upcoming_dates) if upcoming_dates else None
    row.overdue_incidents, row.register_problem = _overdue(d, Path(file), report, _RULES_ROOT, as_of)
    return row


def _overdue(descriptor: Any, path: Path, assessment: Any, rules_root: Path,
             as_of: dt.date) -> tuple[int | None, str | None]:
    """Overdue incident reports at the end of the as-of day, and a register problem if any
    (a register that fails verification is reported, never counted as zero)."""
    if descriptor.incidents is None:
        return None, None
    from compliance.errors import ComplianceError
    from compliance.incidents.check import check
    from compliance.incidents.register import verify_and_load
    from compliance.io.fsutil import file_kind

    register_path = path.parent / descriptor.incidents.path
    try:
        kind = file_kind(register_path.stat().st_mode)
    except OSError:
        return None, "register file missing"
    if kind is not None:
        return None, f"register is {kind}, not a regular file: not read"
    try:
        verification, register = verify_and_load(register_path)  # one read for both
    except ComplianceError as exc:  # too large, unreadable, swapped for a FIFO since the check
        return None, exc.message
    if not verification.ok:
        where = verification.problem.line if verification.problem else "?"
        return None, f"register fails verification (line {where})"
    instant = dt.datetime(as_of.year, as_of.month, as_of.day, 23, 59, 59, tzinfo=dt.UTC)
    try:
        result = check(descriptor, register, assessment, _clocks(rules_root), instant,
                       descriptor.incidents.path)
    except ComplianceError as exc:
        return None, exc.message
    return len({incident for incident, _clock, _step in result.overdue}), None


def collect(root: Path, rules_root: Path, as_of: dt.date, jobs: int | None = None,
            skipped: list[tuple[str, str]] | None = None) -> list[Row]:
    """One row per descriptor below ``root``; files skipped by the walk go to ``skipped``."""
    files = [str(p) for p in find_descriptors(root, skipped)]
    tasks = [(f, as_of.isoformat()) for f in files]
    workers = jobs if jobs is not None else (min(2, os.cpu_count() or 1) if len(files) >= PARALLEL_FROM else 1)
    _init(str(rules_root))
    if workers <= 1:
        return [_row(t) for t in tasks]
    # loaded (and the engine imported) before the workers start: forked workers inherit both
    import gc

    import compliance.descriptor.validation
    import compliance.law.engine.evaluator  # noqa: F401
    gc.freeze()  # what the workers inherit is never collected there: no copy-on-write of every page
    try:
        with ProcessPoolExecutor(workers, initializer=_init, initargs=(str(rules_root),)) as pool:
            return list(pool.map(_row, tasks, chunksize=max(1, len(tasks) // (workers * 8))))
    finally:
        gc.unfreeze()


def to_json(rows: list[Row], as_of: dt.date) -> dict[str, Any]:
    return {
        "as_of": as_of.isoformat(),
        "notice": "Not legal advice.",
        "systems": [asdict(r) for r in rows],
        "totals": {
            "systems": len(rows),
            "invalid": sum(1 for r in rows if not r.valid),
            "in_force": sum(r.in_force for r in rows),
            "upcoming": sum(r.upcoming for r in rows),
            "undetermined": sum(r.undetermined for r in rows),
        },
    }


def _cells(r: Row) -> Iterator[str]:
    yield r.system or "(invalid)"
    yield ", ".join(f"{k}:{v}" for k, v in sorted(r.tiers.items())) if r.valid else f"{r.errors} error(s)"
    yield ", ".join(h.split(":", 1)[1] for h in r.highlights) or "-"
    yield str(r.in_force) if r.valid else "-"
    yield (f"{r.upcoming} (next {r.next_date})" if r.next_date else str(r.upcoming)) if r.valid else "-"
    yield str(r.undetermined) if r.valid else "-"
    yield (f"! {r.register_problem}" if r.register_problem
           else "-" if r.overdue_incidents is None else str(r.overdue_incidents))
    yield r.file


HEADERS = ("system", "tier", "flags", "in force", "upcoming", "gaps", "overdue", "file")


def render_table(rows: list[Row], as_of: dt.date) -> str:
    """The fleet as a text table. Cells are made printable before the columns are measured (a
    system name or file name from input may hold control or bidi characters)."""
    from compliance.io.textsafe import printable

    table = [HEADERS, *[tuple(printable(cell) for cell in _cells(r)) for r in rows]]
    widths = [max(len(row[i]) for row in table) for i in range(len(HEADERS))]
    lines = [f"Fleet status as of {as_of.isoformat()} — {len(rows)} systems (not legal advice)", ""]
    for index, row in enumerate(table):
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    invalid = sum(1 for r in rows if not r.valid)
    if invalid:
        lines.append("")
        lines.append(f"{invalid} descriptor(s) invalid: run compliance validate on them")
    return "\n".join(lines) + "\n"
