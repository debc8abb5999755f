"""Deciding questions: the unstated facts that, once answered, decide the most undetermined
obligations.

An undetermined obligation lists the facts it lacks (the ``missing`` facts of the steps that left
it unknown). The questions are ranked greedily: first the fact after whose answer the most
obligations have nothing left missing, then, with that one answered, the next, and so on (ties:
the fact that more undetermined obligations lack, then the path). Each question carries the
obligations that lack it (``blocks``) and those decided once it and the questions before it are
answered (``decides``). Answering a list or a group of facts (``system.use_cases``,
``model.licence``) can reveal questions about its elements, so ``decides`` is what the facts
known today allow, not a promise. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

#: How many questions an assessment lists.
DEFAULT_LIMIT = 10


@dataclass(frozen=True)
class DecidingFact:
    fact: str
    blocks: tuple[str, ...]
    """Undetermined obligations (instance ids) that lack this fact."""
    decides: tuple[str, ...]
    """Obligations with nothing left missing once this fact and the ones ranked before it are
    answered."""

    @property
    def derived(self) -> str | None:
        """For a fact the tool derives (not stated directly): what it is derived from."""
        from compliance.law.facts import DERIVED_FACTS, generic_fact

        return DERIVED_FACTS.get(generic_fact(self.fact)[0])

    def to_json(self) -> dict[str, object]:
        return {"fact": self.fact, "derived_from": self.derived, "blocks": len(self.blocks),
                "decides": len(self.decides), "obligations_decided": list(self.decides)}


def deciding_facts(undetermined: Iterable[tuple[str, Iterable[str]]],
                   limit: int = DEFAULT_LIMIT) -> list[DecidingFact]:
    """The questions for ``undetermined``: (obligation id, its missing facts) pairs."""
    pending = {ident: frozenset(missing) for ident, missing in undetermined}
    pending = {ident: missing for ident, missing in pending.items() if missing}
    answered: set[str] = set()
    out: list[DecidingFact] = []
    while pending and len(out) < limit:
        facts = sorted({fact for missing in pending.values() for fact in missing} - answered)
        if not facts:
            break
        best: tuple[tuple[int, int, str], str, list[str], list[str]] | None = None
        for fact in facts:
            known = answered | {fact}
            decided = [i for i, missing in pending.items() if missing <= known]
            blocked = [i for i, missing in pending.items() if fact in missing]
            rank = (len(decided), len(blocked), fact)
            if best is None or (rank[0], rank[1]) > (best[0][0], best[0][1]):
                best = (rank, fact, decided, blocked)
        assert best is not None
        _, fact, decided, blocked = best
        answered.add(fact)
        out.append(DecidingFact(fact, tuple(sorted(blocked)), tuple(sorted(decided))))
        for ident in decided:
            del pending[ident]
    return out


def decided_by(questions: list[DecidingFact]) -> int:
    """How many obligations answering all ``questions`` decides."""
    return sum(len(q.decides) for q in questions)

