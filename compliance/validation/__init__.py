"""Descriptor validation: strict YAML, the schema, then named semantic checks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..models.descriptor import Descriptor
from ..problems import Problem, Severity
from ..yamlio import MAX_BYTES, Located, YamlError, load_bytes
from .schema_errors import problems_from
from .semantic import CheckInput, run_checks

#: The check name of the problem for a file that could not be read at all (exit 2).
UNREADABLE = "io"


@dataclass
class LoadResult:
    file: str
    descriptor: Descriptor | None = None
    located: Located | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.warning]


def parse_descriptor(raw: bytes, file: str, base_dir: Path | None) -> LoadResult:
    """Parse and validate descriptor bytes (schema + generic semantic checks)."""
    result = LoadResult(file)
    try:
        located = load_bytes(raw)
    except YamlError as exc:
        result.problems.append(
            Problem(file, exc.mark.line, exc.mark.column, Severity.error, "yaml", exc.message, exc.hint)
        )
        return result
    result.located = located
    if not isinstance(located.data, dict):
        result.problems.append(
            Problem(file, 1, 1, Severity.error, "schema", "a descriptor must be a YAML mapping",
                    "start from `compliance init`")
        )
        return result
    try:
        descriptor = Descriptor.model_validate(located.data)
    except ValidationError as exc:
        result.problems.extend(problems_from(exc, located, Descriptor, file))
        return result
    result.descriptor = descriptor
    result.problems.extend(run_checks(CheckInput(descriptor, located, file, base_dir)))
    return result


def load_valid_descriptor(path: Path) -> Descriptor:
    """A valid descriptor, or InputError listing every error with its location (exit 1)."""
    from ..errors import InputError

    result = load_descriptor_file(path)
    raise_if_unreadable(result)
    if result.errors or result.descriptor is None:
        lines = "\n".join(p.format() for p in result.errors)
        raise InputError(f"{path} is not a valid descriptor:\n{lines}", f"run: compliance validate {path}")
    return result.descriptor


def raise_if_unreadable(result: LoadResult) -> None:
    """UsageError (exit 2) when the file behind ``result`` could not be read at all."""
    from ..errors import UsageError

    for problem in result.errors:
        if problem.check == UNREADABLE:
            raise UsageError(f"{result.file}: {problem.message}", problem.hint)


def load_descriptor_file(path: Path) -> LoadResult:
    """Read and validate a descriptor file (at most :data:`~compliance.yamlio.MAX_BYTES`, through
    :func:`compliance.fsutil.read_input`). Unreadable files become a problem, not an exception.

    A file that cannot be read at all — missing, unreadable, or not a regular file (a folder,
    FIFO, device or socket: refused before it is opened, so nothing blocks) — gives one problem
    with check :data:`UNREADABLE` (``io``), which every command turns into exit 2 (a usage error;
    see :func:`raise_if_unreadable`). A file over the size limit is an invalid descriptor: a
    problem at 1:1 (exit 1)."""
    from ..fsutil import InputTooLargeError, UnreadableFileError, read_input

    file = str(path)
    try:
        raw = read_input(path, MAX_BYTES, what="descriptor")
    except UnreadableFileError as exc:
        return LoadResult(file, problems=[Problem(file, 1, 1, Severity.error, UNREADABLE, exc.reason, exc.hint)])
    except InputTooLargeError as exc:
        return LoadResult(file, problems=[Problem(file, 1, 1, Severity.error, "yaml", exc.reason, exc.hint)])
    return parse_descriptor(raw, file, path.parent)


def load_rule_checks(rules_root: Path) -> list[tuple[str, Any]]:
    """The legal checks defined as rule data (jurisdictions/*/*/checks), loaded once per run."""
    from ..models.rule import Rule
    from ..rulebook import _parse, rule_files, rule_id

    rules = []
    for path in rule_files(rules_root, ("checks",)):
        parsed = _parse(path, Rule, rules_root)
        assert isinstance(parsed, Rule)
        rules.append((rule_id(rules_root, path), parsed))
    return rules


def load_obligation_ids(rules_root: Path) -> set[str]:
    """Ids of every obligation in the rule data (from file paths; nothing is parsed)."""
    from ..rulebook import rule_files, rule_id

    return {rule_id(rules_root, path) for path in rule_files(rules_root, ("obligations",))}


def add_rule_checks(result: LoadResult, rules: list[tuple[str, Any]], as_of: dt.date,
                    obligation_ids: set[str] | None = None) -> None:
    """Run the legal checks (see :func:`load_rule_checks`) on a loaded descriptor, and check
    that evidence links name obligations that exist."""
    if result.descriptor is None or result.located is None:
        return
    from .rule_checks import run_rule_checks

    if rules:
        result.problems.extend(run_rule_checks(rules, result.descriptor, result.located, result.file, as_of))
    if obligation_ids:
        result.problems.extend(_evidence_ids(result, obligation_ids))


def load_licence_catalogue(rules_root: Path) -> Any:
    """The licence catalogue (jurisdictions/_licences), for the licence findings."""
    from ..licences import load_catalogue

    return load_catalogue(rules_root)


def add_licence_checks(result: LoadResult, catalogue: Any) -> None:
    """Licence findings (warnings) read against the catalogue; see validation.licence_checks."""
    if result.descriptor is None or result.located is None or catalogue is None:
        return
    from .licence_checks import licence_findings

    result.problems.extend(licence_findings(result.descriptor, result.located, result.file, catalogue))


def _evidence_ids(result: LoadResult, known: set[str]) -> list[Problem]:
    import difflib

    assert result.descriptor is not None and result.located is not None
    problems = []
    for index, item in enumerate(result.descriptor.evidence or []):
        for position, ident in enumerate(item.obligations or []):
            if ident.split("@", 1)[0] in known:
                continue
            close = difflib.get_close_matches(ident.split("@", 1)[0], sorted(known), n=1, cutoff=0.7)
            mark = result.located.mark_for(("evidence", index, "obligations", position))
            problems.append(Problem(
                result.file, mark.line, mark.column, Severity.warning, "evidence-obligations",
                f"evidence names an unknown obligation {ident!r}",
                f"did you mean {close[0]!r}?" if close else "list ids with: compliance obligations FILE --format json",
                f"evidence[{index}].obligations[{position}]",
            ))
    return problems
