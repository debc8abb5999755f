"""The Jinja environment: autoescaped, strict, and searching the user's templates first.

Everything a template prints comes from the descriptor or the rule data and is escaped; nothing
is marked safe. A template that names a variable the context does not have fails the build
(``StrictUndefined``) instead of printing an empty string.
"""

from __future__ import annotations

import os
from pathlib import Path

import jinja2

from compliance.paths import templates_dir

#: The templates shipped with the tool (``compliance.paths.templates_dir()``), unless
#: ``COMPLIANCE_TEMPLATES_DIR`` names another bundled copy.
BUNDLED_TEMPLATES = Path(os.environ.get("COMPLIANCE_TEMPLATES_DIR") or templates_dir())


def template_dirs(user_dir: Path | None) -> list[Path]:
    """Search order: the user's ``--templates`` directory, then the bundled templates."""
    dirs = [user_dir.resolve()] if user_dir is not None else []
    return [*dirs, BUNDLED_TEMPLATES.resolve()]


def find_file(relative: str, user_dir: Path | None) -> Path:
    """First match of ``relative`` in the search path (for non-template files)."""
    for base in template_dirs(user_dir):
        candidate = (base / relative).resolve()
        if candidate.is_relative_to(base) and candidate.is_file():
            return candidate
    raise FileNotFoundError(f"{relative} not found in {', '.join(map(str, template_dirs(user_dir)))}")


def make_environment(user_dir: Path | None = None) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs(user_dir)]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["anchor"] = lambda value: str(value).replace(".", "-").replace("@", "-")
    return env
