"""The ``labels`` lint check: every test of the rule data reads as a plain sentence. Explanations
(``reasons_plain``, every PDF) word a fact test from its ``label:``; without one the reader sees a
fact path ("system.use_cases[x].annex_iii contains none of 2."). A classification referred to
without a label reads through its own ``label:``, else its title, which must then be a clause."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from compliance.descriptor.yamlio import Path as YamlPath
from compliance.descriptor.yamlio import load_bytes
from compliance.law.datafile import read_data_file, shown_path
from compliance.law.engine.wording import sentence
from compliance.law.models.rule import All, AnyOf, Condition, Kind, Leaf, Not, Some
from compliance.law.rulebook import Rulebook

HINT = ("add `label:` — the sentence a reader sees, a clause with its subject (\"the system is used "
        "…\"); check it with compliance.law.engine.wording.sentence(label, 'true' | 'false' | 'unknown')")


def label_findings(book: Rulebook) -> Iterator[str]:
    """Every fact test has a label (the sentence a reader sees); classifications read as clauses.

    Finds fact tests without a label (one directly under a labelled ``not:`` reads through that
    label), located ``file:line:column``, and classifications whose title is not a clause and
    that carry no ``label:`` of their own."""
    for _, loaded in sorted(book.rules.items()):
        rule = loaded.rule
        conditions = [c for c in [rule.condition, *(arm.when for arm in rule.effective or [])] if c]
        if any(_unlabelled(c) for c in conditions):
            yield from _located(loaded.path, book)
        if rule.kind is Kind.classification and not rule.label and _fragment(rule.title):
            where = shown_path(loaded.path, book.root)
            yield (f"{where}: the title {rule.title!r} is not a clause and reads "
                   f"{sentence(rule.title, 'false', True)!r} where a condition refers to it; add a "
                   f"classification `label:` (\"the system is …\")")


def _fragment(text: str) -> bool:
    return any(sentence(text, truth, True).startswith("Not ") for truth in ("true", "false", "unknown"))


def _unlabelled(condition: Condition, labelled: bool = False) -> bool:
    if isinstance(condition, Leaf):
        return not (condition.label or labelled)
    if isinstance(condition, (All, AnyOf)):
        return any(_unlabelled(c) for c in (condition.all if isinstance(condition, All) else condition.any))
    if isinstance(condition, Not):
        return _unlabelled(condition.not_, bool(condition.label))
    if isinstance(condition, Some):
        return _unlabelled(condition.where)
    return False


def _located(path: Path, book: Rulebook) -> Iterator[str]:
    """The unlabelled fact tests of one file, with their line and column."""
    located = load_bytes(read_data_file(path))
    data = located.data
    starts: list[tuple[YamlPath, Any]] = [(("condition",), data.get("condition"))]
    starts += [(("effective", i, "when"), arm.get("when")) for i, arm in enumerate(data.get("effective") or [])
               if isinstance(arm, dict)]
    where = shown_path(path, book.root)
    for base, node in starts:
        for at, fact in _raw_unlabelled(node, base, False):
            mark = located.mark_for(at)
            yield f"{where}:{mark.line}:{mark.column}: fact test {fact!r} has no label; {HINT}"


def _raw_unlabelled(node: Any, at: YamlPath, labelled: bool) -> Iterator[tuple[YamlPath, str]]:
    if not isinstance(node, dict):
        return
    if "fact" in node:
        if not (node.get("label") or labelled):
            yield at, str(node["fact"])
        return
    for key in ("all", "any"):
        for index, child in enumerate(node.get(key) or []):
            yield from _raw_unlabelled(child, (*at, key, index), False)
    if "not" in node:
        yield from _raw_unlabelled(node["not"], (*at, "not"), bool(node.get("label")))
    if "where" in node:
        yield from _raw_unlabelled(node["where"], (*at, "where"), False)
