"""Descriptor validation: strict YAML, the schema, then named semantic checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from compliance.descriptor.model import Descriptor
from compliance.descriptor.problems import Problem, ProblemList, Severity
from compliance.descriptor.schema_errors import problems_from
from compliance.descriptor.semantic import CheckInput, run_checks
from compliance.descriptor.yamlio import MAX_BYTES, Located, YamlError, load_bytes

#: The check name of the problem for a file that could not be read at all (exit 2).
UNREADABLE = "io"


@dataclass
class LoadResult(ProblemList):
    file: str
    descriptor: Descriptor | None = None
    located: Located | None = None
    problems: list[Problem] = field(default_factory=list)


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


def load_valid_descriptor(path: Path, raw: bytes | None = None, *, shown: str | None = None,
                          hint: str | None = None) -> Descriptor:
    """A valid descriptor, or InputError listing every error with its location (exit 1).

    ``raw``: the file's bytes when the caller has read them already (parsed instead of reading
    the file again, so what is parsed is what the caller keeps); ``shown``: the name messages
    use for it (``<stdin>``, ``FILE@REV``); evidence paths resolve against ``path``'s folder."""
    from compliance.errors import InputError

    name = shown or str(path)
    result = load_descriptor_file(path) if raw is None else parse_descriptor(raw, name, path.parent)
    raise_if_unreadable(result)
    if result.errors or result.descriptor is None:
        lines = "\n".join(p.format() for p in result.errors)
        raise InputError(f"{name} is not a valid descriptor:\n{lines}",
                         hint or f"run: compliance validate {name}")
    return result.descriptor


def raise_if_unreadable(result: LoadResult) -> None:
    """UsageError (exit 2) when the file behind ``result`` could not be read at all."""
    from compliance.errors import UsageError

    for problem in result.errors:
        if problem.check == UNREADABLE:
            raise UsageError(f"{result.file}: {problem.message}", problem.hint)


def load_descriptor_file(path: Path) -> LoadResult:
    """Read and validate a descriptor file (at most :data:`~compliance.descriptor.yamlio.MAX_BYTES`, through
    :func:`compliance.io.fsutil.read_input`). Unreadable files become a problem, not an exception.

    A file that cannot be read at all — missing, unreadable, or not a regular file (a folder,
    FIFO, device or socket: refused before it is opened, so nothing blocks) — gives one problem
    with check :data:`UNREADABLE` (``io``), which every command turns into exit 2 (a usage error;
    see :func:`raise_if_unreadable`). A file over the size limit is an invalid descriptor: a
    problem at 1:1 (exit 1)."""
    from compliance.io.fsutil import InputTooLargeError, UnreadableFileError, read_input

    file = str(path)
    try:
        raw = read_input(path, MAX_BYTES, what="descriptor")
    except UnreadableFileError as exc:
        return LoadResult(file, problems=[Problem(file, 1, 1, Severity.error, UNREADABLE, exc.reason, exc.hint)])
    except InputTooLargeError as exc:
        return LoadResult(file, problems=[Problem(file, 1, 1, Severity.error, "yaml", exc.reason, exc.hint)])
    return parse_descriptor(raw, file, path.parent)
