"""Descriptor findings defined as rule data (``kind: check``), e.g. a derogation claimed for a
use case that profiles people. They cite the provision they rest on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from compliance.descriptor.model import Descriptor
from compliance.descriptor.problems import Problem, Severity, dotted
from compliance.descriptor.yamlio import Located
from compliance.law.engine.conditions import Outcome, Truth, evaluate, scoped_context
from compliance.law.facts import fact_view
from compliance.law.models.rule import Rule, Scope


def _no_classifications(rule_id: str, bindings: Mapping[str, Any]) -> Outcome:
    return Outcome(Truth.unknown)


def _subjects(rule: Rule, facts: dict[str, Any]) -> Iterable[tuple[dict[str, Any], tuple[str | int, ...]]]:
    if rule.scope is Scope.system:
        yield {}, ()
        return
    base: tuple[str, ...]
    if rule.scope is Scope.model:
        items, base, name = facts.get("models") or [], ("models",), "model"
    else:
        items = (facts.get("system") or {}).get("use_cases") or []
        base, name = ("system", "use_cases"), "use_case"
    for index, item in enumerate(items):
        yield {name: (item, f"{dotted(base)}[{item.get('id', index)}]")}, (*base, index)


def run_rule_checks(
    rules: Iterable[tuple[str, Rule]],
    descriptor: Descriptor,
    located: Located,
    file: str,
    as_of: dt.date,
) -> list[Problem]:
    facts = fact_view(descriptor)
    problems = []
    for rule_id, rule in rules:
        for bindings, base in _subjects(rule, facts):
            ctx = scoped_context(facts, as_of, _no_classifications, bindings)
            if evaluate(rule.condition, ctx).truth is not Truth.true:
                continue
            at = tuple(part for part in (rule.at or "").split(".") if part)
            mark = located.mark_for((*base, *at))
            message = f"{rule.message} ({rule.citation.pinpoint})"
            problems.append(
                Problem(
                    file, mark.line, mark.column, Severity(rule.severity or "warning"),
                    rule_id, message, rule.hint, dotted((*base, *at)),
                )
            )
    return problems
