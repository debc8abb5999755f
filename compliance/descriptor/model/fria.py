"""The deployer's fundamental rights impact assessment of the system: the deployer's processes,
the period and frequency of use, the categories of persons affected, the analysis per affected
fundamental right (persons, risk of harm, likelihood, severity, measures if it materialises),
governance and complaint arrangements, and the record of the notification of its results to the
market surveillance authority.

Every field is optional: what the assessment has not settled stays unstated and shows as a gap
in the document. Which deployers owe the assessment is decided by the rule data."""

from __future__ import annotations

import datetime as dt
from enum import Enum

from pydantic import StrictBool

from compliance.descriptor.model.common import NonEmptyText, _Model


class RiskLevel(str, Enum):
    """A rating on the assessment's own scale."""

    low = "low"
    medium = "medium"
    high = "high"
    very_high = "very_high"


class PeriodAndFrequency(_Model):
    """When, and how often, the deployer intends to use the system."""

    period: NonEmptyText | None = None
    """The period of time within which the system is intended to be used (e.g. from the start of
    live use, for the term of the contract, reviewed yearly)."""
    frequency: NonEmptyText | None = None
    """How often the system is intended to be used (e.g. on every incoming application, about
    1,200 a month)."""


class AffectedCategory(_Model):
    """A category of natural persons or a group likely to be affected in the specific context."""

    category: NonEmptyText
    """The category or group (e.g. applicants for housing benefit)."""
    context: NonEmptyText | None = None
    """How, and in which situation, they are affected by the system's use."""
    vulnerable: StrictBool | None = None
    """The category includes persons in a vulnerable situation (e.g. children, persons with
    disabilities, persons in financial hardship)."""


class RightAnalysis(_Model):
    """The analysis of one fundamental right of the EU Charter of Fundamental Rights that the
    system's use is likely to affect."""

    right: NonEmptyText
    """The right as the Charter names it, with the Charter article that lays it down (e.g.
    "Non-discrimination" and its article)."""
    persons: list[NonEmptyText] | None = None
    """The categories of persons or groups whose exercise of this right is affected (names of
    the affected categories)."""
    risk: NonEmptyText | None = None
    """The specific risk of harm to this right in this use, taking into account the provider's
    instructions for use."""
    likelihood: RiskLevel | None = None
    """How likely the harm is, before the measures: low, medium, high or very_high."""
    severity: RiskLevel | None = None
    """How severe the harm would be for those affected: low, medium, high or very_high."""
    measures: NonEmptyText | None = None
    """The measures to be taken if the risk materialises (who acts, how, and how the persons
    affected are put right)."""


class FriaNotification(_Model):
    """The notification of the assessment's results to the market surveillance authority."""

    date: dt.date | None = None
    """Date the results were notified (or are planned to be)."""
    authority: NonEmptyText | None = None
    """The market surveillance authority notified."""
    reference: NonEmptyText | None = None
    """The reference of the notification (the authority's case number or the deployer's)."""
    template: NonEmptyText | None = None
    """The template submitted with the notification (name and version), once the AI Office
    publishes one; leave unstated while there is none."""


class FundamentalRightsImpactAssessment(_Model):
    """The deployer's assessment of the impact of the system's use on fundamental rights,
    performed before first use and kept up to date."""

    processes: NonEmptyText | None = None
    """The deployer's processes in which the system is used, in line with its intended purpose
    (what the process is, who runs it, where the system's output enters it)."""
    period_and_frequency: PeriodAndFrequency | None = None
    """The period of time within which, and the frequency with which, the system is intended to
    be used."""
    affected_persons: list[AffectedCategory] | None = None
    """The categories of natural persons and groups likely to be affected in the specific
    context of use."""
    rights: list[RightAnalysis] | None = None
    """One entry per fundamental right likely to be affected, with the persons affected, the
    specific risk of harm, its likelihood and severity, and the measures if it materialises."""
    governance: NonEmptyText | None = None
    """The internal-governance arrangements for when risks materialise (who decides, escalates,
    suspends use, reviews the assessment)."""
    complaint_mechanisms: NonEmptyText | None = None
    """How affected persons can complain or seek redress, and how complaints are handled."""
    dpia_reference: NonEmptyText | None = None
    """The data protection impact assessment this assessment refers to for elements it already
    covers (title, version, date), where there is one."""
    notification: FriaNotification | None = None
    """The notification of the results to the market surveillance authority."""
