"""Deadlines as an iCalendar file (RFC 5545), for ``compliance calendar``.

Two kinds of events, built from results the rest of the tool computes (nothing is decided here):

- one **all-day event per dated obligation that applies** (in force or upcoming) on its
  ``applies_from`` date: the calendar is a complete record, so obligations already in force keep
  their (past) date. Undetermined obligations have no date (the engine dates an obligation only
  once it applies) and are left out; :func:`undetermined_count` lets the caller say so. An
  obligation of a jurisdiction whose reach waits on an unstated fact is marked
  "(undetermined: depends on …)".
- one **timed event (UTC) per incident report that is due and not yet made**, from the reporting
  clocks of ``compliance incident check`` (:mod:`compliance.incidents.check`): open and overdue
  deadlines, reports due "immediately" (at the event they run from), and a shorter limit that may
  apply on a fact not stated ("Report may be due"). Open deadlines carry a reminder a day before.

Every event has a stable UID: a hash of the system's identity (organisation name and system id,
not the version) and of the obligation id, or of the incident, clock and step, so importing a
newer file updates the events instead of duplicating them. DTSTAMP is the as-of date at midnight
UTC and SEQUENCE is 0: the same inputs and as-of date give the same bytes.

Pure: no I/O, no clock. The only module that imports ``icalendar`` (imported by the command only).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from icalendar import Alarm, Calendar, Event, vText

from compliance.incidents.clocks import ClockResult, Deadline, Due, StepResult
from compliance.incidents.render import IncidentResult
from compliance.io.textsafe import printable
from compliance.law.engine.conditions import Truth
from compliance.law.engine.results import Assessment, ObligationResult, Verdict
from compliance.version import __version__

UTC = dt.UTC
#: Mixed into every UID. Fixed forever: changing it would change every event's identity.
_UID_NAMESPACE = "compliance-calendar-1"
NOT_LEGAL_ADVICE = "Not legal advice."
#: Report steps that are due and have no report yet (see compliance.incidents.clocks.Due.status).
_NOT_MET = ("open", "overdue")


@dataclass(frozen=True)
class SystemRef:
    """Who the events belong to: ``organisation`` and ``id`` make the identity the UIDs derive
    from (a new version of the same system keeps its UIDs); ``name`` is shown."""

    organisation: str
    id: str
    name: str

    @classmethod
    def of(cls, descriptor: Any) -> SystemRef:
        return cls(descriptor.organisation.name, descriptor.system.id, descriptor.system.name)

    @property
    def key(self) -> tuple[str, str]:
        return self.organisation, self.id


@dataclass(frozen=True)
class CalendarEvent:
    """One event: all-day when ``start`` is a date, timed (shown in UTC) when a datetime."""

    uid: str
    summary: str
    description: str
    start: dt.date | dt.datetime
    categories: tuple[str, ...]
    url: str | None = None
    alarm: bool = False
    """A display reminder one day before ``start``."""

    @property
    def instant(self) -> dt.datetime:
        """``start`` as a UTC instant (an all-day event at midnight UTC), to order events."""
        if isinstance(self.start, dt.datetime):
            return self.start.astimezone(UTC)
        return dt.datetime(self.start.year, self.start.month, self.start.day, tzinfo=UTC)


def event_uid(system: SystemRef, *parts: str) -> str:
    """``<32 hex digits>@compliance``: SHA-256 of the system's identity and ``parts``."""
    text = "\x1f".join((_UID_NAMESPACE, system.organisation, system.id, *parts))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32] + "@compliance"


def _text(value: str) -> str:
    """Text from a descriptor or register: control and bidi characters shown as escapes (RFC 5545
    admits no control characters in TEXT values; a line feed is escaped by the serialiser)."""
    return printable(value)


def _one_line(value: str) -> str:
    """:func:`_text` on one line (for summaries and names): line breaks and runs of spaces become
    one space."""
    return " ".join(_text(value).split())


def _lines(*lines: str | None) -> str:
    return "\n".join(line for line in lines if line is not None)


# --------------------------------------------------------------------------- obligations


def _subject(o: ObligationResult) -> str | None:
    if o.subject == "system":
        return None
    kind, _, ident = o.subject.partition(":")
    return f"{kind.replace('_', ' ')} {ident}"


