"""How check results are written, one clock and one incident at a time: the JSON objects of
``incident check`` / ``incident show`` and the incident log, and the text lines. Pure."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import Any

from compliance.incidents.clocks import ClockResult, Due, StepResult, describe_duration
from compliance.incidents.state import IncidentState, Record
from compliance.law.engine.conditions import Truth


@dataclass(frozen=True)
class IncidentResult:
    state: IncidentState
    clocks: tuple[ClockResult, ...]

    @property
    def overdue(self) -> bool:
        return any(c.overdue for c in self.clocks)

    def overdue_steps(self) -> list[tuple[str, str, str]]:
        """(incident, clock, step) of every step with an overdue report."""
        return [(self.state.record.id, c.clock_id, s.step.id) for c in self.clocks if c.applies is Truth.true
                for s in c.steps if any(d.status == "overdue" for d in s.occurrences)]

    def attention(self) -> list[tuple[str, str]]:
        """(incident, clock) of every clock that needs attention."""
        return [(self.state.record.id, c.clock_id) for c in self.clocks if c.attention]


# --------------------------------------------------------------------------- JSON


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _due_json(due: Due, as_of: dt.datetime) -> dict[str, Any]:
    out: dict[str, Any] = {
        "status": due.status,
        "start_event": due.start_event,
        "start": _iso(due.start),
        "deadline": _iso(due.deadline.at) if due.deadline else None,
        "deadline_inclusive": due.deadline.inclusive if due.deadline else None,
        "deadline_display": due.deadline.display() if due.deadline else None,
        "limit": None,
        "report": None,
        "overdue_by": None,
        "remaining": None,
        "note": due.note,
    }
    if due.limit is not None:
        out["limit"] = {"label": due.limit.label, "days": due.limit.days, "hours": due.limit.hours,
                        "citation": due.limit.citation.pinpoint}
    if due.report is not None:
        r = due.report
        out["report"] = {"kind": r.kind.value, "submitted_at": r.submitted_at.isoformat(),
                         "recipient": r.recipient, "reference": r.reference}
    if due.deadline is not None and due.status == "overdue":
        out["overdue_by"] = describe_duration(as_of - due.deadline.at)
    if due.deadline is not None and due.status == "open":
        out["remaining"] = describe_duration(due.deadline.at - as_of)
    return out


def _step_json(s: StepResult, as_of: dt.datetime) -> dict[str, Any]:
    step = s.step
    earliest = None
    if s.earliest_possible is not None:
        deadline, limit, missing = s.earliest_possible
        earliest = {"deadline": deadline.at.isoformat(), "deadline_display": deadline.display(),
                    "label": limit.label, "citation": limit.citation.pinpoint, "missing_facts": list(missing),
                    "passed": deadline.passed(as_of)}
    return {
        "id": step.id,
        "title": step.title,
        "citation": step.citation.pinpoint,
        "immediately": ({"text": step.immediately.text, "citation": step.immediately.citation.pinpoint,
                         "after": step.immediately.after.value if step.immediately.after else None}
                        if step.immediately else None),
        "satisfied_by": [k.value for k in step.satisfied_by],
        "fallback": s.fallback_note,
        "occurrences": [_due_json(d, as_of) for d in s.occurrences],
        "earliest_possible": earliest,
    }


def clock_info(clock: Any) -> dict[str, Any]:
    """What a clock file says (the same for every incident)."""
    return {
        "title": clock.title,
        "citation": clock.citation.pinpoint,
        "duty": clock.duty,
        "voluntary": clock.voluntary,
        "voluntary_note": clock.voluntary_note,
        "counting": {"method": clock.counting.method, "interpretation": clock.counting.interpretation,
                     "alternative_reading": clock.counting.alternative_reading},
        "verification": {"status": clock.verification.status.value,
                         "alternative_reading": clock.verification.alternative_reading},
    }


def clock_json(c: ClockResult, as_of: dt.datetime) -> dict[str, Any]:
    """Where one clock stands for one incident (static facts: ``clock_info``)."""
    if c.applies is Truth.false:
        return {"id": c.clock_id, "applies": c.applies.value, "reasons": list(c.reasons)}
    return {
        "id": c.clock_id,
        "applies": c.applies.value,
        "reasons": list(c.reasons),
        "missing_facts": list(c.missing),
        "recipient": c.recipient,
        "recipient_basis": c.recipient_basis,
        "steps": [_step_json(s, as_of) for s in c.steps],
    }


def _incident_json(i: IncidentResult, as_of: dt.datetime, full: bool = True) -> dict[str, Any]:
    """One incident with its clocks; ``full`` adds the record, its history, the reports and the
    clocks that do not apply (``incident show``); ``incident check`` lists only the clocks that
    apply or are undetermined, and the ids of the others."""
    record = i.state.record
    out: dict[str, Any] = {
        "id": record.id,
        "title": record.title,
        "status": record.status,
        "aware_at": record.aware_at.isoformat(),
    }
    if full:
        out["record"] = record.to_json()
        out["history"] = [{"seq": e.seq, "type": e.entry.type, "recorded_at": e.recorded_at.isoformat(),
                           "hash": e.hash} for e in i.state.entries]
        out["reports"] = [r.to_json() for r in i.state.reports]
        out["clocks"] = [clock_json(c, as_of) for c in i.clocks]
    else:
        out["clocks"] = [clock_json(c, as_of) for c in i.clocks if c.applies is not Truth.false]
        out["clocks_not_applicable"] = [c.clock_id for c in i.clocks if c.applies is Truth.false]
    return out


# --------------------------------------------------------------------------- text

_STATUS_TEXT = {
    "met": "met",
    "late": "MISSED (reported late)",
    "overdue": "MISSED — OVERDUE",
    "open": "open",
    "due_immediately": "due immediately (no time limit in days)",
    "no_limit": "open (no time limit stated)",
    "not_due": "not due",
    "not_started": "not started",
    "undetermined": "undetermined",
}


def _due_text(due: Due, as_of: dt.datetime) -> str:
    parts = [_STATUS_TEXT[due.status]]
    if due.deadline is not None:
        parts.append(f"due {due.deadline.display()}")
        if due.status == "overdue":
            parts.append(f"overdue by {describe_duration(as_of - due.deadline.at)}")
        elif due.status == "open":
            parts.append(f"{describe_duration(due.deadline.at - as_of)} left")
    if due.limit is not None:
        unit = f"{due.limit.days} days" if due.limit.days else f"{due.limit.hours} hours"
        parts.append(f"{unit}: {due.limit.label}, {due.limit.citation.pinpoint}")
    if due.report is not None:
        parts.append(f"{due.report.kind.value} report {due.report.submitted_at.isoformat()} to {due.report.recipient}")
    if due.note:
        parts.append(due.note)
    return " — ".join(parts)


def clock_lines(c: ClockResult, as_of: dt.datetime, indent: str = "  ",
                record: Record | None = None) -> list[str]:
    mark = "✗" if c.overdue else ("?" if c.attention else ("–" if c.applies is Truth.false else "✓"))
    clock = c.clock
    lines = [f"{indent}{mark} {c.clock_id} — {clock.title} [{clock.citation.pinpoint}]"]
    pad = indent + "    "
    if c.applies is Truth.unknown:
        lines.append(f"{pad}applies: undetermined — missing: {', '.join(c.missing) or 'see reasons'}")
    for reason in c.reasons:
        lines.append(f"{pad}· {reason}")
    lines.append(f"{pad}recipient: {c.recipient}" + (f" ({c.recipient_basis})" if c.recipient_basis else ""))
    if clock.voluntary:
        lines.append(f"{pad}voluntary: {clock.voluntary_note}")
    for s in c.steps:
        if s.step.immediately:
            immediate = s.step.immediately
            since = ""
            if immediate.after is not None and record is not None:
                value = getattr(record, immediate.after.value, None)
                since = f"; {immediate.after.value}: {value.isoformat() if value else 'not stated'}"
            lines.append(f"{pad}{s.step.title}: {immediate.text} ({immediate.citation.pinpoint}{since})")
        for due in s.occurrences:
            lines.append(f"{pad}{s.step.title}: {_due_text(due, as_of)}")
        if s.earliest_possible is not None:
            deadline, limit, missing = s.earliest_possible
            lines.append(f"{pad}  may be due earlier: {deadline.display()} ({limit.label}, "
                         f"{limit.citation.pinpoint}) if {', '.join(missing)} — state the fact")
        if s.fallback_note:
            lines.append(f"{pad}  note: {s.fallback_note}")
    return lines


def incident_text(i: IncidentResult, as_of: dt.datetime, show_all: bool = False) -> str:
    """The lines of ``incident check`` for one incident, each ended by a line feed, and a blank line."""
    record = i.state.record
    out = [f"{record.id}  {record.title} (aware {record.aware_at.isoformat()}, {record.status})"]
    hidden = 0
    for c in i.clocks:
        if c.applies is Truth.false and not show_all:
            hidden += 1
            continue
        out.extend(clock_lines(c, as_of, record=record))
    if hidden:
        out.append(f"  – {hidden} clock(s) do not apply (--all shows why)")
    out.append("")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- indented JSON


def json_text(value: Any) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False)``, written about three times faster for
    plain data (the standard library writes indented JSON with its pure-Python encoder): dicts
    with string keys, lists, tuples, strings, numbers, booleans and None, tested in the same
    order and written the same way. Anything else is left to ``json.dumps``."""
    out: list[str] = []
    try:
        _write(value, out, "\n")
    except _Unusual:
        return json.dumps(value, indent=2, ensure_ascii=False)
    return "".join(out)


