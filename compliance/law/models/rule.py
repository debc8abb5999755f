"""Rule data: the shape of every YAML file under ``jurisdictions/``.

A rule is one of three kinds:

- ``classification`` derives a fact about the system or a model (high-risk, GPAI model, ...),
- ``obligation`` is a duty owed by an addressee, with dated effect,
- ``check`` is a descriptor finding shown by ``compliance validate`` (e.g. a contradictory
  claim), with the provision it rests on.

Conditions use a small closed vocabulary (``all``/``any``/``not``/``some`` and comparisons on
facts or classifications); there is no ``eval`` and no code in rule files.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, StringConstraints, model_validator

RuleId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")]
Text = Annotated[str, StringConstraints(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --------------------------------------------------------------------------- conditions


class Operand(_Strict):
    """A computed comparison operand: another fact (optionally scaled) or the as-of date."""

    fact: str | None = None
    """Dotted path of another fact."""
    times: float | None = None
    """Multiply the other fact by this factor (e.g. 0.3333 for one third)."""
    as_of: Literal[True] | None = None
    """Compare against the evaluation date."""

    @model_validator(mode="after")
    def _one_source(self) -> Operand:
        if (self.fact is None) == (self.as_of is None):
            raise ValueError("an operand names exactly one of 'fact' or 'as_of'")
        if self.times is not None and self.fact is None:
            raise ValueError("'times' needs 'fact'")
        return self


Scalar = bool | int | float | str | dt.date
Value = Scalar | list[Scalar] | Operand


class Leaf(_Strict):
    """A comparison on one fact. Exactly one operator is given."""

    fact: str
    """Dotted fact path, e.g. ``organisation.public_authority``; inside ``some``, a path
    starting with ``.`` is relative to the current element."""
    label: str | None = None
    """Plain-language wording of the test, used in explanations."""
    equals: Value | None = None
    in_: list[Scalar] | None = Field(default=None, alias="in")
    contains: Scalar | None = None
    contains_any: list[Scalar] | None = None
    gt: Value | None = None
    gte: Value | None = None
    lt: Value | None = None
    lte: Value | None = None
    is_set: bool | None = None
    """True when the fact is stated (any value); never undetermined."""
    is_empty: bool | None = None
    """True when the fact is an empty list."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    _operator: str = PrivateAttr(default="")

    @model_validator(mode="after")
    def _one_operator(self) -> Leaf:
        ops = [name for name in OPERATORS if getattr(self, name) is not None]
        if len(ops) != 1:
            raise ValueError(
                f"a fact test needs exactly one operator ({', '.join(OPERATOR_NAMES)}); "
                f"found {len(ops) or 'none'}"
            )
        self._operator = ops[0]
        return self

    @property
    def operator(self) -> str:
        return self._operator

    @property
    def operand(self) -> Any:
        return getattr(self, self._operator)


OPERATORS = ("equals", "in_", "contains", "contains_any", "gt", "gte", "lt", "lte", "is_set", "is_empty")
OPERATOR_NAMES = tuple(name.rstrip("_") for name in OPERATORS)


class ClassificationRef(_Strict):
    classification: RuleId
    """Id of a classification rule; true when that classification holds."""
    label: str | None = None


class All(_Strict):
    all: list[Condition]
    label: str | None = None


class AnyOf(_Strict):
    any: list[Condition]
    label: str | None = None


class Not(_Strict):
    not_: Condition = Field(alias="not")
    label: str | None = None
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Some(_Strict):
    some: str
    """Dotted path of a list fact; true when at least one element satisfies ``where``."""
    where: Condition
    """Condition evaluated for each element (relative paths start with ``.``)."""
    label: str | None = None


Condition = Annotated[All | AnyOf | Not | Some | ClassificationRef | Leaf, Field(union_mode="left_to_right")]
All.model_rebuild()
AnyOf.model_rebuild()
Not.model_rebuild()
Some.model_rebuild()


# --------------------------------------------------------------------------- citations, dates


class Citation(_Strict):
    instrument: Text
    """Key of an instrument declared in the jurisdiction's ``jurisdiction.yaml``."""
    pinpoint: Text
    """Canonical pinpoint: ``Art. 26(1)``, ``Annex III(4)(a)``, ``Art. 6(3) last subpara.``."""
    text: Text
    """A short quote or a paraphrase of the provision."""
    verbatim: bool = False
    """Whether ``text`` is a verbatim quote (otherwise a paraphrase)."""
    url: str | None = None
    """Where to read the provision."""


class DateSelector(_Strict):
    """The earliest date among the elements of a list fact that satisfy a condition, e.g. the
    first significant design change made on or after a cut-off date."""

    earliest: str
    """Dotted path of a list fact (e.g. system.lifecycle.design_changes)."""
    where: Condition | None = None
    """Condition on each element (relative paths start with '.')."""
    field: str
    """Date field of the element (relative, without the leading dot), e.g. 'date'."""


