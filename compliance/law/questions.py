"""The questions to put to the user: for each deciding fact of an assessment (and first the
facts a pending jurisdiction's reach waits on), the descriptor fields that state it. Shared by
``compliance ask`` and ``compliance init``."""

from __future__ import annotations

from compliance.law.engine.results import Assessment


def askable(fact: str) -> list[str]:
    """The descriptor fields to ask for ``fact``: itself, or for a derived fact the fields it
    is derived from (``models[m1].training_compute_flop`` -> ``models[m1].training_compute.flop``)."""
    from compliance.law.facts import DERIVED_FROM, generic_fact

    generic, owner = generic_fact(fact)
    sources = DERIVED_FROM.get(generic)
    if sources is None:
        return [fact]
    return [owner + s.removeprefix("model.") if owner else s for s in sources]


def questions(assessment: Assessment, limit: int) -> list[tuple[str, list[str]]]:
    """(fact as the engine names it, fields to ask): the territorial questions first, then the
    deciding facts (what ``compliance ask`` asks and ``init`` notes, in that order)."""
    facts = [f for _code, pending in assessment.pending for f in pending]
    facts += [q.fact for q in assessment.deciding_facts(limit) if q.fact not in facts]
    return [(f, askable(f)) for f in facts]
