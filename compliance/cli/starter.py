"""``compliance init``'s ranking of a starter's questions: the starter is evaluated like any
descriptor, and the lines of its deciding facts (``compliance ask`` asks the same ones, in the
same order) get a trailing note with their rank and what answering decides. Only the notes are
added: every other byte of the starter, its comments included, stays as it was."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

#: How many questions a starter's notes rank.
LIMIT = 10


@dataclass(frozen=True)
class Ranked:
    text: str
    """The starter with the notes (as given when it could not be ranked)."""
    questions: list[tuple[str, bool]] = field(default_factory=list)
    """The descriptor paths to answer first, best first, each with whether its line carries the
    note (False: the starter does not state the field; it is to be added)."""
    decided: int = 0
    undetermined: int = 0


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def rank_starter(text: str, path: Path, as_of: dt.date) -> Ranked:
    """``text`` (a starter to be written at ``path``) with its deciding questions noted on their
    lines. Never raises: a starter that cannot be evaluated or noted is returned as it is."""
    try:
        return _rank(text, path, as_of)
    except Exception:  # the notes are a convenience: init writes the starter regardless
        return Ranked(text)


def _rank(text: str, path: Path, as_of: dt.date) -> Ranked:
    from compliance.descriptor.answers import add_notes
    from compliance.descriptor.validation import parse_descriptor
    from compliance.law.engine.evaluator import assess_selected
    from compliance.law.questions import questions as _questions
    from compliance.law.rulebook import load_rulebook
    from compliance.paths import rules_dir

    parsed = parse_descriptor(text.encode("utf-8"), str(path), path.parent)
    if parsed.errors or parsed.descriptor is None:
        return Ranked(text)
    assessment = assess_selected(parsed.descriptor, load_rulebook(rules_dir()), as_of)
    ranked = {q.fact: q for q in assessment.deciding_facts(LIMIT)}
    names = {j.jurisdiction.code: j.jurisdiction.name for j in assessment.jurisdictions}
    territorial = {f: code for code, facts in assessment.pending for f in facts}
    notes: list[tuple[list[str], str]] = []
    for fact, fields in _questions(assessment, LIMIT):
        q = ranked.get(fact)
        if fact in territorial:
            what = f"decides whether the law of {names.get(territorial[fact], territorial[fact])} applies"
        elif q is not None and q.decides:
            what = f"decides {_plural(len(q.decides), 'obligation')}"
        elif q is not None:
            what = f"needed by {_plural(len(q.blocks), 'undetermined obligation')}"
        else:
            continue
        notes.append((fields, f"[#{len(notes) + 1}: {what} — answer first]"))
    noted, placed = add_notes(text, notes)
    return Ranked(noted, [(placed.get(i) or fields[0], i in placed) for i, (fields, _note) in enumerate(notes)],
                  sum(len(q.decides) for q in ranked.values()), len(assessment.undetermined()))
