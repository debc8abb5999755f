from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def rulebook():
    from compliance.law.rulebook import load_rulebook

    return load_rulebook(ROOT / "jurisdictions")


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT
