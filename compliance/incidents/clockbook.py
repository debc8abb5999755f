"""Load reporting clocks from ``jurisdictions/<code>/<instrument>/clocks/*.yaml`` and lint them.

The id of a clock is ``<jurisdiction>.<instrument>.<file stem>`` (like rules)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from compliance.errors import RuleDataError
from compliance.incidents.clock_model import Clock, StartEvent
from compliance.law.datafile import parse_data_file, read_data_file
from compliance.law.lint import PINPOINT, _resolve, _walk, lint_check
from compliance.law.models.rule import ClassificationRef, Condition, Kind, Leaf, Some

if TYPE_CHECKING:
    from compliance.law.rulebook import Rulebook


@dataclass(frozen=True)
class LoadedClock:
    id: str
    jurisdiction: str
    clock: Clock
    path: Path


@dataclass
class Clockbook:
    root: Path
    clocks: dict[str, LoadedClock] = field(default_factory=dict)
    digest: str = ""


def clock_files(root: Path) -> list[Path]:
    return sorted(root.glob("*/*/clocks/*.yaml"))


def _shown(path: Path, root: Path) -> str:
    return str(path.relative_to(root.parent)) if path.is_relative_to(root.parent) else str(path)


def parse_clock(path: Path, root: Path) -> Clock:
    return parse_data_file(path, Clock, root)




def load_clocks(root: Path) -> Clockbook:
    """Every clock below ``root``, parsed once per change of the data (kept in this process and,
    compiled, in the user's cache: :mod:`compliance.io.compiled_cache`). Raises RuleDataError on
    a defective file."""
    from compliance.io.compiled_cache import load_compiled

    return load_compiled("clocks", root, lambda: _load_clocks(root, clock_files(root)), Clockbook)


def _load_clocks(root: Path, files: list[Path]) -> Clockbook:
    book = Clockbook(root)
    digest = hashlib.sha256()
    for path in files:
        parts = path.relative_to(root).parts
        ident = ".".join([parts[0], parts[1], path.stem])
        book.clocks[ident] = LoadedClock(ident, parts[0], parse_clock(path, root), path)
        digest.update(str(path.relative_to(root)).encode() + b"\0" + read_data_file(path))
    book.digest = digest.hexdigest()
    return book


# --------------------------------------------------------------------------- lint


def _conditions(clock: Clock) -> Iterator[Condition]:
    if clock.when is not None:
        yield clock.when
    for route in clock.routes or []:
        yield route.when
    for step in clock.steps:
        for limit in step.limits:
            if limit.when is not None:
                yield limit.when


def _fact_ok(path: str, inside_some: bool) -> bool:
    from compliance.incidents.model import IncidentRecord

    if path.startswith(".") and inside_some:
        return True
    head, _, rest = path.partition(".")
    if head == "incident":
        return rest.split(".")[0] in IncidentRecord.model_fields
    return _resolve(path, {}) is not None


def lint_clocks(book: Rulebook) -> Iterator[str]:
    """Yield findings for every clock file below the rule book's root."""

    root = book.root
    for path in clock_files(root):
        shown = _shown(path, root)
        try:
            clock = parse_clock(path, root)
        except RuleDataError as exc:
            yield f"{exc.message} [schema]"
            continue
        parts = path.relative_to(root).parts
        if parts[0] not in book.jurisdictions:
            yield f"{shown}: no jurisdiction.yaml for {parts[0]!r}"
            continue
        instruments = book.jurisdictions[parts[0]].instruments
        if clock.duty is not None:
            target = book.rules.get(clock.duty)
            if target is None or target.rule.kind is not Kind.obligation:
                yield f"{shown}: duty {clock.duty} is not an obligation in the rule data"
        citations: list[Any] = [clock.citation, *(r.citation for r in clock.routes or [])]
        for step in clock.steps:
            citations.append(step.citation)
            citations.extend(limit.citation for limit in step.limits)
            if step.immediately:
                citations.append(step.immediately.citation)
            if StartEvent.report in step.starts and not step.after_report:
                yield f"{shown}: step {step.id} starts at 'report' but names no 'after_report'"
            if step.repeat and len(step.limits) != 1:
                yield f"{shown}: repeating step {step.id} needs exactly one limit (the period)"
            if not step.limits and not step.immediately and not step.after_report:
                yield f"{shown}: step {step.id} has neither a time limit nor 'immediately'"
            if step.limits and all(limit.when is not None for limit in step.limits) and clock.when is None:
                yield f"{shown}: step {step.id}: every limit is conditional and the clock has no 'when'"
        for citation in citations:
            if citation.instrument not in instruments:
                yield f"{shown}: citation instrument {citation.instrument!r} is not declared in jurisdiction.yaml"
            if not PINPOINT.match(citation.pinpoint):
                yield f"{shown}: pinpoint {citation.pinpoint!r} is not canonical (e.g. 'Art. 73(2)')"
        for condition in _conditions(clock):
            for node, _scope in _walk(condition, {}):
                if isinstance(node, Leaf):
                    for fact in [node.fact, getattr(node.operand, "fact", None)]:
                        if fact and not _fact_ok(fact, True):
                            yield f"{shown}: fact path {fact!r} is neither an incident field nor a descriptor fact"
                elif isinstance(node, Some) and not _fact_ok(node.some, False):
                    yield f"{shown}: fact path {node.some!r} does not exist in the descriptor model"
                elif isinstance(node, ClassificationRef):
                    target = book.rules.get(node.classification)
                    if target is None or target.rule.kind is not Kind.classification:
                        yield f"{shown}: unknown classification {node.classification}"


@lint_check("clocks")
def clocks_check(book: Rulebook) -> Iterator[str]:
    """Reporting clock files (*/*/clocks/*.yaml) parse, cite canonically and refer to existing duties and facts."""
    yield from lint_clocks(book)
