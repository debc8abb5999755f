"""Files beside the descriptor that it points to: evidence linked to obligations or document
sections, and the incident register; and the redactions made in published documents."""

from __future__ import annotations

import datetime as dt
from enum import Enum

from compliance.descriptor.model.common import NonEmptyText, RelativePath, _Model


class Evidence(_Model):
    path: RelativePath
    """File path relative to the descriptor's folder."""
    description: str | None = None
    """What the file shows."""
    obligations: list[NonEmptyText] | None = None
    """Obligation ids this evidence supports (e.g. eu.ai_act.art_09_risk_management)."""
    sections: list[NonEmptyText] | None = None
    """Document sections this evidence fills (e.g. annex_iv.2.g)."""
    date: dt.date | None = None
    """Date of the evidence."""


class Incidents(_Model):
    path: RelativePath
    """Path of the incident register (JSON Lines), relative to the descriptor's folder."""


class RedactionReason(str, Enum):
    trade_secret = "trade_secret"  # noqa: S105 - a ground for redaction, not a secret
    cybersecurity = "cybersecurity"
    public_safety = "public_safety"
    national_security = "national_security"
    compliance_with_law = "compliance_with_law"


class Redaction(_Model):
    section: NonEmptyText
    """The document section or field withheld from the published copy (its id, as evidence
    ``sections`` name it, e.g. ca_transparency_report.c_2.a). Only documents whose law allows
    redactions (e.g. Cal. Bus. & Prof. Code § 22757.12(f)) take them."""
    reason: RedactionReason
    """Why, among the grounds the law allows: trade_secret, cybersecurity, public_safety,
    national_security, compliance_with_law."""
    description: NonEmptyText
    """The character and justification of the redaction, as far as the concern that justifies it
    permits: printed in the published copy."""
