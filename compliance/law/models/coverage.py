"""Coverage maps: ``jurisdictions/<code>/<instrument>/coverage/*.yaml`` list every provision of an
instrument that imposes a duty, grants a right, sets a condition or an exception, and say how
the project accounts for it: the rules that encode it, the documents that render it, the
descriptor facts that state it, or why it is not modelled.

The files also declare the instrument's structure (every article, annex or section), so a unit
left out of the map is found: a provision is either covered or explained, never forgotten.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

RuleId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")]
Text = Annotated[str, StringConstraints(min_length=1)]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]

ProvisionKind = Literal[
    "duty",          # an operator must do something
    "prohibition",   # an operator must not do something
    "right",         # a person or operator may claim something
    "condition",     # a condition on which a duty, a classification or a right depends
    "exception",     # an exemption or derogation from a duty or a prohibition
    "scope",         # who and what the instrument reaches; subject matter
    "definition",    # a defined term the rules read as a fact
    "procedure",     # how authorities, bodies or the Commission act
    "penalty",       # fines and sanctions
    "transitional",  # dates, entry into force, grandfathering
    "amendment",     # amendments to other acts
]

NotModelledReason = Literal[
    "public_bodies",     # addressed to the Commission, Member States, authorities, notified bodies
    "no_operator_duty",  # subject matter, recitals of purpose, amendments of other acts
    "procedural",        # procedure, penalties, powers of authorities (no fact of the system decides it)
    "voluntary",         # participation is voluntary (codes of conduct, sandboxes)
    "not_yet",           # an operator provision the tool does not model yet: the note says why
]
# Reasons under which the provision still concerns an operator: they count against the share
# covered (the others are outside what a system's facts can decide).
OPERATOR_REASONS: frozenset[str] = frozenset({"voluntary", "not_yet"})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NotModelled(_Strict):
    reason: NotModelledReason
    note: Text
    """Why, in one or two sentences (what is missing, who it addresses)."""


class Provision(_Strict):
    pinpoint: Text
    """Canonical pinpoint, e.g. 'Art. 25(4)', 'Annex III(4)(a)', 'Art. 5(1)(h), 5(2)'."""
    kind: ProvisionKind
    summary: Text
    """One line: what the provision does."""
    addressees: list[Key] = Field(default_factory=list)
    """Who it addresses: provider, deployer, importer, distributor, authorised_representative,
    product_manufacturer, third_party_supplier, affected_person, member_state, commission,
    ai_office, board, notified_body, market_surveillance_authority, ..."""
    rules: list[RuleId] = Field(default_factory=list)
    """Rule ids (obligations, classifications, checks) that encode it."""
    documents: list[Text] = Field(default_factory=list)
    """Document tags (as in a rule's ``documents:``) whose template renders it."""
    facts: list[Text] = Field(default_factory=list)
    """Descriptor fact paths that state it (a definition or condition read as a fact)."""
    not_modelled: NotModelled | None = None
    contested: str | None = None
    """When the reading is contested: the other reading."""

    @model_validator(mode="after")
    def _accounted_once(self) -> Provision:
        encoded = bool(self.rules or self.documents or self.facts)
        if encoded == (self.not_modelled is not None):
            raise ValueError("give either rules/documents/facts (how it is encoded) or not_modelled "
                             "(why not), not both and not neither")
        return self

    @property
    def covered(self) -> bool:
        return self.not_modelled is None


class Unit(_Strict):
    unit: Text
    """A top-level unit of the instrument as the structure names it: 'Art. 25', 'Annex III'."""
    title: Text
    provisions: list[Provision] = Field(min_length=1)


class UnitRange(_Strict):
    """Units numbered from ``start`` to ``end``: ``pattern`` holds ``{n}`` (arabic) or
    ``{roman}`` (upper-case roman numeral)."""

    pattern: Text
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Structure(_Strict):
    ranges: list[UnitRange] = Field(default_factory=list)
    extra: list[Text] = Field(default_factory=list)
    """Units outside the ranges (e.g. articles inserted by an amendment: 'Art. 4a')."""
    repealed: list[Text] = Field(default_factory=list)
    """Units in a range that no longer exist (deleted by an amendment): not expected."""


class CoverageFile(_Strict):
    format_version: Literal[1]
    checked_against: Text
    """The text the provisions were listed from (consolidated version, source, date)."""
    checked_on: dt.date
    structure: Structure | None = None
    """The instrument's units; declared in exactly one file of the instrument."""
    units: list[Unit] = Field(default_factory=list)
