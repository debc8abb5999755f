"""Legal checks on a descriptor that live in the rule data: the descriptor checks of each
jurisdiction (``jurisdictions/*/*/checks``), evidence links that must name existing obligations,
and licence findings read against the licence catalogue. They run after the descriptor's own
validation (:mod:`compliance.descriptor.validation`) and add their problems to its result."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from compliance.descriptor.problems import Problem, Severity
from compliance.descriptor.validation import LoadResult


def load_rule_checks(rules_root: Path) -> list[tuple[str, Any]]:
    """The legal checks defined as rule data (jurisdictions/*/*/checks), loaded once per run."""
    from compliance.law.models.rule import Rule
    from compliance.law.rulebook import _parse, rule_files, rule_id

    rules = []
    for path in rule_files(rules_root, ("checks",)):
        parsed = _parse(path, Rule, rules_root)
        assert isinstance(parsed, Rule)
        rules.append((rule_id(rules_root, path), parsed))
    return rules


def load_obligation_ids(rules_root: Path) -> set[str]:
    """Ids of every obligation in the rule data (from file paths; nothing is parsed)."""
    from compliance.law.rulebook import rule_files, rule_id

    return {rule_id(rules_root, path) for path in rule_files(rules_root, ("obligations",))}


def add_rule_checks(result: LoadResult, rules: list[tuple[str, Any]], as_of: dt.date,
                    obligation_ids: set[str] | None = None) -> None:
    """Run the legal checks (see :func:`load_rule_checks`) on a loaded descriptor, and check
    that evidence links name obligations that exist."""
    if result.descriptor is None or result.located is None:
        return
    from compliance.law.checks.rule_checks import run_rule_checks

    if rules:
        result.problems.extend(run_rule_checks(rules, result.descriptor, result.located, result.file, as_of))
    if obligation_ids:
        result.problems.extend(_evidence_ids(result, obligation_ids))


def load_licence_catalogue(rules_root: Path) -> Any:
    """The licence catalogue (jurisdictions/_licences), for the licence findings."""
    from compliance.law.licences import load_catalogue

    return load_catalogue(rules_root)


def add_licence_checks(result: LoadResult, catalogue: Any) -> None:
    """Licence findings (warnings) read against the catalogue; see compliance.law.checks.licence_checks."""
    if result.descriptor is None or result.located is None or catalogue is None:
        return
    from compliance.law.checks.licence_checks import licence_findings

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
