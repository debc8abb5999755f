"""Three-valued evaluation of rule conditions (Kleene logic: true, false, unknown).

A fact that is not stated is unknown; ``all`` is false as soon as one part is false, ``any`` is
true as soon as one part is true, and otherwise unknown parts make the result unknown. Every
result carries the leaf tests that decided it, so the engine can say *why*.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterator, Mapping
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
        return _NEGATION[self]


class Step:
    """One decisive test: a fact comparison or a classification.

    Its wording is built when first read (``make``): most steps are never shown (``status``
    counts verdicts; a pack shows a fraction of them), and building every sentence was most of
    the evaluation's time."""

    __slots__ = ("_text", "_make", "truth", "fact", "classification", "missing")

    def __init__(self, text: str | None, truth: Truth, fact: str | None = None,
                 classification: str | None = None, missing: tuple[str, ...] = (), *,
                 make: Callable[[], str] | None = None) -> None:
        self._text = text
        self._make = make
        self.truth = truth
        self.fact = fact
        self.classification = classification
        self.missing = missing

    @property
    def text(self) -> str:
        if self._text is None:
            assert self._make is not None
            self._text, self._make = self._make(), None
        return self._text

    def _key(self) -> tuple[object, ...]:
        return (self.text, self.truth, self.fact, self.classification, self.missing)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Step) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (f"Step(text={self.text!r}, truth={self.truth!r}, fact={self.fact!r}, "
                f"classification={self.classification!r}, missing={self.missing!r})")

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return (Step, (self.text, self.truth, self.fact, self.classification, self.missing))


_NEGATION = {Truth.true: Truth.false, Truth.false: Truth.true, Truth.unknown: Truth.unknown}


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
    explain: bool = True
    """False: only the truth is wanted (no steps are made; see :func:`assess`'s ``explain``)."""

    def resolve(self, path: str) -> tuple[Any, str]:
        """Value at ``path`` (``_MISSING`` when not stated) and its absolute display path."""
        relative, head, parts = _split(path)
        if relative:
            root, shown = self.item, f"{self.item_path}{path}"
        elif head in self.bindings:
            root, bound = self.bindings[head]
            shown = ".".join(p for p in [bound, *parts] if p) if bound else path
        else:
            root, parts, shown = self.facts, (head, *parts), path
        value = root
        for part in parts:
            # facts are plain dicts; the ABC check (slow) only for other mappings
            if type(value) is not dict and not isinstance(value, Mapping):
                return _MISSING, shown
            value = value.get(part)
            if value is None:
                return _MISSING, shown
        return value, shown


@functools.lru_cache(maxsize=4096)
def _split(path: str) -> tuple[bool, str, tuple[str, ...]]:
    """``.a.b`` -> (relative, "", ("a", "b")); ``x.a`` -> (absolute, "x", ("a",))."""
    if path.startswith("."):
        return True, "", tuple(path[1:].split("."))
    head, *parts = path.split(".")
    return False, head, tuple(parts)


def scoped_context(facts: Mapping[str, Any], as_of: dt.date, classify: ClassificationLookup,
                   bindings: Mapping[str, Any], *, explain: bool = True) -> Context:
    """A context whose relative paths ('.x') address the rule's own subject (model or use case)."""
    ctx = Context(facts, as_of, classify, dict(bindings), explain=explain)
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
#: The outcomes of a context that does not explain: the truth alone.
_BARE = {truth: Outcome(truth) for truth in Truth}


def _all(condition: All, ctx: Context) -> Outcome:
    if not ctx.explain:
        return _first_decisive((evaluate(c, ctx) for c in condition.all), Truth.false)
    return _combine([evaluate(c, ctx) for c in condition.all], conjunction=True)


def _any(condition: AnyOf, ctx: Context) -> Outcome:
    if not ctx.explain:
        return _first_decisive((evaluate(c, ctx) for c in condition.any), Truth.true)
    return _combine([evaluate(c, ctx) for c in condition.any], conjunction=False)


def _first_decisive(outcomes: Iterator[Outcome], decisive: Truth) -> Outcome:
    """Kleene ``all`` (decisive false) or ``any``/``some`` (decisive true) without explanations:
    the first decisive part settles it, so the rest are not evaluated (``outcomes`` is lazy)."""
    unknown = False
    for outcome in outcomes:
        if outcome.truth is decisive:
            return _BARE[decisive]
        unknown = unknown or outcome.truth is Truth.unknown
    return _BARE[Truth.unknown] if unknown else _BARE[decisive.negate()]