def obligation_events(assessment: Assessment, system: SystemRef) -> list[CalendarEvent]:
    """An all-day event on ``applies_from`` for every obligation that applies (in force or
    upcoming) with a date, in the assessment's order."""
    events: list[CalendarEvent] = []
    for j in assessment.jurisdictions:
        jurisdiction = j.jurisdiction
        pending = assessment.pending_on(jurisdiction.code)
        for o in j.obligations:
            start = o.applies_from
            if o.verdict is not Verdict.applies or start is None:
                continue
            citation = o.rule.citation
            pinpoint = j.shown_pinpoint(o.rule)
            subject = _subject(o)
            shown = _one_line(system.name) + (f", {_one_line(subject)}" if subject else "")
            summary = f"{pinpoint}: {o.rule.title} ({shown})"
            if pending:
                summary += f" (undetermined: depends on {', '.join(pending)})"
            basis = o.arm.basis if o.arm is not None else None
            description = _lines(
                f"{pinpoint}: {o.rule.title}",
                f"System: {shown}",
                f"Applies from {start.isoformat()}" + (f" ({basis})" if basis else "") + ".",
                (f"Undetermined: whether the law of {jurisdiction.name} reaches the system depends on "
                 f"{', '.join(pending)}, which the descriptor does not state.") if pending else None,
                "Why:",
                *(f"- {_text(step.sentence)}" for step in o.steps),
                f"Obligation: {o.id}",
                f"Jurisdiction: {jurisdiction.name} ({jurisdiction.code})",
                NOT_LEGAL_ADVICE,
            )
            events.append(CalendarEvent(event_uid(system, "obligation", o.id), summary, description, start,
                                        (jurisdiction.code,), citation.url))
    return events


def undetermined_count(assessment: Assessment) -> int:
    """How many obligations are undetermined (and so have no date and no event)."""
    return sum(1 for o in assessment.obligations() if o.verdict is Verdict.undetermined)


# --------------------------------------------------------------------------- incident reports


def _due_at(deadline: Deadline) -> dt.datetime:
    """The last on-time instant: the deadline itself when a report at that instant is on time
    (elapsed time), else the second before (calendar days end at midnight, exclusive)."""
    at = deadline.at if deadline.inclusive else deadline.at - dt.timedelta(seconds=1)
    return at.astimezone(UTC)


def _period(days: int | None, hours: int | None) -> str:
    return f"{days} days" if days is not None else f"{hours} hours"


@dataclass(frozen=True)
class _Report:
    """What every event of one report step shares."""

    system: SystemRef
    incident: IncidentResult
    clock: ClockResult
    step: StepResult
    as_of: dt.datetime

    @property
    def jurisdiction(self) -> str:
        return self.clock.clock_id.split(".", 1)[0]  # clock ids are <code>.<instrument>.<stem>

    def uid(self, *extra: str) -> str:
        return event_uid(self.system, "incident", self.incident.state.record.id, self.clock.clock_id,
                         self.step.step.id, *extra)

    def summary(self, head: str, citation: str, depends: Sequence[str] = ()) -> str:
        text = f"{head}: {citation} — incident {_one_line(self.incident.state.record.id)} ({_one_line(self.system.name)})"
        missing = tuple(dict.fromkeys((*(self.clock.missing if self.clock.applies is Truth.unknown else ()),
                                       *depends)))
        if missing or self.clock.applies is Truth.unknown:
            text += f" (undetermined: depends on {', '.join(missing) or 'facts not stated'})"
        return text

    def description(self, *middle: str | None) -> str:
        record = self.incident.state.record
        clock = self.clock.clock
        step = self.step.step
        return _lines(
            f"{step.title}: {clock.title} ({clock.citation.pinpoint})",
            f"System: {_one_line(self.system.name)}",
            f"Incident {_text(record.id)}: {_text(record.title)} (aware {record.aware_at.isoformat()})",
            *middle,
            f"Recipient: {_text(self.clock.recipient)}",
            (f"Undetermined: whether this clock runs depends on {', '.join(self.clock.missing) or 'facts not stated'} "
             "(see compliance incident check).") if self.clock.applies is Truth.unknown else None,
            f"Voluntary: {clock.voluntary_note}" if clock.voluntary and clock.voluntary_note else None,
            f"Clock: {self.clock.clock_id}, step {step.id}",
            NOT_LEGAL_ADVICE,
        )

    def url(self, own: str | None) -> str | None:
        return own or self.step.step.citation.url or self.clock.clock.citation.url

    def events(self) -> list[CalendarEvent]:
        due = self.step.current
        out: list[CalendarEvent] = []
        if due.status in _NOT_MET and due.deadline is not None and due.limit is not None:
            out.append(self._deadline_event(due, due.deadline))
        elif due.status == "due_immediately" and due.start is not None and self.step.step.immediately:
            out.append(self._immediate_event(due, due.start))
        earliest = self.step.earliest_possible
        if earliest is not None and due.status in (*_NOT_MET, "undetermined"):
            out.append(self._earliest_event(*earliest))
        return out

    def _deadline_event(self, due: Due, deadline: Deadline) -> CalendarEvent:
        limit = due.limit
        assert limit is not None
        state = ("overdue: no report recorded by the deadline" if due.status == "overdue"
                 else "open: no report recorded yet")
        description = self.description(
            f"Due: {deadline.display()}" + ("" if deadline.inclusive else " (a report must be in before midnight)"),
            f"Limit: {_period(limit.days, limit.hours)} from {due.start_event} ({limit.label}, "
            f"{limit.citation.pinpoint})",
            f"As of {self.as_of.isoformat()}: {state}.",
        )
        return CalendarEvent(self.uid(), self.summary("Report due", limit.citation.pinpoint), description,
                             _due_at(deadline), (self.jurisdiction,), self.url(limit.citation.url),
                             alarm=due.status == "open")

    def _immediate_event(self, due: Due, start: dt.datetime) -> CalendarEvent:
        immediately = self.step.step.immediately
        assert immediately is not None
        description = self.description(
            f"Due: {immediately.text} ({immediately.citation.pinpoint}); no time limit in days. The event is "
            f"placed at {due.start_event} ({start.isoformat()}).",
            f"As of {self.as_of.isoformat()}: no report recorded yet.",
        )
        return CalendarEvent(self.uid(), self.summary("Report due immediately", immediately.citation.pinpoint),
                             description, start.astimezone(UTC), (self.jurisdiction,),
                             self.url(immediately.citation.url))

    def _earliest_event(self, deadline: Deadline, limit: Any, missing: tuple[str, ...]) -> CalendarEvent:
        description = self.description(
            f"May be due: {deadline.display()} — {_period(limit.days, limit.hours)}: {limit.label} "
            f"({limit.citation.pinpoint}) — if {', '.join(missing)}: state the fact (compliance incident add "
            "--amends).",
        )
        return CalendarEvent(self.uid("earliest"),
                             self.summary("Report may be due", limit.citation.pinpoint, missing),
                             description, _due_at(deadline), (self.jurisdiction,), self.url(limit.citation.url),
                             alarm=not deadline.passed(self.as_of))