class Arm(_Strict):
    """One dated arm of a rule's effect: the rule is effective in ``[from, until)`` when
    ``when`` holds."""

    from_: dt.date = Field(alias="from")
    """First day of effect (inclusive)."""
    until: dt.date | None = None
    """Day effect ends (exclusive)."""
    when: Condition | None = None
    """Extra condition for this arm (e.g. the route to high risk)."""
    basis: Text
    """The provision that sets this date, e.g. ``Art. 113, third para., point (c)(i)``."""
    not_before: DateSelector | None = None
    """Take effect no earlier than the selected date (e.g. a legacy system becomes subject to
    the rules on the date of its first significant design change); ignored when none matches."""
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _ordered(self) -> Arm:
        if self.until is not None and self.until <= self.from_:
            raise ValueError("'until' must be after 'from'")
        return self


class VerificationStatus(str, Enum):
    verified = "verified"
    interpretation = "interpretation"
    contested = "contested"


class Verification(_Strict):
    checked_against: Text
    """The legal text the rule was checked against (instrument, version, where read)."""
    checked_on: dt.date
    """When it was checked."""
    status: VerificationStatus
    """verified (matches the text), interpretation (a reading the text does not state
    expressly) or contested (reasonable readings differ)."""
    alternative_reading: str | None = None
    """The other reading, for interpretation or contested rules."""
    sources: list[str] | None = None
    """Further sources consulted."""

    @model_validator(mode="after")
    def _alternative_required(self) -> Verification:
        if self.status is not VerificationStatus.verified and not self.alternative_reading:
            raise ValueError("an interpretation or contested rule must state 'alternative_reading'")
        return self


class Kind(str, Enum):
    classification = "classification"
    obligation = "obligation"
    check = "check"


class Scope(str, Enum):
    system = "system"
    model = "model"
    use_case = "use_case"


class Rule(_Strict):
    """One rule file."""

    format_version: Literal[1]
    kind: Kind
    scope: Scope = Scope.system
    """What the rule is evaluated for: the system, each model, or each use case."""
    title: Text
    label: Text | None = None
    """For classifications: the classification as a clause about its subject ("the system is a
    legacy high-risk system (Art. 111(2))"), read as a sentence wherever a condition refers to it
    without a label of its own (the title otherwise)."""
    summary: Text
    """Plain-language summary."""
    addressees: list[str] | None = None
    """Roles that owe the obligation (obligations only)."""
    citation: Citation
    condition: Condition | None = None
    """When the rule applies (obligations, checks) or holds (classifications)."""
    effective: list[Arm] | None = None
    """Dated effect; required for obligations."""
    grants_role: str | None = None
    """For classifications: a role the organisation takes on when this holds (Art. 25-style)."""
    depends_on: list[RuleId] | None = None
    part_of: RuleId | None = None
    documents: list[Text] | None = None
    """Document sections this obligation feeds, e.g. ``annex_iv`` or ``annex_iv.2``."""
    severity: Literal["error", "warning"] | None = None
    """For checks: how the finding is reported."""
    message: str | None = None
    """For checks: what the user sees."""
    hint: str | None = None
    """For checks: how to fix it."""
    at: str | None = None
    """For checks: the fact path (relative to the scope) the finding points at."""
    verification: Verification
    notes: str | None = None

    @model_validator(mode="after")
    def _kind_fields(self) -> Rule:
        if self.kind is Kind.obligation:
            if not self.effective:
                raise ValueError("an obligation needs at least one 'effective' arm")
            if not self.addressees:
                raise ValueError("an obligation needs 'addressees'")
        if self.kind is Kind.check and not (self.message and self.severity and self.condition):
            raise ValueError("a check needs 'condition', 'severity' and 'message'")
        if self.kind is not Kind.classification and self.grants_role:
            raise ValueError("only classifications may grant a role")
        if self.kind is not Kind.classification and self.label:
            raise ValueError("only classifications carry a 'label' of their own")
        return self


class Instrument(_Strict):
    title: Text
    short: Text
    """Short name used in citations, e.g. 'AI Act'."""
    identifier: str | None = None
    """ELI, CELEX or official-journal reference."""
    url: str | None = None
    amended_by: list[str] | None = None
    binding: bool = True
    """False for guidance, voluntary codes and instruments repealed before they took effect: such
    an instrument needs no coverage map (``coverage/``); a binding one cited by rules does."""


class Tier(_Strict):
    id: Text
    label: Text
    when: Condition | None = None
    """The first tier whose condition holds is the system's tier; omit for the fallback."""
    blocking: str | None = None
    """For a tier that bars the system (a prohibited practice): what the law forbids, with its
    citation. Every output then leads with it and shows the other duties as secondary."""


class Highlight(_Strict):
    id: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
    label: Text
    """Short column label for fleet views, e.g. 'GPAI'."""
    classification: RuleId
    """Shown when this classification holds for the system or any of its models."""
    headline: Text | None = None
    """How documents lead with it when it holds, ahead of the system's tier (e.g. 'General-purpose
    AI model with systemic risk'). Highlights are listed from the least to the most significant;
    documents lead with the most significant headline that holds."""


class Jurisdiction(_Strict):
    format_version: Literal[1]
    code: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
    name: Text
    rules_version: Text
    markets: list[str]
    """Descriptor market codes that select this jurisdiction (e.g. EU, US-CA)."""
    also_selected_when: Condition | None = None
    """A further condition (system scope) that selects the jurisdiction although none of its
    markets is listed, e.g. output used in the EU."""
    instruments: dict[str, Instrument]
    tiers: list[Tier] | None = None
    highlights: list[Highlight] | None = None
    """Classifications worth a column in fleet views (`compliance status`)."""
    disclaimer: str | None = None
