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

from compliance.law.engine.wording import describe, finding, sentence
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

    ``text`` words the test (the rule data's label, a classification's title or a described fact
    comparison) and ``truth`` is its value; ``sentence`` states the finding in plain words ("The
    system does not perform profiling of natural persons."). Both are built when first read
    (``make``, ``make_sentence``): most steps are never shown (``status`` counts verdicts; a pack
    shows a fraction of them), and building every sentence was most of the evaluation's time.
    Without its own sentence, a step's finding is worded from ``text`` and ``truth``
    (:mod:`compliance.law.engine.wording`)."""

    __slots__ = ("_text", "_make", "_sentence", "_make_sentence", "truth", "fact",
                 "classification", "missing")

    def __init__(self, text: str | None, truth: Truth, fact: str | None = None,
                 classification: str | None = None, missing: tuple[str, ...] = (), *,
                 make: Callable[[], str] | None = None, sentence: str | None = None,
                 make_sentence: Callable[[], str] | None = None) -> None:
        self._text = text
        self._make = make
        self._sentence = sentence
        self._make_sentence = make_sentence
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

    @property
    def sentence(self) -> str:
        if self._sentence is None:
            if self._make_sentence is not None:
                self._sentence, self._make_sentence = self._make_sentence(), None
            else:
                self._sentence = sentence(self.text, self.truth.value, self.classification is not None)
        return self._sentence

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
        return (_step, (self.text, self.truth, self.fact, self.classification, self.missing,
                        self.sentence))


def _step(text: str, truth: Truth, fact: str | None, classification: str | None,
          missing: tuple[str, ...], plain: str) -> Step:
    """A step as pickled (see ``Step.__reduce__``), its sentence included."""
    return Step(text, truth, fact, classification, missing, sentence=plain)


_NEGATION = {Truth.true: Truth.false, Truth.false: Truth.true, Truth.unknown: Truth.unknown}


@dataclass(frozen=True)
class Outcome:
    truth: Truth
    steps: tuple[Step, ...] = ()
    title: str | None = None  # a classification's label (else its title), for a reference without one

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
        # a single negated test reads as its own step: "not (X)" with the flipped truth; its
        # finding is the inner test's, or for a bare fact comparison the negation's own label
        truth = s.truth.negate()
        label = None if _labelled(condition.not_) else condition.label
        steps: tuple[Step, ...] = (Step(
            None, truth, s.fact, s.classification, s.missing, make=lambda: f"not ({s.text})",
            make_sentence=(lambda: sentence(interpolate(label, ctx), truth.value,
                                            s.classification is not None)) if label
            else (lambda: s.sentence)),)
    else:
        steps = inner.steps
    return Outcome(inner.truth.negate(), steps)


def _labelled(condition: Condition) -> bool:
    """Whether a test words itself (a label, a classification's title), unlike a bare fact
    comparison ("system.use_cases[x].annex_iii contains 2")."""
    if isinstance(condition, Some):
        return bool(condition.label) or _labelled(condition.where)
    return bool(condition.label) or isinstance(condition, ClassificationRef)


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
            (Step(f"{shown} is not stated", Truth.unknown, fact=shown, missing=(shown,),
                  make_sentence=lambda: _no_items(condition, ctx, shown, Truth.unknown)),),
        )
    outcomes = (evaluate(condition.where, sub) for sub in _element_contexts(condition, ctx, items, shown))
    if not ctx.explain:
        return _first_decisive(outcomes, Truth.true)
    evaluated = list(outcomes)
    if not evaluated:
        return Outcome(Truth.false, (Step(f"{shown} is empty", Truth.false, fact=shown,
                                          make_sentence=lambda: _no_items(condition, ctx, shown, Truth.false)),))
    return _combine(evaluated, conjunction=False)


def _no_items(condition: Some, ctx: Context, shown: str, truth: Truth) -> str:
    """The finding for a list not stated or empty: the quantifier's label read with its truth
    ("No use case …" rather than a fact path), else the path."""
    if condition.label:
        return sentence(interpolate(condition.label, ctx), truth.value)
    return finding(f"{shown} {'is not stated' if truth is Truth.unknown else 'is empty'}")


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
        return interpolate(describe(leaf, shown, declared), ctx)

    def plain(truth: Truth) -> Callable[[], str]:
        """The finding: the label's sentence, or the comparison worded for its truth value."""
        if leaf.label:
            return lambda: sentence(interpolate(leaf.label or "", ctx), truth.value)
        if truth is Truth.unknown:
            return lambda: f"It is not stated whether {text()}."
        return lambda: finding(interpolate(describe(leaf, shown, declared, truth is Truth.false), ctx))

    if op == "is_set":
        stated = value is not _MISSING
        truth = Truth.true if stated == declared else Truth.false
        if leaf.label:  # a label words the test ("the descriptor does not state …"): read it with its truth
            return Outcome(truth, (Step(None, truth, fact=shown, make=text, make_sentence=plain(truth)),))
        found = Truth.true if stated else Truth.false  # unlabelled: display the plain fact
        return Outcome(truth, (Step(None, found, fact=shown, make=lambda: f"{shown} is stated",
                                    make_sentence=lambda: finding(
                                        f"{shown} {'is stated' if stated else 'is not stated'}")),))
    if value is _MISSING:
        return Outcome(Truth.unknown, (Step(None, Truth.unknown, fact=shown, missing=(shown,), make=text,
                                            make_sentence=plain(Truth.unknown) if leaf.label else (
                                                lambda: finding(f"{shown} is not stated"))),))
    operand, missing_operand = _operand(declared, ctx)
    if operand is _MISSING:
        assert missing_operand is not None
        return Outcome(
            Truth.unknown,
            (Step(None, Truth.unknown, fact=shown, missing=(missing_operand,), make=text,
                  make_sentence=plain(Truth.unknown)),),
        )
    truth = Truth.true if _compare(op, value, operand) else Truth.false
    return Outcome(truth, (Step(None, truth, fact=shown, make=text, make_sentence=plain(truth)),))


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
