"""Deadline computation for reporting clocks. Pure: no clock, no I/O.

Every function takes the evaluation instant (``as_of``, timezone-aware) as an argument. Periods
are counted as the clock file's ``counting.method`` says:

- ``elapsed``: the start timestamp plus N × 24 hours (or N hours), in absolute time. A report is
  on time when submitted at or before that instant.
- ``calendar_days``: the day of the start event is not counted; the period ends at the end of
  the N-th following calendar day, with day boundaries in the UTC offset of the start timestamp.
  A report is on time when submitted before midnight that ends that day.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from compliance.incidents.clock_model import Clock, Limit, ReportKind, StartEvent, Step
from compliance.incidents.state import Record, Report
from compliance.law.engine.conditions import Context, Outcome, Truth, evaluate

UTC = dt.UTC


# --------------------------------------------------------------------------- day counting


@dataclass(frozen=True)
class Deadline:
    at: dt.datetime
    """The limit instant."""
    inclusive: bool
    """True: a report at exactly ``at`` is on time (elapsed). False: it must be before ``at``
    (calendar days: ``at`` is the midnight that ends the last day)."""

    def on_time(self, when: dt.datetime) -> bool:
        return when <= self.at if self.inclusive else when < self.at

    def passed(self, as_of: dt.datetime) -> bool:
        return not self.on_time(as_of)

    def display(self) -> str:
        if self.inclusive:
            return self.at.isoformat()
        last_day = (self.at - dt.timedelta(days=1)).date()
        return f"end of {last_day.isoformat()} (UTC{_offset(self.at)})"


def _offset(value: dt.datetime) -> str:
    text = value.strftime("%z") or "+0000"
    return f"{text[:3]}:{text[3:]}"


def compute_deadline(start: dt.datetime, *, days: int | None = None, hours: int | None = None,
                     method: str = "elapsed") -> Deadline:
    """The deadline ``days`` (or ``hours``) after ``start`` under the counting ``method``."""
    if start.tzinfo is None or start.utcoffset() is None:
        raise ValueError("the start of a period must be timezone-aware")
    if (days is None) == (hours is None):
        raise ValueError("give exactly one of days or hours")
    if hours is not None or method == "elapsed":
        delta = dt.timedelta(hours=hours) if hours is not None else dt.timedelta(days=days or 0)
        # absolute arithmetic, shown in the start's own offset
        return Deadline((start.astimezone(UTC) + delta).astimezone(start.tzinfo), inclusive=True)
    if method == "calendar_days":
        assert days is not None
        local = start.astimezone(start.tzinfo)
        end_day = local.date() + dt.timedelta(days=days + 1)
        return Deadline(dt.datetime.combine(end_day, dt.time(0), tzinfo=start.tzinfo), inclusive=False)
    raise ValueError(f"unknown counting method {method!r}")


def describe_duration(delta: dt.timedelta) -> str:
    seconds = int(delta.total_seconds())
    days, rest = divmod(abs(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = [f"{days} d"] if days else []
    if hours or days:
        parts.append(f"{hours} h")
    if not days:
        parts.append(f"{minutes} min")
    return " ".join(parts)


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Due:
    """One occurrence of a step falling due."""

    deadline: Deadline | None
    status: str
    """met | late | overdue | open | due_immediately | no_limit | not_due | not_started | undetermined"""
    start_event: str | None = None
    start: dt.datetime | None = None
    limit: Limit | None = None
    report: Report | None = None
    note: str | None = None


@dataclass(frozen=True)
class StepResult:
    step: Step
    occurrences: tuple[Due, ...]
    earliest_possible: tuple[Deadline, Limit, tuple[str, ...]] | None = None
    """A shorter limit whose condition is unknown (the facts it needs are listed)."""
    fallback_note: str | None = None

    @property
    def current(self) -> Due:
        return self.occurrences[-1]


@dataclass(frozen=True)
class ClockResult:
    clock_id: str
    clock: Clock
    applies: Truth
    reasons: tuple[str, ...]
    missing: tuple[str, ...]
    recipient: str
    recipient_basis: str | None
    steps: tuple[StepResult, ...] = ()

    @property
    def overdue(self) -> bool:
        return self.applies is Truth.true and any(d.status == "overdue" for s in self.steps for d in s.occurrences)

    @property
    def attention(self) -> bool:
        """Something is open without a computable deadline, or may be overdue on a missing fact."""
        if self.applies is Truth.unknown:
            return True
        if not self.steps:  # a clock that does not apply (asked for every clock of every incident)
            return False
        return self.applies is Truth.true and any(
            d.status in ("due_immediately", "undetermined") for s in self.steps for d in s.occurrences
        ) or any(s.earliest_possible is not None for s in self.steps)


# --------------------------------------------------------------------------- evaluation


class ConditionCache:
    """Outcomes of clock conditions for one check run. Within a run everything a condition can
    read is fixed except the incident's own facts, so an outcome is keyed by the condition and
    the values of the ``incident.*`` fields it mentions."""

    def __init__(self) -> None:
        self._fields: dict[int, tuple[str, ...]] = {}
        self._outcomes: dict[tuple[Any, ...], Outcome] = {}

    def evaluate(self, condition: Any, ctx: Context) -> Outcome:
        if condition is None:
            return evaluate(None, ctx)
        fields = self._fields.get(id(condition))
        if fields is None:
            text = condition.model_dump_json(by_alias=True)
            fields = tuple(sorted(set(re.findall(r'"incident\.([a-z_]+)', text))))
            self._fields[id(condition)] = fields
        incident = ctx.bindings["incident"][0]
        key = (id(condition), *(repr(incident.get(f)) for f in fields))
        found = self._outcomes.get(key)
        if found is None:
            found = self._outcomes[key] = evaluate(condition, ctx)
        return found



def _start(record: Record, step: Step, reports: list[Report]) -> tuple[str | None, dt.datetime | None, int]:
    for index, event in enumerate(step.starts):
        if event is StartEvent.report:
            trigger = _satisfying(reports, step.after_report or [])
            value = trigger[0].submitted_at if trigger else None
        else:
            value = getattr(record, event.value)
        if value is not None:
            return event.value, value, index
    return None, None, -1


def _limits(step: Step, ctx: Context, start: dt.datetime, method: str, cache: ConditionCache) -> tuple[
        tuple[Deadline, Limit] | None, tuple[Deadline, Limit, tuple[str, ...]] | None, tuple[str, ...]]:
    """The binding limit (shortest whose condition holds), a shorter limit whose condition is
    unknown, and the facts missing for undetermined limits."""
    certain: list[tuple[Deadline, Limit]] = []
    possible: list[tuple[Deadline, Limit, tuple[str, ...]]] = []
    for limit in step.limits:
        outcome = cache.evaluate(limit.when, ctx)
        if outcome.truth is Truth.false:
            continue
        deadline = compute_deadline(start, days=limit.days, hours=limit.hours, method=method)
        if outcome.truth is Truth.true:
            certain.append((deadline, limit))
        else:
            possible.append((deadline, limit, outcome.missing))
    best = min(certain, key=lambda p: p[0].at) if certain else None
    shorter = [p for p in possible if best is None or p[0].at < best[0].at]
    earliest = min(shorter, key=lambda p: p[0].at) if shorter else None
    missing = tuple(dict.fromkeys(m for p in possible for m in p[2]))
    return best, earliest, missing


def _satisfying(reports: list[Report], kinds: list[ReportKind], after: dt.datetime | None = None) -> list[Report]:
    chosen = [r for r in reports if r.kind in kinds and (after is None or r.submitted_at > after)]
    return sorted(chosen, key=lambda r: r.submitted_at)


def evaluate_step(step: Step, record: Record, reports: list[Report], ctx: Context,
                  method: str, as_of: dt.datetime, cache: ConditionCache | None = None) -> StepResult:
    """Occurrences of ``step`` for the incident at ``as_of``; ``reports`` are this clock's
    reports submitted at or before ``as_of``, in time order."""
    if step.after_report:
        trigger = _satisfying(reports, step.after_report)
        if not trigger:
            kinds = " or ".join(k.value for k in step.after_report)
            return StepResult(step, (Due(None, "not_due", note=f"falls due after a report of kind {kinds}"),))
    event, start, index = _start(record, step, reports)
    fallback = None
    if index > 0:
        fallback = (f"{step.starts[0].value} is not stated; the clock runs from {event} "
                    "(earlier or equal, so the deadline is not later than the rule's)")
    if start is None:
        if StartEvent.resolved_at in step.starts and record.status != "resolved":
            return StepResult(step, (Due(None, "not_started", note="starts when the incident is resolved"),))
        names = ", ".join(f"incident.{e.value}" for e in step.starts)
        return StepResult(step, (Due(None, "undetermined", note=f"{names} is not stated"),))
    if start > as_of:
        return StepResult(step, (Due(None, "not_started", event, start, note="starts after the as-of time"),))
    if step.until_resolved and record.resolved_at is not None and record.resolved_at <= start:
        return StepResult(step, (Due(None, "not_due", event, start, note="the incident was resolved"),), None, fallback)
    best, earliest, missing = _limits(step, ctx, start, method, cache or ConditionCache())
    if not step.limits:
        done = _satisfying(reports, step.satisfied_by)
        if done:
            return StepResult(step, (Due(None, "met", event, start, report=done[0]),), None, fallback)
        status = "due_immediately" if step.immediately else "no_limit"
        return StepResult(step, (Due(None, status, event, start),), None, fallback)
    if best is None:
        note = f"the time limit depends on facts not stated: {', '.join(missing)}"
        return StepResult(step, (Due(None, "undetermined", event, start, note=note),), earliest, fallback)
    if step.repeat:
        return StepResult(step, _repeat(step, record, reports, best[1], event, start, method, as_of), earliest, fallback)
    done = _satisfying(reports, step.satisfied_by)
    return StepResult(step, (_one(best[0], best[1], done, event, start, as_of),), earliest, fallback)


def _one(deadline: Deadline, limit: Limit, done: list[Report], event: str | None,
         start: dt.datetime, as_of: dt.datetime) -> Due:
    if done:
        report = done[0]
        status = "met" if deadline.on_time(report.submitted_at) else "late"
        return Due(deadline, status, event, start, limit, report)
    return Due(deadline, "overdue" if deadline.passed(as_of) else "open", event, start, limit)


def _repeat(step: Step, record: Record, reports: list[Report], limit: Limit, event: str | None,
            start: dt.datetime, method: str, as_of: dt.datetime) -> tuple[Due, ...]:
    """A periodic report: due ``limit`` after the anchor, re-anchored at each report, until the
    incident is resolved."""
    out: list[Due] = []
    anchor = start
    resolved = record.resolved_at if record.status == "resolved" else None
    for _ in range(10_000):
        deadline = compute_deadline(anchor, days=limit.days, hours=limit.hours, method=method)
        if resolved is not None and deadline.on_time(resolved):
            break  # resolved before this update fell due
        following = _satisfying(reports, step.satisfied_by, after=anchor)
        due = _one(deadline, limit, following[:1], event if anchor == start else "report", anchor, as_of)
        out.append(due)
        if due.report is None:
            break
        anchor = due.report.submitted_at
    if not out:
        out.append(Due(None, "not_due", event, start, note="the incident was resolved"))
    return tuple(out)


def evaluate_clock(clock_id: str, clock: Clock, record: Record, reports: list[Report],
                   facts: Mapping[str, Any], classify: Callable[[str, Mapping[str, Any]], Outcome],
                   duty: tuple[Truth, tuple[str, ...], tuple[str, ...]], as_of: dt.datetime,
                   incident_facts: dict[str, Any] | None = None,
                   cache: ConditionCache | None = None) -> ClockResult:
    """Evaluate one clock for one incident. ``duty`` is (truth, reasons, missing facts) of the
    obligation the clock belongs to, decided from the assessment by the caller. ``cache`` shares
    condition outcomes between the incidents of one run."""
    cache = cache or ConditionCache()
    duty_truth, duty_reasons, duty_missing = duty
    if duty_truth is Truth.false:
        # the obligation does not apply: the incident's facts cannot change that
        return ClockResult(clock_id, clock, Truth.false, duty_reasons, (), clock.recipient, None)
    if incident_facts is None:
        incident_facts = record.to_json()
    ctx = Context(facts, as_of.astimezone(UTC).date(), classify, {"incident": (incident_facts, "incident")})
    outcome = cache.evaluate(clock.when, ctx)
    truth = _and(duty_truth, outcome.truth)
    reasons = (*duty_reasons, *(f"{s.text}: {_mark(s.truth)}" for s in outcome.steps))
    missing = tuple(dict.fromkeys((*duty_missing, *outcome.missing)))
    recipient, basis = clock.recipient, None
    for route in clock.routes or []:
        routed = cache.evaluate(route.when, ctx)
        if routed.truth is Truth.true:
            recipient, basis = route.recipient, route.citation.pinpoint
            break
        if routed.truth is Truth.unknown:
            recipient = (f"{clock.recipient}; or {route.recipient} ({route.citation.pinpoint}) if "
                         f"{', '.join(routed.missing) or 'its condition'} so require")
            missing = tuple(dict.fromkeys((*missing, *routed.missing)))
            break
    if truth is Truth.false:
        return ClockResult(clock_id, clock, truth, reasons, missing, recipient, basis)
    mine = sorted((r for r in reports if clock_id in r.clocks and r.submitted_at <= as_of),
                  key=lambda r: r.submitted_at)
    steps = tuple(evaluate_step(s, record, mine, ctx, clock.counting.method, as_of, cache) for s in clock.steps)
    return ClockResult(clock_id, clock, truth, reasons, missing, recipient, basis, steps)


def _and(a: Truth, b: Truth) -> Truth:
    if Truth.false in (a, b):
        return Truth.false
    if Truth.unknown in (a, b):
        return Truth.unknown
    return Truth.true


def _mark(truth: Truth) -> str:
    return {Truth.true: "yes", Truth.false: "no", Truth.unknown: "unknown"}[truth]
