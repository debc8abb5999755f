from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def rulebook():
    """The real rule data, printed as one line: Hypothesis prints every argument of a failing
    property (fixtures included) field by field, and the whole rulebook is over a megabyte of
    text, which turned each failure into a HypothesisWarning (an error here) instead of the
    falsifying example, after minutes of printing it."""
    import dataclasses

    from compliance.law.rulebook import Rulebook, load_rulebook

    class _Rulebook(Rulebook):
        def __repr__(self) -> str:
            return f"<Rulebook {self.root.name}/: {len(self.rules)} rules, digest {self.digest[:12]}>"

        def _repr_pretty_(self, printer, cycle) -> None:  # type: ignore[no-untyped-def]
            printer.text(repr(self))  # Hypothesis's printer, which ignores __repr__ on dataclasses

    book = load_rulebook(ROOT / "jurisdictions")
    return _Rulebook(**{f.name: getattr(book, f.name) for f in dataclasses.fields(book)})


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT
