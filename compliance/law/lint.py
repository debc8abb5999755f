"""`compliance rules lint`: the rule data's own checks. Each named check has a one-line
docstring that is also its description."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from compliance.descriptor.model import AIModel, Descriptor, UseCase
from compliance.descriptor.schema_errors import _unwrap
from compliance.errors import RuleDataError
from compliance.law.engine.conditions import LABEL_FACT
from compliance.law.facts import DERIVED_FACTS
from compliance.law.lint_labels import label_findings
from compliance.law.models.rule import (
    All,
    AnyOf,
    Arm,
    ClassificationRef,
    Condition,
    Kind,
    Leaf,
    Not,
    Scope,
    Some,
)
from compliance.law.rulebook import Rulebook, load_rulebook

PINPOINT = re.compile(
    r"^(Arts?\. \d+[a-z]?|Annex [IVXL]+|Recital \d+|GL |CoP|Chapter [IVXL]+|Section |§|Sec\. "
    r"|GB(/T)? \d+-\d{4}( cl\. \d+(\.\d+)*| Annex [A-Z])?( |$)"  # national standards: GB 45438-2025 cl. 5.1
    # US codified sections and bill sections: Cal. Bus. & Prof. Code § 22757.12(a), C.R.S. § 6-1-1702(1),
    # Tex. Bus. & Com. Code § 552.051(b), N.Y.C. Admin. Code § 20-871(a), Utah Code § 13-77-103(1),
    # 6 RCNY § 5-301, SB 53 § 2, SB 25B-004 § 1
    r"|(Cal\. [A-Z][A-Za-z.& ]* Code|C\.R\.S\.|Tex\. [A-Z][A-Za-z.& ]* Code|N\.Y\.C\. Admin\. Code|Utah Code|\d+ RCNY) § \d"
    r"|(SB|AB|HB) \d+[A-Z]?(-\d+)? § \d)"
)
STALE_AFTER = dt.timedelta(days=366)

LintCheck = Callable[[Rulebook], Iterator[str]]
LINT_CHECKS: dict[str, LintCheck] = {}


def lint_check(name: str) -> Callable[[LintCheck], LintCheck]:
    def register(fn: LintCheck) -> LintCheck:
        LINT_CHECKS[name] = fn
        return fn

    return register


def _where(book: Rulebook, rule_id: str) -> str:
    path = book.rules[rule_id].path
    return str(path.relative_to(book.root.parent)) if path.is_relative_to(book.root.parent) else str(path)


def _conditions(rule: Any) -> Iterator[Condition]:
    if rule.condition is not None:
        yield rule.condition
    for arm in rule.effective or []:
        if arm.when is not None:
            yield arm.when


def _walk(condition: Condition, scope: dict[str, Any]) -> Iterator[tuple[Condition, dict[str, Any]]]:
    """Every node with the bindings in force there (name -> model class or None)."""
    yield condition, scope
    if isinstance(condition, All):
        for c in condition.all:
            yield from _walk(c, scope)
    elif isinstance(condition, AnyOf):
        for c in condition.any:
            yield from _walk(c, scope)
    elif isinstance(condition, Not):
        yield from _walk(condition.not_, scope)
    elif isinstance(condition, Some):
        element = _resolve(condition.some, scope)
        name = condition.some.rsplit(".", 1)[-1].rstrip("s")
        inner = {**scope, name: element, ".": element}
        yield from _walk(condition.where, inner)


def _resolve(path: str, scope: dict[str, Any]) -> Any:
    """The model class (or a marker) at ``path``; None when the path does not exist."""
    if path in DERIVED_FACTS:
        return "derived"
    if path.startswith("."):
        root, parts = scope.get("."), path[1:].split(".")
        derived_key = None
    else:
        head, *parts = path.split(".")
        if head in scope:
            root = scope[head]
        else:
            root, parts = Descriptor, [head, *parts]
        derived_key = f"{head}." + ".".join(parts) if parts else None
    if derived_key and derived_key in DERIVED_FACTS:
        return "derived"
    current: Any = root
    for index, part in enumerate(parts):
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(part)
        if field is None:
            if root is AIModel and f"model.{'.'.join(parts[index:])}" in DERIVED_FACTS:
                return "derived"
            return None
        unwrapped = _unwrap(field.annotation)
        current = unwrapped if unwrapped is not None else "leaf"
    return current


def _base_scope(rule_scope: Scope) -> dict[str, Any]:
    if rule_scope is Scope.model:
        return {"model": AIModel, ".": AIModel}
    if rule_scope is Scope.use_case:
        return {"use_case": UseCase, ".": UseCase}
    return {}


@lint_check("references")
def references(book: Rulebook) -> Iterator[str]:
    """Classification references, depends_on, part_of and instruments resolve."""
    for code, j in sorted(book.jurisdictions.items()):
        conditions = [t.when for t in j.tiers or [] if t.when] + ([j.also_selected_when] if j.also_selected_when else [])
        targets = [h.classification for h in j.highlights or []]
        for condition in conditions:
            targets.extend(n.classification for n, _ in _walk(condition, {}) if isinstance(n, ClassificationRef))
        for target in targets:
            if target not in book.rules or book.rules[target].rule.kind is not Kind.classification:
                yield f"jurisdictions/{code}/jurisdiction.yaml: unknown classification {target}"
    for rid, loaded in sorted(book.rules.items()):
        rule = loaded.rule
        instruments = book.jurisdictions[loaded.jurisdiction].instruments
        if rule.citation.instrument not in instruments:
            yield f"{_where(book, rid)}: citation instrument {rule.citation.instrument!r} is not declared in jurisdiction.yaml"
        for condition in _conditions(rule):
            for node, _ in _walk(condition, {}):
                if isinstance(node, ClassificationRef):
                    referenced = book.rules.get(node.classification)
                    if referenced is None or referenced.rule.kind is not Kind.classification:
                        yield f"{_where(book, rid)}: unknown classification {node.classification}"
                    elif rule.kind is Kind.check:
                        yield f"{_where(book, rid)}: checks run at validation time and may not use classifications"
        for dep in [*(rule.depends_on or []), *([rule.part_of] if rule.part_of else [])]:
            if dep not in book.rules:
                yield f"{_where(book, rid)}: depends_on/part_of target {dep} does not exist"


@lint_check("fact-paths")
def fact_paths(book: Rulebook) -> Iterator[str]:
    """Every fact path exists in the descriptor model (or is a documented derived fact)."""
    for rid, loaded in sorted(book.rules.items()):
        base = _base_scope(loaded.rule.scope)
        for condition in _conditions(loaded.rule):
            for node, scope in _walk(condition, base):
                paths = []
                if isinstance(node, Leaf):
                    paths.append(node.fact)
                    paths.extend(LABEL_FACT.findall(node.label or ""))
                    operand = node.operand
                    if getattr(operand, "fact", None):
                        paths.append(operand.fact)
                elif isinstance(node, Some):
                    paths.append(node.some)
                for path in paths:
                    if _resolve(path, scope) is None:
                        yield f"{_where(book, rid)}: fact path {path!r} does not exist in the descriptor model"
        for arm in loaded.rule.effective or []:
            selector = arm.not_before
            if selector is None:
                continue
            element = _resolve(selector.earliest, base)
            if element is None:
                yield f"{_where(book, rid)}: not_before list {selector.earliest!r} does not exist in the descriptor model"
                continue
            inner = {**base, ".": element}
            if _resolve("." + selector.field, inner) is None:
                yield f"{_where(book, rid)}: not_before field {selector.field!r} does not exist in {selector.earliest!r}"
            if selector.where is not None:
                for node, scope in _walk(selector.where, inner):
                    if isinstance(node, Leaf) and _resolve(node.fact, scope) is None:
                        yield f"{_where(book, rid)}: fact path {node.fact!r} does not exist in the descriptor model"


lint_check("labels")(label_findings)  # compliance/law/lint_labels.py


@lint_check("scopes")
def scopes(book: Rulebook) -> Iterator[str]:
    """Model- and use-case-scoped classifications are referenced only where that subject is bound."""
    for rid, loaded in sorted(book.rules.items()):
        base = _base_scope(loaded.rule.scope)
        for condition in _conditions(loaded.rule):
            for node, scope in _walk(condition, base):
                if isinstance(node, ClassificationRef) and node.classification in book.rules:
                    needed = book.rules[node.classification].rule.scope
                    name = {Scope.model: "model", Scope.use_case: "use_case"}.get(needed)
                    if name and name not in scope:
                        yield (f"{_where(book, rid)}: {node.classification} is {needed.value}-scoped; "
                               f"refer to it from a {needed.value}-scoped rule or inside 'some'")


@lint_check("linear")
def linear(book: Rulebook) -> Iterator[str]:
    """No quantifier over a whole list inside a per-item context: evaluated once per item, it
    makes time and explanations grow with the square of the list (factor it into a
    system-scoped classification, which is evaluated once)."""
    for rid, loaded in sorted(book.rules.items()):
        base = _base_scope(loaded.rule.scope)
        for condition in _conditions(loaded.rule):
            for node, scope in _walk(condition, base):
                if (isinstance(node, Some) and "." in scope and not node.some.startswith(".")
                        and node.some.split(".", 1)[0] not in scope):
                    yield (f"{_where(book, rid)}: 'some: {node.some}' is evaluated once per item of an "
                           f"enclosing list or subject; refer to a system-scoped classification instead")


@lint_check("acyclic")
def acyclic(book: Rulebook) -> Iterator[str]:
    """The graph of classifications, obligations and their dependencies has no cycle."""
    import networkx as nx

    from compliance.law.graph import rule_graph

    full = rule_graph(book)
    # part_of and feeds edges are structure, not derivation: only conditions and depends_on count
    g: nx.DiGraph[str] = nx.DiGraph([(a, b) for a, b, d in full.edges(data=True) if d.get("relation") in ("condition", "depends_on")])
    if not nx.is_directed_acyclic_graph(g):
        cycle = nx.find_cycle(g)
        yield "rule graph has a cycle: " + " -> ".join(a for a, _ in cycle)


def _atoms(condition: Condition | None, out: dict[str, None]) -> None:
    if condition is None:
        return
    if isinstance(condition, (All, AnyOf)):
        for c in condition.all if isinstance(condition, All) else condition.any:
            _atoms(c, out)
    elif isinstance(condition, Not):
        _atoms(condition.not_, out)
    else:
        out.setdefault(_key(condition), None)


def _key(condition: Condition) -> str:
    data = condition.model_dump(mode="json", by_alias=True, exclude_none=True)
    data.pop("label", None)
    return json.dumps(data, sort_keys=True)


def _truth(condition: Condition | None, assignment: dict[str, bool]) -> bool:
    if condition is None:
        return True
    if isinstance(condition, All):
        return all(_truth(c, assignment) for c in condition.all)
    if isinstance(condition, AnyOf):
        return any(_truth(c, assignment) for c in condition.any)
    if isinstance(condition, Not):
        return not _truth(condition.not_, assignment)
    return assignment[_key(condition)]


_COMPLEMENTS = {("lt", "gte"), ("gte", "lt"), ("lte", "gt"), ("gt", "lte")}


def _exclusive_pairs(names: list[str]) -> list[tuple[str, str]]:
    """Pairs of fact tests that cannot both be true: the same fact equal to two different
    values, or complementary comparisons with the same operand (< x and >= x)."""
    leaves = {}
    for name in names:
        data = json.loads(name)
        if "fact" in data:
            ops = [k for k in data if k != "fact"]
            if len(ops) == 1:
                leaves[name] = (data["fact"], ops[0], json.dumps(data[ops[0]], sort_keys=True))
    pairs = []
    for x, y in itertools.combinations(leaves, 2):
        (fx, ox, vx), (fy, oy, vy) = leaves[x], leaves[y]
        if fx != fy:
            continue
        if ox == oy == "equals" and vx != vy:
            pairs.append((x, y))
        elif (ox, oy) in _COMPLEMENTS and vx == vy:
            pairs.append((x, y))
    return pairs


def _overlap(a: Arm, b: Arm) -> bool:
    a_end, b_end = a.until or dt.date.max, b.until or dt.date.max
    return a.from_ < b_end and b.from_ < a_end


@lint_check("arms")
def arms(book: Rulebook) -> Iterator[str]:
    """Dated arms of one rule are never active together on the same day."""
    for rid, loaded in sorted(book.rules.items()):
        effective = loaded.rule.effective or []
        for (i, a), (j, b) in itertools.combinations(enumerate(effective), 2):
            if not _overlap(a, b):
                continue
            atoms: dict[str, None] = {}
            _atoms(a.when, atoms)
            _atoms(b.when, atoms)
            names = list(atoms)
            if len(names) > 14:
                yield f"{_where(book, rid)}: arms {i + 1} and {j + 1} overlap in time and are too complex to check"
                continue
            exclusive = _exclusive_pairs(names)
            for values in itertools.product((False, True), repeat=len(names)):
                assignment = dict(zip(names, values, strict=True))
                if any(assignment[x] and assignment[y] for x, y in exclusive):
                    continue  # impossible: one fact cannot take both values
                if _truth(a.when, assignment) and _truth(b.when, assignment):
                    yield (f"{_where(book, rid)}: arms {i + 1} (from {a.from_}) and {j + 1} (from {b.from_}) "
                           "can both be active on the same day; make their 'when' conditions exclusive")
                    break


@lint_check("citations")
def citations(book: Rulebook) -> Iterator[str]:
    """Pinpoints and date bases are in canonical form; verification records are not stale."""
    newest = max((r.rule.verification.checked_on for r in book.rules.values()), default=dt.date.min)
    for rid, loaded in sorted(book.rules.items()):
        rule = loaded.rule
        if not PINPOINT.match(rule.citation.pinpoint):
            yield f"{_where(book, rid)}: pinpoint {rule.citation.pinpoint!r} is not canonical (e.g. 'Art. 26(1)', 'Annex III(4)(a)')"
        for arm in rule.effective or []:
            if not PINPOINT.match(arm.basis):
                yield f"{_where(book, rid)}: date basis {arm.basis!r} should cite a provision (e.g. 'Art. 113, third para., point (c)(i)')"
        if newest - rule.verification.checked_on > STALE_AFTER:
            yield f"{_where(book, rid)}: verification from {rule.verification.checked_on} is more than a year older than the newest"


@lint_check("obligation-fields")
def obligation_fields(book: Rulebook) -> Iterator[str]:
    """Obligations name addressees that are roles of the descriptor model."""
    from compliance.descriptor.model import Role

    roles = {r.value for r in Role}
    for rid, loaded in sorted(book.rules.items()):
        for addressee in loaded.rule.addressees or []:
            if addressee not in roles:
                yield f"{_where(book, rid)}: addressee {addressee!r} is not a role ({', '.join(sorted(roles))})"
        granted = loaded.rule.grants_role
        if granted and granted not in roles:
            yield f"{_where(book, rid)}: grants_role {granted!r} is not a role"


@lint_check("crosswalk-references")
def crosswalk_references(book: Rulebook) -> Iterator[str]:
    """Crosswalk files (jurisdictions/_crosswalks) load, and every obligation id they name exists."""
    from compliance.law.crosswalk import crosswalk_files, load_crosswalk

    for path in crosswalk_files(book.root):
        shown = str(path.relative_to(book.root.parent)) if path.is_relative_to(book.root.parent) else str(path)
        try:
            cw = load_crosswalk(path)
        except RuleDataError as exc:
            yield exc.message
            continue
        if cw.jurisdiction not in book.jurisdictions:
            yield f"{shown}: jurisdiction {cw.jurisdiction!r} has no jurisdiction.yaml"
        for row in cw.rows:
            for rid in row.provision.obligations:
                target = book.rules.get(rid)
                if target is None or target.rule.kind is not Kind.obligation:
                    yield f"{shown}: row {row.id}: {rid} is not an obligation in the rule data"
                elif not rid.startswith(cw.jurisdiction + "."):
                    yield f"{shown}: row {row.id}: {rid} is not a rule of jurisdiction {cw.jurisdiction}"
            if not PINPOINT.match(row.provision.pinpoint):
                yield f"{shown}: row {row.id}: pinpoint {row.provision.pinpoint!r} is not canonical"


@lint_check("coverage")
def coverage(book: Rulebook) -> Iterator[str]:
    """Coverage maps (<instrument>/coverage/) account for every unit of each binding instrument
    cited by rules, and every rule is named by a provision; rules, facts and documents they name
    exist."""
    from compliance.law.coverage import load_coverage

    try:
        maps = load_coverage(book.root)
    except RuleDataError as exc:
        yield exc.message
        return
    yield from coverage_findings(book, maps)


def coverage_findings(book: Rulebook, maps: dict[tuple[str, str], Any]) -> Iterator[str]:
    """The coverage check on maps already loaded (``compliance rules coverage`` loads them once)."""
    from compliance.law.coverage import coverage_problems

    document_keys = {tag.split(".")[0] for loaded in book.rules.values()
                     for tag in loaded.rule.documents or []}
    yield from coverage_problems(
        book, maps,
        pinpoint_ok=lambda p: bool(PINPOINT.match(p)),
        fact_ok=lambda path: _resolve(path, {}) is not None,
        document_ok=lambda tag: tag.split(".")[0] in document_keys)


def _all_load_errors(root: Path) -> list[str]:
    """Every file that fails to load, not just the first (lint collects, then reports)."""
    from compliance.law.models.rule import Jurisdiction, Rule
    from compliance.law.rulebook import _parse, rule_files

    errors = []
    for path in sorted(root.glob("*/jurisdiction.yaml")):
        try:
            _parse(path, Jurisdiction, root)
        except RuleDataError as exc:
            errors.append(f"{exc.message} [schema]")
    for path in rule_files(root):
        try:
            _parse(path, Rule, root)
        except RuleDataError as exc:
            errors.append(f"{exc.message} [schema]")
    return errors


def lint_findings(root: Path, only: list[str] | None = None) -> tuple[list[tuple[str, str]], int]:
    """Run the named checks; returns (check name, finding) pairs and the number of rules. A
    rule set that does not load reports its load errors under the check name ``load``."""
    try:
        book = load_rulebook(root, strict=True)
    except RuleDataError as exc:
        return [("load", line) for line in _all_load_errors(root) or [exc.message]], 0
    findings: list[tuple[str, str]] = []
    for name, fn in LINT_CHECKS.items():
        if only and name not in only:
            continue
        findings.extend((name, line) for line in fn(book))
    return findings, len(book.rules)


def lint(root: Path, only: list[str] | None = None) -> tuple[list[str], int]:
    """Run the named checks; returns findings (each ending in ``[check]``) and the number of
    rules."""
    findings, count = lint_findings(root, only)
    return [line if name == "load" else f"{line} [{name}]" for name, line in findings], count
