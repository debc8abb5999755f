"""Parse one project data file (rules, jurisdictions, licences, clocks, crosswalks) into its
pydantic model, with located messages on any defect."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from compliance.descriptor.schema_errors import problems_from
from compliance.descriptor.yamlio import MAX_BYTES, YamlError, load_bytes, load_plain
from compliance.errors import RuleDataError
from compliance.io.fsutil import InputTooLargeError, read_input

M = TypeVar("M", bound=BaseModel)


def shown_path(path: Path, root: Path | None) -> str:
    """The path as messages show it: relative to the data root's parent when possible."""
    if root is not None and path.is_relative_to(root.parent):
        return str(path.relative_to(root.parent))
    return str(path)


def read_data_file(path: Path) -> bytes:
    """The bytes of a rule-data file (at most :data:`~compliance.descriptor.yamlio.MAX_BYTES`, like a
    descriptor). A file over the limit is a defect of the rule data (RuleDataError, exit 3); one
    that is not a regular file or cannot be read, a usage error (exit 2: e.g. a FIFO in the folder
    given with --rules)."""
    try:
        return read_input(path, MAX_BYTES, what="rule data file")
    except InputTooLargeError as exc:
        raise RuleDataError(exc.message, exc.hint) from None


def parse_data_file(path: Path, model: type[M], root: Path | None = None, *, strict: bool = True) -> M:
    """Validate ``path`` against ``model``. ``strict=False`` takes the fast loader (no
    duplicate-key check) and re-parses strictly only to locate an error."""
    if not strict:
        try:
            return model.model_validate(load_plain(read_data_file(path)))
        except (yaml.YAMLError, YamlError, ValidationError):
            pass  # fall through: the strict parse below explains the problem with its location
    shown = shown_path(path, root)
    try:
        located = load_bytes(read_data_file(path))
    except YamlError as exc:
        raise RuleDataError(f"{shown}:{exc.mark.line}:{exc.mark.column}: {exc.message}") from None
    try:
        return model.model_validate(located.data)
    except ValidationError as exc:
        problems = problems_from(exc, located, model, shown)
        raise RuleDataError("\n".join(p.format() for p in problems)) from None
