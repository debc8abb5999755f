"""The rule graph (networkx): facts → classifications → obligations → document sections, plus
depends-on and part-of edges. Used by `graph`, `rules lint` and the documents; networkx is
imported only here."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import networkx as nx

from compliance.io.textsafe import printable
from compliance.law.models.rule import All, AnyOf, ClassificationRef, Condition, Leaf, Not, Some
from compliance.law.rulebook import Rulebook


def condition_refs(condition: Condition | None) -> Iterator[tuple[str, str]]:
    """Yield ("fact", path) and ("classification", id) references of a condition."""
    if condition is None:
        return
    if isinstance(condition, All):
        for c in condition.all:
            yield from condition_refs(c)
    elif isinstance(condition, AnyOf):
        for c in condition.any:
            yield from condition_refs(c)
    elif isinstance(condition, Not):
        yield from condition_refs(condition.not_)
    elif isinstance(condition, Some):
        yield ("fact", condition.some)
        for kind, ref in condition_refs(condition.where):
            yield (kind, f"{condition.some}{ref}" if kind == "fact" and ref.startswith(".") else ref)
    elif isinstance(condition, ClassificationRef):
        yield ("classification", condition.classification)
    elif isinstance(condition, Leaf):
        yield ("fact", condition.fact)
        operand = condition.operand
        if hasattr(operand, "fact") and getattr(operand, "fact", None):
            yield ("fact", operand.fact)


def rule_graph(book: Rulebook) -> nx.DiGraph[str]:
    g: nx.DiGraph[str] = nx.DiGraph()
    for loaded in book.rules.values():
        rule = loaded.rule
        node = f"{rule.kind.value}:{loaded.id}"
        g.add_node(node, kind=rule.kind.value, label=rule.title, citation=rule.citation.pinpoint)
        conditions = [rule.condition, *[arm.when for arm in rule.effective or []]]
        for condition in conditions:
            for kind, ref in condition_refs(condition):
                source = f"{kind}:{ref}"
                if kind == "fact":
                    g.add_node(source, kind="fact", label=ref)
                g.add_edge(source, node, relation="condition")
        for dep in rule.depends_on or []:
            target = next((f"{k}:{dep}" for k in ("classification", "obligation", "check")
                           if f"{k}:{dep}" in g or (dep in book.rules and book.rules[dep].rule.kind.value == k)), f"obligation:{dep}")
            g.add_edge(target, node, relation="depends_on")
        if rule.part_of:
            g.add_edge(node, f"obligation:{rule.part_of}", relation="part_of")
        for doc in rule.documents or []:
            g.add_node(f"document:{doc}", kind="document", label=doc)
            g.add_edge(node, f"document:{doc}", relation="feeds")
    return g


def evaluated_graph(assessment: Any) -> nx.DiGraph[str]:
    """The rule graph restricted to what was evaluated, annotated with verdicts."""
    from compliance.law.rulebook import load_rulebook
    from compliance.paths import rules_dir

    book = load_rulebook(rules_dir())
    g = rule_graph(book)
    for c in assessment.classifications():
        node = f"classification:{c.id}"
        if node in g:
            g.nodes[node].setdefault("values", {})[c.subject] = c.truth.value
    for o in assessment.obligations():
        node = f"obligation:{o.loaded.id}"
        if node in g:
            g.nodes[node].setdefault("verdicts", {})[o.subject] = (
                o.verdict.value + (f"/{o.status.value}" if o.status else ""))
    for _node, data in g.nodes(data=True):
        for key in ("values", "verdicts"):
            if key in data:
                data[key] = json.dumps(data[key], sort_keys=True)
    return g


def _dot(text: str) -> str:
    """Plain text inside a DOT double-quoted string: backslashes (DOT's escapes such as ``\\l``
    or ``\\N``) and quotes are escaped, line breaks become spaces, so a label shows exactly the
    text it was given."""
    flat = printable(" ".join(str(text).splitlines()))
    return flat.replace("\\", "\\\\").replace('"', '\\"')


def export(g: nx.DiGraph[str], fmt: str) -> str:
    if fmt == "json":
        data = nx.node_link_data(g, edges="edges")
        return json.dumps(data, indent=2, sort_keys=True) + "\n"
    if fmt == "graphml":
        return printable("\n".join(nx.generate_graphml(g)) + "\n")
    lines = ["digraph compliance {", "  rankdir=LR;"]
    shapes = {"fact": "note", "classification": "ellipse", "obligation": "box", "document": "folder", "check": "diamond"}
    for node, data in sorted(g.nodes.items()):  # (node, attribute dict), as nodes(data=True)
        label = _dot(data.get("label", node))
        extra = data.get("verdicts") or data.get("values") or ""
        if extra:
            label += "\\n" + _dot(extra)
        lines.append(f'  "{_dot(node)}" [shape={shapes.get(data.get("kind", ""), "box")}, label="{label}"];')
    for a, b, data in sorted(g.edges(data=True)):
        lines.append(f'  "{_dot(a)}" -> "{_dot(b)}" [label="{_dot(data.get("relation", ""))}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"
