"""Incident register entries: what one line of the register holds.

The register is append-only. An entry is one of:

- ``incident``: a new incident record;
- ``amendment``: changes to fields of an earlier incident (a correction or new information is a
  new entry, never a rewrite);
- ``report``: a report made (to whom, when, of which kind, for which clock).

Every timestamp is timezone-aware (an ISO 8601 timestamp with a UTC offset). A fact that is not
stated is unknown, never false: clocks whose condition needs it show as undetermined.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    model_validator,
)

from compliance.incidents.clock_model import ReportKind

IncidentId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
Identifier = IncidentId
ClockId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")]
Text = Annotated[str, StringConstraints(min_length=1, max_length=20_000)]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
HarmCategory = Literal["a", "b", "c", "d"]
Hash = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]

#: The years a timestamp may fall in. Python's calendar ends at years 1 and 9999: a timestamp near
#: either end cannot be converted to UTC or have a reporting period added without overflowing.
YEARS = range(1900, 9000)


def _within_years(value: dt.datetime) -> dt.datetime:
    if value.year not in YEARS:
        raise ValueError(f"the year must be between {YEARS.start} and {YEARS.stop - 1}")
    return value


Timestamp = Annotated[AwareDatetime, AfterValidator(_within_years)]

# fields of an incident record that an amendment may not change
IMMUTABLE = frozenset({"id"})


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class IncidentRecord(_Model):
    """The facts about one incident, as currently known."""

    id: IncidentId
    """Stable identifier of the incident, unique in the register (e.g. INC-2028-001)."""
    title: Text
    """Short title."""
    description: Text | None = None
    """What happened."""
    system: Identifier | None = None
    """Id of the AI system concerned (the descriptor's system.id)."""
    models: list[Identifier] | None = None
    """Ids of the models concerned (the descriptor's models[].id)."""
    occurred_at: Timestamp | None = None
    """When the incident occurred (start), with UTC offset."""
    ended_at: Timestamp | None = None
    """When the incident ended, if it has."""
    aware_at: Timestamp
    """When the organisation became aware of the incident; most reporting clocks start here."""
    model_involvement_aware_at: Timestamp | None = None
    """When the organisation became aware that its general-purpose AI model was involved."""
    causal_link_at: Timestamp | None = None
    """When a causal link between the AI system and the incident (or its reasonable
    likelihood) was established or suspected."""
    serious: StrictBool | None = None
    """The incident is a serious incident: it directly or indirectly led to one of the harms
    of Art. 3(49)(a)-(d) of the AI Act (your own assessment)."""
    harm: list[HarmCategory] | None = None
    """Harm categories of Art. 3(49) ([] = none): a = death or serious harm to health,
    b = serious and irreversible disruption of critical infrastructure, c = infringement of
    Union-law obligations protecting fundamental rights, d = serious harm to property or the
    environment."""
    death: StrictBool | None = None
    """A person died."""
    widespread_infringement: StrictBool | None = None
    """The incident is a widespread infringement (Art. 3(61) AI Act)."""
    cybersecurity_breach: StrictBool | None = None
    """A serious cybersecurity breach, incl. (self-)exfiltration of model weights and
    cyberattacks (general-purpose AI models)."""
    critical_safety_incident: StrictBool | None = None
    """A critical safety incident as defined in Cal. Bus. & Prof. Code § 22757.11(d) (frontier
    models; your own assessment)."""
    imminent_risk_of_death_or_serious_injury: StrictBool | None = None
    """The incident poses an imminent risk of death or serious physical injury."""
    provider_unreachable: StrictBool | None = None
    """For deployers: the provider of the system could not be reached."""
    member_states: list[CountryCode] | None = None
    """Member States (ISO 3166-1 alpha-2) where the incident occurred."""
    persons_affected: Annotated[int, Field(ge=0)] | None = None
    """Number of persons affected."""
    corrective_measures: list[Text] | None = None
    """Corrective measures taken or planned."""
    investigation: Text | None = None
    """The investigation carried out after the incident (for providers, Art. 73(6) AI Act): what
    it found, including the risk assessment of the incident."""
    altered_before_informing: StrictBool | None = None
    """The system was altered, in a way that may affect a later evaluation of the incident's
    causes, before the competent authorities were informed of that action (Art. 73(6) AI Act
    forbids it for providers of high-risk systems)."""
    status: Literal["open", "resolved"] = "open"
    """open, or resolved (then resolved_at is required)."""
    resolved_at: Timestamp | None = None
    """When the incident was resolved."""
    notes: Text | None = None

    @model_validator(mode="after")
    def _consistent(self) -> IncidentRecord:
        if self.status == "resolved" and self.resolved_at is None:
            raise ValueError("a resolved incident needs 'resolved_at'")
        if self.status == "open" and self.resolved_at is not None:
            raise ValueError("'resolved_at' is set but status is 'open'; set status: resolved")
        if self.occurred_at is not None and self.occurred_at > self.aware_at:
            raise ValueError("'occurred_at' is after 'aware_at'")
        if self.harm is not None and len(set(self.harm)) != len(self.harm):
            raise ValueError("'harm' lists a category twice")
        return self


_RECORD_FIELDS = frozenset(IncidentRecord.model_fields)


class IncidentEntry(_Model):
    type: Literal["incident"]
    record: IncidentRecord


class AmendmentEntry(_Model):
    type: Literal["amendment"]
    incident: IncidentId
    """The incident amended."""
    changes: dict[str, Any] = Field(min_length=1)
    """New values of the changed fields (a field set to null becomes unknown again)."""
    reason: Text
    """Why the record changes (new information, a correction, ...)."""

    @model_validator(mode="after")
    def _known_fields(self) -> AmendmentEntry:
        unknown = sorted(self.changes.keys() - _RECORD_FIELDS)
        if unknown:
            raise ValueError(f"unknown field(s) in changes: {', '.join(unknown)}")
        fixed = sorted(self.changes.keys() & IMMUTABLE)
        if fixed:
            raise ValueError(f"an amendment cannot change {', '.join(fixed)}")
        return self


class ReportEntry(_Model):
    type: Literal["report"]
    incident: IncidentId
    """The incident reported on."""
    clocks: list[ClockId] = Field(min_length=1)
    """The reporting clocks this report answers (ids as shown by `incident show`)."""
    kind: ReportKind
    """notification, initial, intermediate, complete or final."""
    submitted_at: Timestamp
    """When the report was submitted."""
    recipient: Text
    """Who received it (authority, provider, ...)."""
    reference: Text | None = None
    """The recipient's reference or case number."""
    notes: Text | None = None


Body = Annotated[IncidentEntry | AmendmentEntry | ReportEntry, Field(discriminator="type")]


class Entry(_Model):
    """One line of the register (JSON Lines). ``hash`` is the SHA-256 of the line's canonical
    JSON without the ``hash`` member; ``prev`` is the previous entry's ``hash`` (64 zeros for
    the first entry)."""

    seq: Annotated[int, Field(ge=1)]
    """Position in the register, from 1."""
    prev: Hash
    """Hash of the previous entry (64 zeros for the first)."""
    recorded_at: Timestamp
    """When the entry was appended."""
    entry: Body
    """The incident, amendment or report."""
    hash: Hash


def apply_amendment(record: IncidentRecord, amendment: AmendmentEntry) -> IncidentRecord:
    """The record after an amendment (validated as a whole)."""
    data = {k: v for k, v in record.__dict__.items() if v is not None}  # typed values: re-validated fast
    for key, value in amendment.changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return IncidentRecord.model_validate(data)


def as_utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC)
