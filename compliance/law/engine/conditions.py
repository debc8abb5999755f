"""Three-valued evaluation of rule conditions (Kleene logic: true, false, unknown).

A fact that is not stated is unknown; ``all`` is false as soon as one part is false, ``any`` is
true as soon as one part is true, and otherwise unknown parts make the result unknown. Every
result carries the leaf tests that decided it, so the engine can say *why*.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from compliance.law.models.rule import (
    All,
    AnyOf,
    ClassificationRef,
    Condition,
    Leaf,
    Not,
    Operand,
    Some,
)


class Truth(str, Enum):
    true = "true"
    false = "false"
    unknown = "unknown"

    def negate(self) -> Truth:
        return {Truth.true: Truth.false, Truth.false: Truth.true}.get(self, Truth.unknown)


@dataclass(frozen=True)
class Step:
    """One decisive test: a fact comparison or a classification."""

    text: str
    truth: Truth
    fact: str | None = None
    classification: str | None = None
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outcome:
    truth: Truth
    steps: tuple[Step, ...] = ()
    title: str | None = None  # for a classification: its title, used when a reference has no label

    @property
    def missing(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for step in self.steps:
            for fact in step.missing:
                seen.setdefault(fact, None)
        return tuple(seen)


ClassificationLookup = Callable[[str, Mapping[str, Any]], Outcome]
_MISSING = object()


@dataclass
class Context:
    """What a condition is evaluated against."""

    facts: Mapping[str, Any]
    as_of: dt.date
    classify: ClassificationLookup
    bindings: dict[str, Any] = field(default_factory=dict)
    item: Any = None
    item_path: str = ""

    def resolve(self, path: str) -> tuple[Any, str]:
        """Value at ``path`` (``_MISSING`` when not stated) and its absolute display path."""
        if path.startswith("."):
            root, parts, shown = self.item, path[1:].split("."), f"{self.item_path}{path}"
        else:
            head, *parts = path.split(".")
            shown = path
            if head in self.bindings:
                root, shown = self.bindings[head]
            else:
                root, parts = self.facts, [head, *parts]
                shown = ""
            shown = ".".join(p for p in [shown, *parts] if p) if shown else path
        value = root
        for part in parts:
            if not isinstance(value, Mapping) or value.get(part) is None:
                return _MISSING, shown
            value = value[part]
        return value, shown


def scoped_context(facts: Mapping[str, Any], as_of: dt.date, classify: ClassificationLookup,
                   bindings: Mapping[str, Any]) -> Context:
    """A context whose relative paths ('.x') address the rule's own subject (model or use case)."""
    ctx = Context(facts, as_of, classify, dict(bindings))
    if len(bindings) == 1:
        ((_, (item, shown)),) = bindings.items()
        ctx.item, ctx.item_path = item, shown
    return ctx


def evaluate(condition: Condition | None, ctx: Context) -> Outcome:
    """Evaluate a condition; ``None`` (no condition) is true."""
    if condition is None:
        return _TRUE
    return _HANDLERS[type(condition)](condition, ctx)


_TRUE = Outcome(Truth.true)


def _all(condition: All, ctx: Context) -> Outcome:
    return _combine([evaluate(c, ctx) for c in condition.all], conjunction=True)


def _any(condition: AnyOf, ctx: Context) -> Outcome:
    return _combine([evaluate(c, ctx) for c in condition.any], conjunction=False)


def _not(condition: Not, ctx: Context) -> Outcome:
    inner = evaluate(condition.not_, ctx)
    if len(inner.steps) == 1:
        (s,) = inner.steps
        # a single negated test reads as its own step: "not (X)" with the flipped truth
        steps: tuple[Step, ...] = (Step(f"not ({s.text})", s.truth.negate(), s.fact, s.classification, s.missing),)
    else:
        steps = inner.steps
    return Outcome(inner.truth.negate(), steps)


def _classification(condition: ClassificationRef, ctx: Context) -> Outcome:
    result = ctx.classify(condition.classification, ctx.bindings)
    text = condition.label or result.title or condition.classification
    return Outcome(
        result.truth,
        (Step(text, result.truth, classification=condition.classification, missing=result.missing),),
    )


def _combine(parts: list[Outcome], *, conjunction: bool) -> Outcome:
    decisive = Truth.false if conjunction else Truth.true
    winners = [p for p in parts if p.truth is decisive]
    if winners:
        return Outcome(decisive, tuple(s for p in winners for s in p.steps))
    unknown = [p for p in parts if p.truth is Truth.unknown]
    if unknown:
        return Outcome(Truth.unknown, tuple(s for p in unknown for s in p.steps))
    other = Truth.true if conjunction else Truth.false
    return Outcome(other, tuple(s for p in parts for s in p.steps))