def _not(condition: Not, ctx: Context) -> Outcome:
    inner = evaluate(condition.not_, ctx)
    if not ctx.explain:
        return _BARE[inner.truth.negate()]
    if len(inner.steps) == 1:
        (s,) = inner.steps
        # a single negated test reads as its own step: "not (X)" with the flipped truth
        steps: tuple[Step, ...] = (Step(None, s.truth.negate(), s.fact, s.classification, s.missing,
                                        make=lambda: f"not ({s.text})"),)
    else:
        steps = inner.steps
    return Outcome(inner.truth.negate(), steps)


def _classification(condition: ClassificationRef, ctx: Context) -> Outcome:
    result = ctx.classify(condition.classification, ctx.bindings)
    if not ctx.explain:
        return _BARE[result.truth]
    text = condition.label or result.title or condition.classification
    return Outcome(
        result.truth,
        (Step(text, result.truth, classification=condition.classification, missing=result.missing),),
    )


def _combine(parts: list[Outcome], *, conjunction: bool) -> Outcome:
    decisive = Truth.false if conjunction else Truth.true
    if all(not p.steps for p in parts):  # nothing to explain (or a context that does not explain)
        truths = {p.truth for p in parts}
        if decisive in truths:
            return _BARE[decisive]
        return _BARE[Truth.unknown] if Truth.unknown in truths else _BARE[decisive.negate()]
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
    outcomes = (evaluate(condition.where, sub) for sub in _element_contexts(condition, ctx, items, shown))
    if not ctx.explain:
        return _first_decisive(outcomes, Truth.true)
    evaluated = list(outcomes)
    if not evaluated:
        return Outcome(Truth.false, (Step(f"{shown} is empty", Truth.false, fact=shown),))
    return _combine(evaluated, conjunction=False)


def _element_contexts(condition: Some, ctx: Context, items: Any, shown: str) -> Iterator[Context]:
    """A context per element of the list (a single value counts as a list of one), the element
    bound both as ``.`` and by the list's singular name (``use_cases`` -> ``use_case``)."""
    name = condition.some.rsplit(".", 1)[-1].rstrip("s") or "item"
    for index, item in enumerate(items if isinstance(items, list) else [items]):
        label = item.get("id") if isinstance(item, Mapping) else None
        item_path = f"{shown}[{label or index}]"
        bindings = {**ctx.bindings, name: (item, item_path)}
        yield Context(ctx.facts, ctx.as_of, ctx.classify, bindings, item, item_path, ctx.explain)


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
    op = leaf.__pydantic_private__["_operator"]  # type: ignore[index]  # (the property is slow)
    declared = leaf.__dict__[op]
    if not ctx.explain:
        return _BARE[_leaf_truth(op, declared, value, ctx)]

    def text() -> str:
        return interpolate(_describe(leaf, shown, declared), ctx)

    if op == "is_set":
        stated = value is not _MISSING
        truth = Truth.true if stated == declared else Truth.false
        label = leaf.label

        def shown_text() -> str:  # display the plain fact, not its negation
            return interpolate(label, ctx) if label else f"{shown} is stated"

        return Outcome(truth, (Step(None, Truth.true if stated else Truth.false, fact=shown, make=shown_text),))
    if value is _MISSING:
        return Outcome(Truth.unknown, (Step(None, Truth.unknown, fact=shown, missing=(shown,), make=text),))
    operand, missing_operand = _operand(declared, ctx)
    if operand is _MISSING:
        assert missing_operand is not None
        return Outcome(
            Truth.unknown,
            (Step(None, Truth.unknown, fact=shown, missing=(missing_operand,), make=text),),
        )
    truth = Truth.true if _compare(op, value, operand) else Truth.false
    return Outcome(truth, (Step(None, truth, fact=shown, make=text),))


def _leaf_truth(op: str, declared: Any, value: Any, ctx: Context) -> Truth:
    """The truth :func:`_leaf` would give, without its explanation."""
    if op == "is_set":
        return Truth.true if (value is not _MISSING) == declared else Truth.false
    if value is _MISSING:
        return Truth.unknown
    operand, _ = _operand(declared, ctx)
    if operand is _MISSING:
        return Truth.unknown
    return Truth.true if _compare(op, value, operand) else Truth.false


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
