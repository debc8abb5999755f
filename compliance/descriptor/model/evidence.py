"""Files beside the descriptor that it points to: evidence linked to obligations or document
sections, and the incident register."""

from __future__ import annotations

import datetime as dt

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
