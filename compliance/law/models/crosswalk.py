"""Crosswalk data: ``jurisdictions/_crosswalks/*.yaml`` maps provisions of one law to the
subcategories and controls of voluntary frameworks (e.g. EU AI Act ↔ NIST AI RMF ↔ ISO/IEC
42001 Annex A).

A mapping shows where evidence can be shared, not legal equivalence. Every row says whether it
comes from a published crosswalk (naming it) or is the project's own mapping. The framework id
vocabularies are part of the data, so a row can only name ids the file declares.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

RuleId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")]
Text = Annotated[str, StringConstraints(min_length=1)]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Framework(_Strict):
    title: Text
    """Full title and version, e.g. 'NIST AI Risk Management Framework 1.0 (NIST AI 100-1)'."""
    url: str | None = None
    """Where the framework is published."""
    ids: dict[Text, Text] = Field(min_length=1)
    """Every subcategory or control id the framework defines, with its (short) title."""


class Source(_Strict):
    id: Key
    """Key used by rows and published pairs to name this source."""
    title: Text
    """Title and publisher of the published crosswalk."""
    url: str | None = None
    """Where it is published."""
    note: str | None = None
    """What it covers and how it is read here."""


class PublishedPairs(_Strict):
    """A published mapping between two frameworks, e.g. NIST subcategory → ISO controls."""

    source: Key
    """The source (in ``sources``) these pairs come from."""
    from_framework: Key
    """Framework whose ids are the keys of ``pairs``."""
    to_framework: Key
    """Framework whose ids are the values of ``pairs``."""
    pairs: dict[Text, list[Text]]
    """Id in ``from_framework`` → ids in ``to_framework`` the source pairs with it."""


class EuProvision(_Strict):
    pinpoint: Text
    """Canonical pinpoint of the provision, e.g. 'Art. 9'."""
    obligations: list[RuleId] = Field(default_factory=list)
    """Obligation ids in the rule data that implement this provision (checked by the lint)."""


class Row(_Strict):
    id: Key
    """Stable id of the row."""
    topic: Text
    """One line: what the provision requires."""
    provision: EuProvision
    frameworks: dict[Key, list[Text]]
    """Framework key → the ids this provision maps to."""
    source: Literal["published", "project"]
    """'published' when the row itself comes from a published crosswalk (name it in
    ``source_ref``); 'project' when it is this project's own mapping."""
    source_ref: Key | None = None
    """The published source, when ``source`` is 'published'."""
    note: str | None = None

    @model_validator(mode="after")
    def _source_named(self) -> Row:
        if self.source == "published" and not self.source_ref:
            raise ValueError("a published row must name its source in 'source_ref'")
        if self.source == "project" and self.source_ref:
            raise ValueError("a project row has no 'source_ref'")
        return self


class CrosswalkVerification(_Strict):
    checked_against: Text
    """What the ids and published pairs were checked against."""
    checked_on: dt.date
    notes: str | None = None


class Crosswalk(_Strict):
    """One crosswalk file."""

    format_version: Literal[1]
    title: Text
    jurisdiction: Key
    """The jurisdiction whose provisions the rows map (e.g. 'eu')."""
    disclaimer: Text
    """What a mapping means and does not mean; shown with every output."""
    frameworks: dict[Key, Framework] = Field(min_length=1)
    sources: list[Source] = Field(default_factory=list)
    published_pairs: list[PublishedPairs] = Field(default_factory=list)
    rows: list[Row] = Field(min_length=1)
    verification: CrosswalkVerification

    @model_validator(mode="after")
    def _references(self) -> Crosswalk:
        problems: list[str] = []
        source_ids = [s.id for s in self.sources]
        if len(set(source_ids)) != len(source_ids):
            problems.append("duplicate source id")
        row_ids = [r.id for r in self.rows]
        if len(set(row_ids)) != len(row_ids):
            problems.append("duplicate row id")
        for pp in self.published_pairs:
            if pp.source not in source_ids:
                problems.append(f"published pairs name unknown source {pp.source!r}")
            for key in (pp.from_framework, pp.to_framework):
                if key not in self.frameworks:
                    problems.append(f"published pairs name unknown framework {key!r}")
            if pp.from_framework in self.frameworks and pp.to_framework in self.frameworks:
                known_from = self.frameworks[pp.from_framework].ids
                known_to = self.frameworks[pp.to_framework].ids
                for left, rights in pp.pairs.items():
                    if left not in known_from:
                        problems.append(f"published pair id {left!r} is not in {pp.from_framework}")
                    problems.extend(f"published pair id {r!r} is not in {pp.to_framework}"
                                    for r in rights if r not in known_to)
        for row in self.rows:
            if row.source_ref and row.source_ref not in source_ids:
                problems.append(f"row {row.id}: unknown source {row.source_ref!r}")
            for key, ids in row.frameworks.items():
                if key not in self.frameworks:
                    problems.append(f"row {row.id}: unknown framework {key!r}")
                    continue
                problems.extend(f"row {row.id}: {i!r} is not an id of {key}"
                                for i in ids if i not in self.frameworks[key].ids)
        if problems:
            raise ValueError("; ".join(problems))
        return self
