"""The register as held in memory: compact copies of validated entries, folded into incidents.

Every line is validated with the models of :mod:`compliance.incidents.model` (their messages
name the bad field), then kept as one of these slotted objects instead of the model instances:
a register of 100,000 entries then takes tens of MB rather than hundreds, and the cyclic garbage
collector has far fewer containers to walk. The values are the very objects validation produced
(strings, timezone-aware datetimes, lists), so nothing is parsed or converted twice, and
:meth:`Record.to_json` and :meth:`Report.to_json` give exactly what ``model_dump(mode="json",
exclude_none=True)`` of the models gives. Treat them as immutable: a record is shared by the
entry that recorded it and the incident's state until an amendment replaces it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import Any, ClassVar, Literal

from pydantic_core import SchemaSerializer, core_schema

from compliance.incidents.clock_model import ReportKind
from compliance.incidents.model import AmendmentEntry, IncidentEntry, IncidentRecord, ReportEntry

#: pydantic's own JSON form of a datetime (``Z`` for UTC), as ``model_dump(mode="json")`` writes it
_datetime_json = SchemaSerializer(core_schema.datetime_schema()).to_python


def _json(value: Any) -> Any:
    if type(value) is list:
        return list(value)
    if isinstance(value, dt.datetime):
        return _datetime_json(value, mode="json")
    return value


@dataclass(slots=True, eq=False)
class Record:
    """An incident record: the fields of :class:`~compliance.incidents.model.IncidentRecord`, in
    its order (checked below), with the values validation gave them."""

    id: str
    title: str
    description: str | None
    system: str | None
    models: list[str] | None
    occurred_at: dt.datetime | None
    ended_at: dt.datetime | None
    aware_at: dt.datetime
    model_involvement_aware_at: dt.datetime | None
    causal_link_at: dt.datetime | None
    serious: bool | None
    harm: list[str] | None
    death: bool | None
    widespread_infringement: bool | None
    cybersecurity_breach: bool | None
    critical_safety_incident: bool | None
    imminent_risk_of_death_or_serious_injury: bool | None
    provider_unreachable: bool | None
    member_states: list[str] | None
    persons_affected: int | None
    corrective_measures: list[str] | None
    investigation: str | None
    altered_before_informing: bool | None
    status: Literal["open", "resolved"]
    resolved_at: dt.datetime | None
    notes: str | None

    @classmethod
    def of(cls, model: IncidentRecord) -> Record:
        return cls(**model.__dict__)

    def to_json(self) -> dict[str, Any]:
        """As ``IncidentRecord.model_dump(mode="json", exclude_none=True)``."""
        return {name: _json(value) for name, value in zip(RECORD_FIELDS, _values(self), strict=True)
                if value is not None}

    def changed(self, changes: dict[str, Any]) -> Record:
        """The record after an amendment's ``changes`` (a field set to None becomes unknown),
        validated as a whole; raises pydantic's ValidationError as
        :func:`~compliance.incidents.model.apply_amendment` does."""
        data = {name: value for name, value in zip(RECORD_FIELDS, _values(self), strict=True) if value is not None}
        for key, value in changes.items():
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
        return Record.of(IncidentRecord.model_validate(data))


RECORD_FIELDS: tuple[str, ...] = tuple(IncidentRecord.model_fields)
_values = attrgetter(*RECORD_FIELDS)
if tuple(f.name for f in fields(Record)) != RECORD_FIELDS:  # pragma: no cover - a model changed
    raise ImportError("compliance.incidents.state.Record does not match IncidentRecord's fields")


@dataclass(slots=True, eq=False)
class Reported:
    """An ``incident`` entry: a new incident record."""

    record: Record
    type: ClassVar[str] = "incident"


@dataclass(slots=True, eq=False)
class Amendment:
    """An ``amendment`` entry."""

    incident: str
    changes: dict[str, Any]
    reason: str
    type: ClassVar[str] = "amendment"


@dataclass(slots=True, eq=False)
class Report:
    """A ``report`` entry: a report made for some clocks of an incident."""

    incident: str
    clocks: list[str]
    kind: ReportKind
    submitted_at: dt.datetime
    recipient: str
    reference: str | None = None
    notes: str | None = None
    type: ClassVar[str] = "report"

    def to_json(self) -> dict[str, Any]:
        """As ``ReportEntry.model_dump(mode="json", exclude_none=True)``."""
        out: dict[str, Any] = {"type": "report", "incident": self.incident, "clocks": list(self.clocks),
                               "kind": self.kind.value, "submitted_at": _datetime_json(self.submitted_at, mode="json"),
                               "recipient": self.recipient}
        if self.reference is not None:
            out["reference"] = self.reference
        if self.notes is not None:
            out["notes"] = self.notes
        return out


Body = Reported | Amendment | Report


@dataclass(slots=True, eq=False)
class Logged:
    """One verified register entry as kept: its position, time, hash and body (``prev`` is the
    hash of the entry before it)."""

    seq: int
    recorded_at: dt.datetime
    hash: str
    entry: Body


def kept(body: IncidentEntry | AmendmentEntry | ReportEntry) -> Body:
    """The compact copy of a validated entry body."""
    if isinstance(body, IncidentEntry):
        return Reported(Record.of(body.record))
    if isinstance(body, AmendmentEntry):
        return Amendment(body.incident, body.changes, body.reason)
    return Report(body.incident, body.clocks, body.kind, body.submitted_at, body.recipient, body.reference,
                  body.notes)


@dataclass(slots=True, eq=False)
class IncidentState:
    """An incident as currently known, with its history and the reports made."""

    record: Record
    entries: list[Logged] = field(default_factory=list)
    """Every entry about this incident, in register order."""
    reports: list[Report] = field(default_factory=list)
