"""Which reporting clocks run for each incident, and where they stand at an instant.

Applicability of role- and classification-dependent clocks comes from the assessment of the
descriptor (``compliance.law.engine.assess``): a clock runs for an incident when the obligation it
belongs to applies to the system (or to a model the incident concerns) from a date not later
than the day the organisation became aware, and the clock's own condition holds for the
incident. Pure: the caller passes the assessment, the register and the instant.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from compliance.incidents.clockbook import Clockbook
from compliance.incidents.clocks import ClockResult, ConditionCache, evaluate_clock
from compliance.incidents.register import Register, _apply
from compliance.incidents.render import (  # re-exported: what callers render results with
    IncidentResult as IncidentResult,
)
from compliance.incidents.render import (
    _incident_json as _incident_json,
)
from compliance.incidents.render import (
    clock_info as clock_info,
)
from compliance.incidents.render import (
    clock_json as clock_json,
)
from compliance.incidents.render import (
    clock_lines as clock_lines,
)
from compliance.incidents.render import incident_text, json_text
from compliance.incidents.state import IncidentState, Record
from compliance.law.engine.conditions import Outcome, Truth
from compliance.law.engine.conditions import Step as TruthStep
from compliance.law.facts import fact_view
from compliance.version import __version__

FORMAT_VERSION = 1
UTC = dt.UTC


def states_as_of(register: Register, as_of: dt.datetime) -> dict[str, IncidentState]:
    """The incidents as the register stood at ``as_of``: the entries recorded later are left out
    (and so is an entry that no longer applies without them, as when the register is folded
    with only the earlier entries). An incident's state depends only on its own entries, so an
    incident none of whose entries is later is the one already folded."""
    incidents: dict[str, IncidentState] = {}
    for incident_id, state in register.incidents.items():
        if all(e.recorded_at <= as_of for e in state.entries):
            incidents[incident_id] = state
        elif state.entries[0].recorded_at <= as_of:
            for entry in state.entries:
                if entry.recorded_at <= as_of:
                    _apply(incidents, entry, entry.seq)
    return incidents


def _duty(clock_jurisdiction: str, duty: str | None, assessment: Any, record: Record,
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


@dataclass
class Summary:
    """What ``incident check`` sums up over the incidents, gathered one incident at a time."""

    incidents: int = 0
    overdue: list[tuple[str, str, str]] = field(default_factory=list)
    """(incident, clock, step) of every overdue report."""
    attention: list[tuple[str, str]] = field(default_factory=list)
    """(incident, clock) of every clock that needs attention."""

    def add(self, i: IncidentResult) -> None:
        self.incidents += 1
        self.overdue.extend(i.overdue_steps())
        self.attention.extend(i.attention())

    @classmethod
    def of(cls, incidents: Iterable[IncidentResult]) -> Summary:
        summary = cls()
        for i in incidents:
            summary.add(i)
        return summary


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
        return Summary.of(self.incidents).overdue

    @property
    def attention(self) -> list[tuple[str, str]]:
        return Summary.of(self.incidents).attention

    def to_json(self) -> dict[str, Any]:
        return {**self.json_head(Summary.of(self.incidents)),
                "incidents": [_incident_json(i, self.as_of, full=False) for i in self.incidents]}

    def json_head(self, summary: Summary) -> dict[str, Any]:
        """:meth:`to_json` up to its last member, ``incidents``."""
        return {
            "format_version": FORMAT_VERSION,
            "tool": {"name": "compliance", "version": __version__},
            "notice": "Not legal advice. Deadlines follow from the register, the stated facts and the rule data.",
            "as_of": self.as_of.isoformat(),
            "register": {"path": self.register_path, "entries": self.entries, "head": self.head, "verified": True},
            "rules_digest": self.rules_digest,
            "clocks_digest": self.clocks_digest,
            "summary": {
                "incidents": summary.incidents,
                "overdue": [{"incident": i, "clock": c, "step": s} for i, c, s in summary.overdue],
                "attention": [{"incident": i, "clock": c} for i, c in summary.attention],
            },
            "clocks": {cid: clock_info(clock) for cid, clock in self.clocks},
        }


def check(descriptor: Any, register: Register, assessment: Any, clockbook: Clockbook,
          as_of: dt.datetime, register_path: str, only: Collection[str] | None = None) -> CheckResult:
    """Evaluate every clock for every incident recorded at or before ``as_of`` (or for the
    incidents ``only`` names)."""
    result, incidents = check_lazily(descriptor, register, assessment, clockbook, as_of, register_path, only)
    return replace(result, incidents=tuple(incidents))


def check_lazily(descriptor: Any, register: Register, assessment: Any, clockbook: Clockbook,
                 as_of: dt.datetime, register_path: str,
                 only: Collection[str] | None = None) -> tuple[CheckResult, Iterator[IncidentResult]]:
    """:func:`check` one incident at a time: the result without its incidents, and the incidents
    in order, each evaluated when the iterator reaches it (a large register is rendered without
    holding every result)."""
    if as_of.tzinfo is None:
        raise ValueError("as_of must be timezone-aware")
    if all(e.recorded_at <= as_of for e in register.entries):
        states = register.incidents
    else:
        states = states_as_of(register, as_of)
    if only is not None:
        states = {k: v for k, v in states.items() if k in only}
    clocks = tuple((cid, clockbook.clocks[cid].clock) for cid in sorted(clockbook.clocks))
    result = CheckResult(as_of, register_path, register.count, register.head, assessment.rules_digest,
                         clockbook.digest, (), clocks)
    order = sorted(states, key=lambda k: (states[k].record.aware_at.astimezone(UTC), k))
    return result, _evaluate(descriptor, [states[k] for k in order], assessment, clockbook, as_of)


def _evaluate(descriptor: Any, states: list[IncidentState], assessment: Any, clockbook: Clockbook,
              as_of: dt.datetime) -> Iterator[IncidentResult]:
    """The results of ``states``, in order, each computed when asked for (what every incident
    shares is prepared now)."""
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

    cache = ConditionCache()
    clocks = [(cid, clockbook.clocks[cid]) for cid in sorted(clockbook.clocks)]
    # a clock's duty depends on the incident only through the models it names and the day the
    # organisation became aware: decided once per such pair, and so is the result of a clock
    # whose duty does not apply (the incident's facts cannot change it)
    duties: dict[tuple[str, tuple[str, ...] | None, dt.date],
                 tuple[tuple[Truth, tuple[str, ...], tuple[str, ...]], ClockResult | None]] = {}

    def results() -> Iterator[IncidentResult]:
        for state in states:
            record = state.record
            models = tuple(record.models) if record.models is not None else None
            aware_day = record.aware_at.date()
            incident_facts: dict[str, Any] | None = None
            clock_results = []
            for clock_id, loaded in clocks:
                key = (clock_id, models, aware_day)
                known = duties.get(key)
                if known is None:
                    duty = _duty(loaded.jurisdiction, loaded.clock.duty, assessment, record, by_rule)
                    fixed = None
                    if duty[0] is Truth.false:
                        fixed = ClockResult(clock_id, loaded.clock, Truth.false, duty[1], (), loaded.clock.recipient,
                                            None)
                    known = duties[key] = (duty, fixed)
                duty, fixed = known
                if fixed is not None:
                    clock_results.append(fixed)
                    continue
                if incident_facts is None:
                    incident_facts = record.to_json()
                clock_results.append(evaluate_clock(clock_id, loaded.clock, record, state.reports, facts,
                                                    classify, duty, as_of, incident_facts, cache))
            yield IncidentResult(state, tuple(clock_results))

    return results()


# --------------------------------------------------------------------------- whole documents


def render_text(result: CheckResult, show_all: bool = False) -> str:
    return "".join(text_chunks(result, result.incidents, show_all))


def text_chunks(result: CheckResult, incidents: Iterable[IncidentResult], show_all: bool = False) -> Iterator[str]:
    """The text of ``incident check`` in pieces: the heading, each incident as it comes, the summary."""
    as_of = result.as_of
    yield (f"Incident register {result.register_path}: {result.entries} entries, chain verified, "
           f"head {result.head}\nAs of {as_of.isoformat()}\n\n")
    summary = Summary()
    for i in incidents:
        summary.add(i)
        yield incident_text(i, as_of, show_all)
    out = []
    if summary.overdue:
        listed = "; ".join(f"{i}: {c} {s}" for i, c, s in summary.overdue)
        out.append(f"✗ {len(summary.overdue)} report(s) overdue: {listed}")
    else:
        out.append(f"✓ no report overdue ({summary.incidents} incident(s))")
    if summary.attention:
        out.append(f"? {len(summary.attention)} clock(s) need attention (due immediately, or a deadline depends on "
                   "a missing fact): " + "; ".join(f"{i}: {c}" for i, c in summary.attention))
    out.append("Not legal advice.")
    yield "\n".join(out) + "\n"


def json_chunks(result: CheckResult, incidents: Iterable[IncidentResult]) -> Iterator[str]:
    """``json.dumps(result.to_json(), indent=2, ensure_ascii=False)`` in pieces, from incidents
    evaluated one at a time: each is written out as it comes and only its text is kept until
    the summary, which comes first, is known."""
    summary = Summary()
    parts = []
    for i in incidents:
        summary.add(i)
        # an incident is an item of a list two levels deep; JSON strings hold no raw line feed
        parts.append(json_text(_incident_json(i, result.as_of, full=False)).replace("\n", "\n    "))
    head = json.dumps({**result.json_head(summary), "incidents": []}, indent=2, ensure_ascii=False)
    if not parts:
        yield head
        return
    assert head.endswith("[]\n}")
    yield head[:-3] + "\n    "
    for n, part in enumerate(parts):
        yield part if n == 0 else ",\n    " + part
    yield "\n  ]\n}"