def _some(condition: Some, ctx: Context) -> Outcome:
    items, shown = ctx.resolve(condition.some)
    if items is _MISSING:
        return Outcome(
            Truth.unknown,
            (Step(f"{shown} is not stated", Truth.unknown, fact=shown, missing=(shown,)),),
        )
    if not isinstance(items, list):
        items = [items]
    name = condition.some.rsplit(".", 1)[-1].rstrip("s") or "item"
    outcomes = []
    for index, item in enumerate(items):
        label = item.get("id") if isinstance(item, Mapping) else None
        item_path = f"{shown}[{label or index}]"
        bindings = {**ctx.bindings, name: (item, item_path)}
        sub = Context(ctx.facts, ctx.as_of, ctx.classify, bindings, item, item_path)
        outcomes.append(evaluate(condition.where, sub))
    if not outcomes:
        return Outcome(Truth.false, (Step(f"{shown} is empty", Truth.false, fact=shown),))
    return _combine(outcomes, conjunction=False)


def _operand(value: Any, ctx: Context) -> tuple[Any, str | None]:
    if isinstance(value, Operand):
        if value.as_of:
            return ctx.as_of, None
        assert value.fact is not None
        resolved, shown = ctx.resolve(value.fact)
        if resolved is _MISSING:
            return _MISSING, shown
        if value.times is not None and isinstance(resolved, (int, float)):
            resolved = resolved * value.times
        return resolved, None
    return value, None


def _as_comparable(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, Enum):
        return value.value
    return value


def _describe(leaf: Leaf, shown: str, operand: Any) -> str:
    if leaf.label:
        return leaf.label
    op = leaf.operator.rstrip("_")
    words = {"equals": "is", "in": "is one of", "contains": "contains", "contains_any":
             "contains one of", "gt": ">", "gte": "≥", "lt": "<", "lte": "≤",
             "is_set": "is stated" if operand else "is not stated", "is_empty": "is empty"}
    if op in ("is_set",):
        return f"{shown} {words[op]}"
    if op == "is_empty":
        return f"{shown} {'is empty' if operand else 'is not empty'}"
    if isinstance(operand, Operand):
        operand = "the as-of date" if operand.as_of else (
            f"{operand.times} × {operand.fact}" if operand.times is not None else operand.fact)
    if isinstance(operand, bool):
        operand = str(operand).lower()
    if isinstance(operand, list):
        operand = ", ".join(str(v) for v in operand)
    return f"{shown} {words[op]} {operand}"


LABEL_FACT = re.compile(r"\{([a-z_][a-z0-9_]*(?:\.[a-z0-9_]+)*)\}")


def interpolate(text: str, ctx: Context) -> str:
    """A label may quote facts of its subject: ``{model.licence.id}`` becomes the stated value
    (or "not stated")."""
    def value(match: re.Match[str]) -> str:
        found, _ = ctx.resolve(match.group(1))
        if found is _MISSING:
            return "not stated"
        return str(found).lower() if isinstance(found, bool) else str(found)

    return LABEL_FACT.sub(value, text) if "{" in text else text


def _leaf(leaf: Leaf, ctx: Context) -> Outcome:
    value, shown = ctx.resolve(leaf.fact)
    op = leaf.operator
    text = interpolate(_describe(leaf, shown, leaf.operand), ctx)
    if op == "is_set":
        stated = value is not _MISSING
        truth = Truth.true if stated == leaf.is_set else Truth.false
        shown_text = interpolate(leaf.label, ctx) if leaf.label else f"{shown} is stated"  # display the plain fact, not its negation
        return Outcome(truth, (Step(shown_text, Truth.true if stated else Truth.false, fact=shown),))
    if value is _MISSING:
        return Outcome(Truth.unknown, (Step(text, Truth.unknown, fact=shown, missing=(shown,)),))
    operand, missing_operand = _operand(leaf.operand, ctx)
    if operand is _MISSING:
        assert missing_operand is not None
        return Outcome(
            Truth.unknown,
            (Step(text, Truth.unknown, fact=shown, missing=(missing_operand,)),),
        )
    truth = Truth.true if _compare(op, value, operand) else Truth.false
    return Outcome(truth, (Step(text, truth, fact=shown),))


_HANDLERS: dict[type, Callable[[Any, Context], Outcome]] = {
    All: _all,
    AnyOf: _any,
    Not: _not,
    Some: lambda c, ctx: _some(c, ctx),
    ClassificationRef: _classification,
    Leaf: lambda c, ctx: _leaf(c, ctx),
}


def _compare(op: str, value: Any, operand: Any) -> bool:
    if op == "is_empty":
        return bool((isinstance(value, list) and not value) == operand)
    if op == "contains":
        return isinstance(value, list) and operand in value
    if op == "contains_any":
        return isinstance(value, list) and any(v in value for v in operand)
    if op == "in_":
        return value in operand
    left, right = _as_comparable(value), _as_comparable(operand)
    if op == "equals":
        return bool(left == right)
    try:
        if op == "gt":
            return bool(left > right)
        if op == "gte":
            return bool(left >= right)
        if op == "lt":
            return bool(left < right)
        if op == "lte":
            return bool(left <= right)
    except TypeError:
        return False
    raise AssertionError(op)  # pragma: no cover - the model admits only the listed operators
