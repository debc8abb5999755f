"""Which reporting clocks run for each incident, and where they stand at an instant.

Applicability of role- and classification-dependent clocks comes from the assessment of the
descriptor (``compliance.law.engine.assess``): a clock runs for an incident when the obligation it
belongs to applies to the system (or to a model the incident concerns) from a date not later
than the day the organisation became aware, and the clock's own condition holds for the
incident. Pure: the caller passes the assessment, the register and the instant.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from compliance.incidents.clockbook import Clockbook
from compliance.incidents.clocks import (
    ClockResult,
    ConditionCache,
    Due,
    StepResult,
    describe_duration,
    evaluate_clock,
)
from compliance.incidents.model import Entry, IncidentRecord
from compliance.incidents.register import IncidentState, Register, _apply
from compliance.law.engine.conditions import Outcome, Truth
from compliance.law.engine.conditions import Step as TruthStep
from compliance.law.facts import fact_view
from compliance.version import __version__

FORMAT_VERSION = 1
UTC = dt.UTC


def states_as_of(entries: list[Entry], as_of: dt.datetime) -> dict[str, IncidentState]:
    """The incidents as the register stood at ``as_of`` (entries recorded later are left out)."""
    incidents: dict[str, IncidentState] = {}
    for number, entry in enumerate(entries, 1):
        if entry.recorded_at <= as_of:
            _apply(incidents, entry, number)
    return incidents


def _duty(clock_jurisdiction: str, duty: str | None, assessment: Any, record: IncidentRecord,
          by_rule: Mapping[str, list[Any]]) -> tuple[Truth, tuple[str, ...], tuple[str, ...]]:
    assessed = {j.jurisdiction.code for j in assessment.jurisdictions}
    if clock_jurisdiction not in assessed:
        return Truth.false, (f"jurisdiction {clock_jurisdiction} is not selected for this system",), ()
    if duty is None:
        return Truth.true, (), ()
    results = by_rule.get(duty, [])
    if not results:
        return Truth.false, (f"{duty} was not assessed",), ()
    model_scoped = any(r.subject.startswith("model:") for r in results)
    if model_scoped:
        if record.models is None:
            if any(r.verdict.value != "does_not_apply" for r in results):
                return (Truth.unknown, ("incident.models is not stated (which model is concerned)",),
                        ("incident.models",))
            return Truth.false, (f"{duty} does not apply to any model",), ()
        results = [r for r in results if r.subject.split(":", 1)[1] in record.models]
        if not results:
            return Truth.false, ("none of the models concerned is in the descriptor",), ()
    aware_day = record.aware_at.date()
    unknown: list[Any] = []
    for r in results:
        verdict = r.verdict.value
        if verdict == "applies" and r.applies_from is not None and r.applies_from <= aware_day:
            who = f" for model {r.subject.split(':', 1)[1]}" if model_scoped else ""
            return Truth.true, (f"{r.rule.citation.pinpoint} applies{who} (since {r.applies_from})",), ()
        if verdict == "undetermined":
            unknown.append(r)
    if unknown:
        missing = tuple(dict.fromkeys(m for r in unknown for m in r.missing))
        return (Truth.unknown, (f"{unknown[0].rule.citation.pinpoint} is undetermined for this system",), missing)
    later = [r for r in results if r.verdict.value == "applies" and r.applies_from is not None]
    if later:
        return Truth.false, (f"{later[0].rule.citation.pinpoint} applies only from {later[0].applies_from}, "
                             "after the organisation became aware",), ()
    reason = next((s.text for r in results for s in r.steps if s.truth is Truth.false), "does not apply")
    return Truth.false, (f"{results[0].rule.citation.pinpoint} does not apply: {reason}",), ()


@dataclass(frozen=True)
class IncidentResult:
    state: IncidentState
    clocks: tuple[ClockResult, ...]

    @property
    def overdue(self) -> bool:
        return any(c.overdue for c in self.clocks)


@dataclass(frozen=True)
class CheckResult:
    as_of: dt.datetime
    register_path: str
    entries: int
    head: str
    rules_digest: str
    clocks_digest: str
    incidents: tuple[IncidentResult, ...]
    clocks: tuple[tuple[str, Any], ...] = ()
    """(clock id, clock) of every clock evaluated."""

    @property
    def overdue(self) -> list[tuple[str, str, str]]:
        return [(i.state.record.id, c.clock_id, s.step.id)
                for i in self.incidents for c in i.clocks if c.applies is Truth.true
                for s in c.steps if any(d.status == "overdue" for d in s.occurrences)]

    @property
    def attention(self) -> list[tuple[str, str]]:
        return [(i.state.record.id, c.clock_id) for i in self.incidents for c in i.clocks if c.attention]

    def to_json(self) -> dict[str, Any]:
        return {
            "format_version": FORMAT_VERSION,
            "tool": {"name": "compliance", "version": __version__},
            "notice": "Not legal advice. Deadlines follow from the register, the stated facts and the rule data.",
            "as_of": self.as_of.isoformat(),
            "register": {"path": self.register_path, "entries": self.entries, "head": self.head, "verified": True},
            "rules_digest": self.rules_digest,
            "clocks_digest": self.clocks_digest,
            "summary": {
                "incidents": len(self.incidents),
                "overdue": [{"incident": i, "clock": c, "step": s} for i, c, s in self.overdue],
                "attention": [{"incident": i, "clock": c} for i, c in self.attention],
            },
            "clocks": {cid: clock_info(clock) for cid, clock in self.clocks},
            "incidents": [_incident_json(i, self.as_of, full=False) for i in self.incidents],
        }


def check(descriptor: Any, register: Register, assessment: Any, clockbook: Clockbook,
          as_of: dt.datetime, register_path: str) -> CheckResult:
    """Evaluate every clock for every incident recorded at or before ``as_of``."""
    if as_of.tzinfo is None:
        raise ValueError("as_of must be timezone-aware")
    facts = fact_view(descriptor)
    classifications = {(c.id, c.subject): c for c in assessment.classifications()}
    by_rule: dict[str, list[Any]] = {}
    for o in assessment.obligations():
        by_rule.setdefault(o.loaded.id, []).append(o)

    def classify(rule_id: str, bindings: Mapping[str, Any]) -> Outcome:
        subject = "system"
        if "model" in bindings:
            subject = f"model:{bindings['model'][0].get('id')}"
        found = classifications.get((rule_id, subject))
        if found is None:
            return Outcome(Truth.unknown, (TruthStep(f"{rule_id} was not assessed", Truth.unknown),))
        return Outcome(found.truth, tuple(found.steps))

    if all(e.recorded_at <= as_of for e in register.entries):
        states = register.incidents
    else:
        states = states_as_of(register.entries, as_of)
    cache = ConditionCache()
    results = []
    for incident_id in sorted(states, key=lambda k: (states[k].record.aware_at.astimezone(UTC), k)):
        state = states[incident_id]
        record = state.record
        clock_results = []
        incident_facts = record.model_dump(mode="json", exclude_none=True)
        for clock_id in sorted(clockbook.clocks):
            loaded = clockbook.clocks[clock_id]
            duty = _duty(loaded.jurisdiction, loaded.clock.duty, assessment, record, by_rule)
            clock_results.append(evaluate_clock(clock_id, loaded.clock, record, state.reports, facts,
                                                classify, duty, as_of, incident_facts, cache))
        results.append(IncidentResult(state, tuple(clock_results)))
    head = register.head
    count = register.count
    clocks = tuple((cid, clockbook.clocks[cid].clock) for cid in sorted(clockbook.clocks))
    return CheckResult(as_of, register_path, count, head, assessment.rules_digest, clockbook.digest,
                       tuple(results), clocks)


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
        out["record"] = record.model_dump(mode="json", exclude_none=True)
        out["history"] = [{"seq": e.seq, "type": e.entry.type, "recorded_at": e.recorded_at.isoformat(),
                           "hash": e.hash} for e in i.state.entries]
        out["reports"] = [r.model_dump(mode="json", exclude_none=True) for r in i.state.reports]
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
                record: IncidentRecord | None = None) -> list[str]:
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


def render_text(result: CheckResult, show_all: bool = False) -> str:
    as_of = result.as_of
    out = [f"Incident register {result.register_path}: {result.entries} entries, chain verified, "
           f"head {result.head}", f"As of {as_of.isoformat()}", ""]
    for i in result.incidents:
        record = i.state.record
        out.append(f"{record.id}  {record.title} (aware {record.aware_at.isoformat()}, {record.status})")
        hidden = 0
        for c in i.clocks:
            if c.applies is Truth.false and not show_all:
                hidden += 1
                continue
            out.extend(clock_lines(c, as_of, record=record))
        if hidden:
            out.append(f"  – {hidden} clock(s) do not apply (--all shows why)")
        out.append("")
    overdue = result.overdue
    if overdue:
        listed = "; ".join(f"{i}: {c} {s}" for i, c, s in overdue)
        out.append(f"✗ {len(overdue)} report(s) overdue: {listed}")
    else:
        out.append(f"✓ no report overdue ({len(result.incidents)} incident(s))")
    attention = result.attention
    if attention:
        out.append(f"? {len(attention)} clock(s) need attention (due immediately, or a deadline depends on "
                   "a missing fact): " + "; ".join(f"{i}: {c}" for i, c in attention))
    out.append("Not legal advice.")
    return "\n".join(out) + "\n"
