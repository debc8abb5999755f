"""Reporting clocks: the shape of ``jurisdictions/<code>/<instrument>/clocks/*.yaml``.

A clock file describes one reporting duty that starts running when something happens to an
incident (the organisation becomes aware of it, the incident is resolved, a first report is
filed) and the time limits the law (or a code of practice) sets for it. Which clocks run for an
incident is decided by the rule data: the obligation the clock belongs to must apply to the
system (from the assessment of the descriptor) and the clock's condition must hold for the
incident (``incident.*`` facts, same condition vocabulary as rules).

No legal value is written in code: days, hours, starting events, report kinds, citations and
the way days are counted all live in the clock files.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from compliance.law.models.rule import Citation, Condition, RuleId, Verification

Text = Annotated[str, StringConstraints(min_length=1)]
StepId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReportKind(str, Enum):
    """Kinds of report recorded in the incident register."""

    notification = "notification"
    """Informing another operator or authority (e.g. a deployer informing the provider)."""
    initial = "initial"
    """A first report that may be incomplete."""
    intermediate = "intermediate"
    """An update while the incident is unresolved."""
    complete = "complete"
    """A complete report (after an incomplete initial one, or straight away)."""
    final = "final"
    """The final report after the incident has been resolved."""


class StartEvent(str, Enum):
    """Events a clock can start from: incident timestamps, or the report that a follow-up
    step comes after."""

    aware_at = "aware_at"
    model_involvement_aware_at = "model_involvement_aware_at"
    causal_link_at = "causal_link_at"
    occurred_at = "occurred_at"
    resolved_at = "resolved_at"
    report = "report"
    """The first report of a kind named in the step's ``after_report`` (follow-ups)."""


class Limit(_Strict):
    """One time limit. Of all limits of a step whose condition holds, the shortest wins."""

    days: Annotated[int, Field(ge=1)] | None = None
    """The limit in days (counted as the clock file's ``counting`` says)."""
    hours: Annotated[int, Field(ge=1)] | None = None
    """The limit in hours (always elapsed time)."""
    when: Condition | None = None
    """When this limit applies (``incident.*`` facts); none: always, within the clock."""
    label: Text
    """Plain words for the case, e.g. 'death of a person'."""
    citation: Citation
    """The provision that sets this limit."""

    @model_validator(mode="after")
    def _one_unit(self) -> Limit:
        if (self.days is None) == (self.hours is None):
            raise ValueError("a limit states exactly one of 'days' or 'hours'")
        return self


class Immediately(_Strict):
    """A duty to act 'immediately', shown beside the numeric limit (it has no number)."""

    text: Text
    """What the law says, e.g. 'immediately after a causal link has been established'."""
    after: StartEvent | None = None
    """The event it runs from, when the text names one (shown with its timestamp)."""
    citation: Citation


class Step(_Strict):
    """One report that falls due: an initial report, a follow-up, a final report."""

    id: StepId
    """Identifier within the clock file (``initial``, ``intermediate``, ``final``, ...)."""
    title: Text
    starts: list[StartEvent] = Field(min_length=1)
    """The event that starts the step; the first one stated for the incident is used (later
    entries are fallbacks and are shown as such)."""
    limits: list[Limit] = []
    """Time limits; none means the text sets no time limit (the step is shown, never overdue)."""
    immediately: Immediately | None = None
    satisfied_by: list[ReportKind] = Field(min_length=1)
    """Report kinds (for this clock) that discharge the step."""
    after_report: list[ReportKind] | None = None
    """The step falls due only once a report of one of these kinds has been filed."""
    repeat: bool = False
    """Falls due again after each report, until the incident is resolved (periodic updates)."""
    until_resolved: bool = False
    """No longer falls due once the incident is resolved."""
    citation: Citation


class Counting(_Strict):
    """How periods in days are counted. Both readings are implemented; the clock file chooses
    one and states the other."""

    method: Literal["elapsed", "calendar_days"]
    """``elapsed``: start timestamp + N × 24 hours. ``calendar_days``: the day of the start
    event is not counted; the period ends at the end of the N-th following day, in the UTC
    offset of the start timestamp."""
    interpretation: Text
    """Why this reading was chosen."""
    alternative_reading: Text
    """The other reading and its effect on the deadline."""


class Route(_Strict):
    """A different recipient where a condition holds (e.g. the AI Office instead of national
    authorities)."""

    when: Condition
    recipient: Text
    citation: Citation


class Clock(_Strict):
    """One clock file."""

    format_version: Literal[1]
    title: Text
    summary: Text
    duty: RuleId | None = None
    """Id of the obligation this clock belongs to: the clock runs only where the assessment of
    the descriptor says that obligation applies (role, classification, dates). For
    model-scoped obligations, for the models the incident concerns."""
    when: Condition | None = None
    """When the clock runs for an incident (``incident.*`` facts, descriptor facts,
    classifications)."""
    recipient: Text
    """Who receives the reports."""
    routes: list[Route] | None = None
    """Other recipients where their condition holds (the first that holds wins)."""
    voluntary: bool = False
    """The timelines come from a voluntary instrument (e.g. a code of practice)."""
    voluntary_note: str | None = None
    """What the voluntary status means for the user."""
    steps: list[Step] = Field(min_length=1)
    counting: Counting
    citation: Citation
    verification: Verification
    notes: str | None = None

    @model_validator(mode="after")
    def _unique_steps(self) -> Clock:
        ids = [s.id for s in self.steps]
        if len(ids) != len(set(ids)):
            raise ValueError("step ids must be unique within a clock")
        if self.voluntary and not self.voluntary_note:
            raise ValueError("a voluntary clock must say what that means in 'voluntary_note'")
        return self
