"""Where the bundled rule data and templates live."""

from __future__ import annotations

import os
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent


def rules_dir() -> Path:
    """The rule data: $COMPLIANCE_RULES, else the jurisdictions/ folder beside the package."""
    override = os.environ.get("COMPLIANCE_RULES")
    return Path(override) if override else _ROOT / "jurisdictions"


def templates_dir() -> Path:
    """The bundled templates folder."""
    return _ROOT / "templates"


def schemas_dir() -> Path:
    return _ROOT / "schemas"
