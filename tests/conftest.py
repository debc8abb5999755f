from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_CACHE_DIR: list[str] = []


def pytest_configure(config: pytest.Config) -> None:
    """Compiled rule data (compliance.io.compiled_cache) goes to a folder of this run, inherited
    by the commands the tests start, never to the user's cache."""
    if "COMPLIANCE_CACHE_DIR" not in os.environ:
        _CACHE_DIR.append(tempfile.mkdtemp(prefix="compliance-test-cache-"))
        os.environ["COMPLIANCE_CACHE_DIR"] = _CACHE_DIR[0]


def pytest_unconfigure(config: pytest.Config) -> None:
    for folder in _CACHE_DIR:
        shutil.rmtree(folder, ignore_errors=True)


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