class _Unusual(Exception):
    """A key or value :func:`json_text` leaves to ``json.dumps``."""


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


#: the JSON of a value of an exact scalar type (the usual leaf), by type
_LEAF: dict[type, Callable[[Any], str]] = {
    str: encode_basestring, int: int.__repr__, float: _float, bool: lambda value: "true" if value else "false",
    type(None): lambda value: "null",
}


def _write(value: Any, out: list[str], newline: str) -> None:
    if isinstance(value, str):
        out.append(encode_basestring(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, float):
        out.append(_float(value))
    elif isinstance(value, list | tuple | dict):
        if not value:
            out.append("[]" if not isinstance(value, dict) else "{}")
            return
        inner = newline + "  "
        separator = "," + inner
        leaf = _LEAF.get
        if isinstance(value, dict):
            opening = "{" + inner
            for key, item in value.items():
                if not isinstance(key, str):
                    raise _Unusual
                write = leaf(type(item))
                if write is not None:
                    out.append(f"{opening}{encode_basestring(key)}: {write(item)}")
                else:
                    out.append(f"{opening}{encode_basestring(key)}: ")
                    _write(item, out, inner)
                opening = separator
            out.append(newline + "}")
        else:
            opening = "[" + inner
            for item in value:
                write = leaf(type(item))
                if write is not None:
                    out.append(opening + write(item))
                else:
                    out.append(opening)
                    _write(item, out, inner)
                opening = separator
            out.append(newline + "]")
    else:
        raise _Unusual
