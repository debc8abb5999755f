"""Named semantic checks that run after the schema: each has a name and a one-line docstring
that is also its user-facing description (``compliance validate --list-checks``).

Checks here are generic (dates, arithmetic, paths). Checks that rest on a legal provision are
rule data (``jurisdictions/*/*/checks/*.yaml``) and run through :mod:`compliance.law.checks.rule_checks`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from compliance.descriptor.compute import COMPUTE_ESTIMATE_FACTOR, estimate_training_compute
from compliance.descriptor.model import Descriptor
from compliance.descriptor.problems import Problem, Severity, dotted
from compliance.descriptor.yamlio import Located
from compliance.io.fsutil import file_kind

COMPUTE_TOLERANCE = 10.0  # a stated figure 10x off the 6*N*D estimate is worth a second look


@dataclass(frozen=True)
class CheckInput:
    descriptor: Descriptor
    located: Located
    file: str
    base_dir: Path | None


CheckFn = Callable[[CheckInput], Iterator[Problem]]
CHECKS: dict[str, CheckFn] = {}


def check(name: str) -> Callable[[CheckFn], CheckFn]:
    def register(fn: CheckFn) -> CheckFn:
        CHECKS[name] = fn
        return fn

    return register


def _problem(
    inp: CheckInput,
    path: tuple[str | int, ...],
    severity: Severity,
    name: str,
    message: str,
    hint: str | None = None,
    *,
    prefer_key: bool = False,
) -> Problem:
    mark = inp.located.mark_for(path, prefer_key=prefer_key)
    return Problem(inp.file, mark.line, mark.column, severity, name, message, hint, dotted(path))


@check("unique-ids")
def unique_ids(inp: CheckInput) -> Iterator[Problem]:
    """Use-case and model ids are unique within the descriptor."""
    lists: dict[str, list[str]] = {
        "models": [m.id for m in inp.descriptor.models or []],
    }
    lists["system.use_cases"] = [u.id for u in inp.descriptor.system.use_cases or []]
    for where, ids in lists.items():
        seen: dict[str, int] = {}
        for index, ident in enumerate(ids):
            if ident in seen:
                path: tuple[str | int, ...] = (*where.split("."), index, "id")
                yield _problem(
                    inp, path, Severity.error, "unique-ids",
                    f"id {ident!r} is used twice (first at entry {seen[ident] + 1})",
                    "give every entry its own id",
                )
            seen.setdefault(ident, index)


@check("dates-in-order")
def dates_in_order(inp: CheckInput) -> Iterator[Problem]:
    """Lifecycle dates are consistent: design changes in chronological order, and no planned
    placement after an actual one."""
    lifecycle = inp.descriptor.system.lifecycle
    if lifecycle is None:
        return
    changes = lifecycle.design_changes or []
    for index in range(1, len(changes)):
        if changes[index].date < changes[index - 1].date:
            yield _problem(
                inp, ("system", "lifecycle", "design_changes", index, "date"), Severity.error,
                "dates-in-order",
                f"design change dated {changes[index].date} is listed after one dated "
                f"{changes[index - 1].date}",
                "list design changes in chronological order",
            )
    actual = [d for d in (lifecycle.eu_placed_on_market, lifecycle.eu_put_into_service) if d]
    if actual and lifecycle.planned_eu_placement and lifecycle.planned_eu_placement > min(actual):
        yield _problem(
            inp, ("system", "lifecycle", "planned_eu_placement"), Severity.warning, "dates-in-order",
            f"planned placement {lifecycle.planned_eu_placement} is after the actual first "
            f"placement {min(actual)}",
            "remove planned_eu_placement once the system is on the market",
        )
    for index, model in enumerate(inp.descriptor.models or []):
        if model.eu_placed_on_market and model.planned_eu_placement and (
            model.planned_eu_placement > model.eu_placed_on_market
        ):
            yield _problem(
                inp, ("models", index, "planned_eu_placement"), Severity.warning, "dates-in-order",
                f"planned placement {model.planned_eu_placement} is after the actual placement "
                f"{model.eu_placed_on_market}",
                "remove planned_eu_placement once the model is on the market",
            )


@check("compute-consistency")
def compute_consistency(inp: CheckInput) -> Iterator[Problem]:
    """A stated training compute is within 10x of the 6 x parameters x tokens estimate."""
    for index, model in enumerate(inp.descriptor.models or []):
        tc = model.training_compute
        if tc is None or tc.flop is None:
            continue
        estimate = estimate_training_compute(model.parameters, tc.training_tokens)
        if estimate is None or estimate == 0 or tc.flop == 0:
            continue
        ratio = max(tc.flop / estimate, estimate / tc.flop)
        if ratio > COMPUTE_TOLERANCE:
            yield _problem(
                inp, ("models", index, "training_compute", "flop"), Severity.warning,
                "compute-consistency",
                f"stated training compute {tc.flop:.2g} FLOP is {ratio:.0f}x off the estimate "
                f"{COMPUTE_ESTIMATE_FACTOR:g} x parameters x tokens = {estimate:.2g} FLOP",
                "check the figure, parameters and training_tokens; thresholds in the rules "
                "compare against the stated figure",
            )


def _escapes(base: Path, relative: str) -> bool:
    candidate = Path(relative)
    if candidate.is_absolute() or "\\" in relative or ":" in relative.split("/")[0]:
        return True
    resolved = (base / candidate).resolve()
    try:
        resolved.relative_to(base.resolve())
    except ValueError:
        return True
    return False


@check("evidence-paths")
def evidence_paths(inp: CheckInput) -> Iterator[Problem]:
    """Evidence and register paths stay inside the descriptor's folder and exist."""
    if inp.base_dir is None:
        return
    entries: list[tuple[tuple[str | int, ...], str, bool]] = [
        (("evidence", index, "path"), item.path, True)
        for index, item in enumerate(inp.descriptor.evidence or [])
    ]
    if inp.descriptor.incidents is not None:
        entries.append((("incidents", "path"), inp.descriptor.incidents.path, False))
    for path, relative, must_exist in entries:
        if _escapes(inp.base_dir, relative):
            yield _problem(
                inp, path, Severity.error, "evidence-paths",
                f"path {relative!r} points outside the descriptor's folder",
                "use a path relative to the descriptor's folder, without '..' or a leading '/'",
            )
            continue
        try:
            mode: int | None = os.stat(inp.base_dir / relative).st_mode
        except OSError:  # missing, or a dangling link, or a folder that cannot be entered
            mode = None
        what = "evidence file" if must_exist else "incident register"
        kind = file_kind(mode) if mode is not None else None
        if mode is None and must_exist:
            yield _problem(
                inp, path, Severity.error, "evidence-paths",
                f"evidence file {relative!r} does not exist",
                "add the file or correct the path (relative to the descriptor's folder)",
            )
        elif kind is not None:  # never opened: a FIFO would block, a device never ends
            yield _problem(
                inp, path, Severity.error, "evidence-paths",
                f"{what} {relative!r} is {kind}, not a regular file",
                f"point the path at the {what} itself (a regular file)",
            )


def run_checks(inp: CheckInput) -> list[Problem]:
    problems: list[Problem] = []
    for fn in CHECKS.values():
        problems.extend(fn(inp))
    return problems