def incident_events(incidents: Iterable[IncidentResult], system: SystemRef,
                    as_of: dt.datetime) -> list[CalendarEvent]:
    """The events of every report step that is due and not yet made, for the incidents of
    ``compliance incident check`` evaluated at ``as_of``: clocks that apply or are undetermined
    (the latter marked so), one event per step (a periodic report's next update moves the same
    event), plus one for a shorter limit that may apply on a missing fact."""
    events: list[CalendarEvent] = []
    for incident in incidents:
        for clock in incident.clocks:
            if clock.applies is Truth.false:
                continue
            for step in clock.steps:
                events.extend(_Report(system, incident, clock, step, as_of).events())
    return events


def undated_steps(incidents: Iterable[IncidentResult]) -> int:
    """Report steps of clocks that apply (or may) whose due time cannot be computed (a start
    or a limit depends on a fact not stated) and that have no event."""
    return sum(1 for i in incidents for c in i.clocks if c.applies is not Truth.false for s in c.steps
               if s.current.status == "undetermined" and s.earliest_possible is None)


# --------------------------------------------------------------------------- the file


def calendar_name(systems: Sequence[SystemRef]) -> str:
    names = " + ".join(_one_line(s.name) for s in systems)
    return f"Compliance deadlines: {names}" if names else "Compliance deadlines"


def calendar_bytes(events: Iterable[CalendarEvent], as_of: dt.date, name: str) -> bytes:
    """The iCalendar file: the events in time order (then by UID), DTSTAMP the as-of date at
    midnight UTC. Raises ValueError when two events share a UID (a caller's bug)."""
    cal = Calendar()
    cal.add("prodid", f"-//compliance//{__version__}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    # X- properties are written as given: vText escapes commas, semicolons and backslashes
    cal.add("x-wr-calname", vText(_one_line(name)))
    cal.add("x-wr-caldesc", vText(f"Dated obligations and incident-report deadlines as of {as_of.isoformat()}. "
                                  f"{NOT_LEGAL_ADVICE}"))
    stamp = dt.datetime(as_of.year, as_of.month, as_of.day, tzinfo=UTC)
    seen: set[str] = set()
    for item in sorted(events, key=lambda e: (e.instant, e.uid)):
        if item.uid in seen:
            raise ValueError(f"two events share the UID {item.uid}")
        seen.add(item.uid)
        cal.add_component(_event(item, stamp))
    data: bytes = cal.to_ical()
    return data


def _event(item: CalendarEvent, stamp: dt.datetime) -> Event:
    event = Event()
    event.add("uid", item.uid)
    event.add("dtstamp", stamp)
    event.add("sequence", 0)
    event.add("summary", item.summary)
    event.add("description", item.description)
    if isinstance(item.start, dt.datetime):
        event.add("dtstart", item.start.astimezone(UTC))
    else:
        event.add("dtstart", item.start)
        event.add("dtend", item.start + dt.timedelta(days=1))
    event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
    event.add("categories", list(item.categories))
    if item.url:
        event.add("url", item.url)
    if item.alarm:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", item.summary)
        alarm.add("trigger", dt.timedelta(days=-1))
        event.add_component(alarm)
    return event
