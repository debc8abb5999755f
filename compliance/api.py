"""The public Python API: load, validate, assess and build, for people who script the tool.

Everything here is re-exported from :mod:`compliance` (``compliance.load`` and so on). The
functions are pure apart from reading the files they are given (and writing the pack): the
as-of date is always an argument, never read from the clock, so the same inputs give the same
answer. Errors are :class:`compliance.errors.ComplianceError` subclasses with a ``message``, a
``hint`` and the ``exit_code`` the command line would use.

Not legal advice: verdicts follow from the facts stated and the bundled rule data.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from compliance.descriptor.problems import Problem, ProblemList, Severity
from compliance.errors import UsageError

if TYPE_CHECKING:
    from compliance.descriptor.model import Descriptor
    from compliance.law.engine.results import Assessment

__all__ = ["Validation", "assess", "build_pack", "load", "validate"]

PathLike = str | os.PathLike[str]


@dataclass(frozen=True)
class Validation(ProblemList):
    """What :func:`validate` found: every problem with its location (``errors``, ``warnings``),
    and the descriptor when it is valid (no errors; warnings allowed)."""

    file: str
    problems: tuple[Problem, ...]
    descriptor: Descriptor | None

    @property
    def valid(self) -> bool:
        return not self.errors and self.descriptor is not None


def validate(source: PathLike | bytes, *, as_of: dt.date, legal_checks: bool = True,
             rules_dir: PathLike | None = None, name: str = "<text>") -> Validation:
    """Validate a descriptor: strict YAML, the schema, the named checks and (unless
    ``legal_checks=False``) the legal consistency checks kept as rule data.

    ``source`` is a path (``str`` or ``os.PathLike``) or the descriptor's YAML as ``bytes``;
    for bytes, ``name`` is the file name messages show, and evidence paths are resolved against
    the current directory.
    """
    from compliance.descriptor.validation import load_descriptor_file, parse_descriptor
    from compliance.law.checks import (
        add_licence_checks,
        add_rule_checks,
        load_licence_catalogue,
        load_obligation_ids,
        load_rule_checks,
    )

    if isinstance(source, bytes):
        result = parse_descriptor(source, name, Path.cwd())
    else:
        result = load_descriptor_file(Path(source))
    if legal_checks:
        root = _rules(rules_dir)
        add_rule_checks(result, load_rule_checks(root), as_of, load_obligation_ids(root))
        add_licence_checks(result, load_licence_catalogue(root))
    problems = tuple(result.problems)
    valid = not any(p.severity is Severity.error for p in problems)
    return Validation(result.file, problems, result.descriptor if valid else None)


def load(path: PathLike) -> Descriptor:
    """The valid descriptor in ``path``; :class:`InputError` (listing every error with its
    ``file:line:col``) when it is not valid."""
    from compliance.descriptor.validation import load_valid_descriptor

    return load_valid_descriptor(Path(path))


def assess(descriptor: Descriptor | PathLike, *, as_of: dt.date,
           jurisdictions: Sequence[str] | None = None,
           rules_dir: PathLike | None = None) -> Assessment:
    """Evaluate the rule data for ``descriptor`` (a loaded descriptor or a path) as the law
    stands on ``as_of``. By default the jurisdictions the descriptor's markets select are
    assessed (as ``compliance obligations`` does); ``jurisdictions`` names them instead.

    The result's ``to_json()`` is exactly ``compliance obligations --format json``.
    """
    from compliance.descriptor.model import Descriptor
    from compliance.law.engine.evaluator import assess as run
    from compliance.law.engine.evaluator import assess_selected
    from compliance.law.rulebook import load_rulebook

    loaded = descriptor if isinstance(descriptor, Descriptor) else load(descriptor)
    book = load_rulebook(_rules(rules_dir))
    if jurisdictions is None:
        return assess_selected(loaded, book, as_of)
    unknown = [j for j in jurisdictions if j not in book.jurisdictions]
    if unknown:
        raise UsageError(f"unknown jurisdiction {', '.join(unknown)}",
                         f"known: {', '.join(sorted(book.jurisdictions))}")
    return run(loaded, book, as_of, list(jurisdictions))


def build_pack(path: PathLike, out_dir: PathLike, *, as_of: dt.date,
               formats: Iterable[str] = ("pdf",), templates_dir: PathLike | None = None,
               rules_dir: PathLike | None = None, force: bool = False) -> Path:
    """Build the audit pack for the descriptor in ``path`` under ``out_dir/<system id>`` and
    return that folder (as ``compliance build`` does, one descriptor at a time). A pack built
    from the same inputs (descriptor, evidence, incident register, rule data, templates, tool
    version, ``as_of``, formats) and left intact is not rebuilt, unless ``force``."""
    from compliance.documents.pack import build_pack as build

    descriptor_path = Path(path)
    if not descriptor_path.is_file():
        raise UsageError(f"cannot read {descriptor_path}: no such file", "check the path")
    return build(descriptor_path, Path(out_dir), as_of, frozenset(formats),
                 Path(templates_dir) if templates_dir is not None else None,
                 rules_dir=Path(rules_dir) if rules_dir is not None else None, force=force)


def _rules(rules_dir: PathLike | None) -> Path:
    from compliance.paths import rules_dir as bundled

    return Path(rules_dir) if rules_dir is not None else bundled()
