"""Where the tool's own data lives: rule data, templates (with their fonts) and schemas.

One resolver for every data location. An installed wheel carries the data inside the package as
``compliance/_data/<folder>`` (mapped there by the build backend, see ``pyproject.toml``); a
source checkout keeps the same folders at its top, beside the package. Nothing else is guessed:
when neither layout is present, :func:`data_root` raises :class:`MissingDataError` (exit 3), and
the loaders fail closed on a folder that exists but is empty (see ``rulebook.require_rule_data``).

``COMPLIANCE_RULES`` (or ``--rules``) points the rule data elsewhere; ``COMPLIANCE_TEMPLATES_DIR``
replaces the bundled templates (tests and packagers use these).
"""

from __future__ import annotations

import os
from pathlib import Path

from compliance.errors import MissingDataError

_PACKAGE = Path(__file__).resolve().parent
INSTALLED_DATA = _PACKAGE / "_data"
CHECKOUT_ROOT = _PACKAGE.parent

RULES = "jurisdictions"
TEMPLATES = "templates"
SCHEMAS = "schemas"


def data_root() -> Path:
    """The folder holding ``jurisdictions/``, ``templates/`` and ``schemas/``."""
    if INSTALLED_DATA.is_dir():
        return INSTALLED_DATA
    if (CHECKOUT_ROOT / "pyproject.toml").is_file() and (CHECKOUT_ROOT / RULES).is_dir():
        return CHECKOUT_ROOT
    raise MissingDataError(
        f"the tool's data is missing: looked for {INSTALLED_DATA} (installed) and "
        f"{CHECKOUT_ROOT / RULES} (source checkout)",
        "reinstall the package (pip install --force-reinstall ai-system-compliance) or run from "
        "a complete checkout",
    )


def rules_dir() -> Path:
    """The rule data: $COMPLIANCE_RULES, else the bundled ``jurisdictions/``."""
    override = os.environ.get("COMPLIANCE_RULES")
    return Path(override) if override else data_root() / RULES


def templates_dir() -> Path:
    """The bundled templates: $COMPLIANCE_TEMPLATES_DIR, else the bundled ``templates/``."""
    override = os.environ.get("COMPLIANCE_TEMPLATES_DIR")
    return Path(override) if override else data_root() / TEMPLATES


def schemas_dir() -> Path:
    """The published JSON Schemas."""
    return data_root() / SCHEMAS


def require_templates(root: Path) -> Path:
    """``root`` if it holds the base layout every document extends; else MissingDataError."""
    layout = root / "base" / "layout.html.j2"
    if not layout.is_file():
        raise MissingDataError(
            f"templates not found: {layout} does not exist",
            "reinstall the package, or point COMPLIANCE_TEMPLATES_DIR at a complete copy of "
            "the bundled templates/ folder",
        )
    return root
