"""The root of the descriptor: ``Descriptor``, one AI system and the organisation that
describes it, with its models, evidence, incident register and redactions."""

from __future__ import annotations

from typing import Literal

from compliance.descriptor.model.ai_models import AIModel
from compliance.descriptor.model.common import _Model
from compliance.descriptor.model.evidence import Evidence, Incidents, Redaction
from compliance.descriptor.model.organisation import Organisation
from compliance.descriptor.model.system import System


class Descriptor(_Model):
    """An AI-system descriptor: the facts about one AI system and the organisation that
    describes it."""

    schema_version: Literal[1]
    """Version of the descriptor format. Currently 1."""
    organisation: Organisation
    """The organisation describing the system."""
    system: System
    """The AI system."""
    models: list[AIModel] | None = None
    """The AI models in or behind the system ([] = none)."""
    evidence: list[Evidence] | None = None
    """Evidence files linked to obligations or document sections."""
    incidents: Incidents | None = None
    """Where the incident register lives."""
    redactions: list[Redaction] | None = None
    """Parts of published documents withheld from their public copy (build --release), each with
    its ground and the statement of its character and justification; the draft keeps them."""
