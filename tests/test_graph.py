"""compliance.law.graph in-process: the rule graph, the graph evaluated for one system (what
`compliance graph` prints) and its DOT, GraphML and JSON exports."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest
from pydantic import TypeAdapter

from compliance.descriptor.validation import load_valid_descriptor
from compliance.law.engine.evaluator import assess_selected
from compliance.law.graph import condition_refs, evaluated_graph, export, rule_graph
from compliance.law.models.rule import Condition

ROOT = Path(__file__).resolve().parent.parent
RISK_MANAGEMENT = "obligation:eu.ai_act.art_09_1_risk_management_system"


@pytest.fixture(scope="module")
def graph(rulebook) -> nx.DiGraph[str]:  # type: ignore[no-untyped-def]
    return rule_graph(rulebook)


@pytest.fixture(scope="module")
def evaluated(rulebook) -> nx.DiGraph[str]:  # type: ignore[no-untyped-def]
    descriptor = load_valid_descriptor(ROOT / "examples" / "recruitment-screening-provider.yaml")
    return evaluated_graph(assess_selected(descriptor, rulebook, dt.date(2026, 11, 25)))


def _condition(data: dict) -> Condition:
    return TypeAdapter(Condition).validate_python(data)  # type: ignore[return-value]


def test_condition_refs_walk_every_kind_of_condition() -> None:
    assert list(condition_refs(None)) == []
    condition = _condition({"all": [
        {"classification": "eu.ai_act.gpai_model"},
        {"not": {"any": [{"fact": "a.b", "equals": True},
                         {"fact": "c.d", "lt": {"fact": "e.f", "times": 3}}]}},
        {"some": "system.use_cases", "where": {"all": [
            {"fact": ".profiling", "equals": True},
            {"fact": "organisation.size", "equals": "large"},
            {"classification": "eu.ai_act.in_scope"}]}},
    ]})
    assert list(condition_refs(condition)) == [
        ("classification", "eu.ai_act.gpai_model"),
        ("fact", "a.b"), ("fact", "c.d"), ("fact", "e.f"),  # a fact operand is a reference too
        ("fact", "system.use_cases"),
        ("fact", "system.use_cases.profiling"),  # relative to the list element
        ("fact", "organisation.size"),
        ("classification", "eu.ai_act.in_scope"),
    ]


def test_rule_graph_has_every_rule_and_each_reference_resolves(graph, rulebook) -> None:  # type: ignore[no-untyped-def]
    for rule_id, loaded in rulebook.rules.items():
        node = graph.nodes[f"{loaded.rule.kind.value}:{rule_id}"]
        assert (node["kind"], node["label"], node["citation"]) == (
            loaded.rule.kind.value, loaded.rule.title, loaded.rule.citation.pinpoint)
    kinds = Counter(data["kind"] for _, data in graph.nodes(data=True))  # every node has a kind
    assert sum(kinds[k] for k in ("obligation", "classification", "check")) == len(rulebook.rules)
    assert set(kinds) == {"obligation", "classification", "check", "fact", "document"}
    assert {d["relation"] for _, _, d in graph.edges(data=True)} == {
        "condition", "depends_on", "feeds", "part_of"}
    for a, b, data in graph.edges(data=True):
        kind_a, kind_b = graph.nodes[a]["kind"], graph.nodes[b]["kind"]
        if data["relation"] == "feeds":
            assert kind_b == "document", (a, b)
        elif data["relation"] == "part_of":
            assert (kind_a, kind_b) == ("obligation", "obligation"), (a, b)
        else:
            assert kind_b in ("obligation", "classification", "check") and kind_a != "document", (a, b)


def test_rule_graph_edges_of_known_rules(graph) -> None:  # type: ignore[no-untyped-def]
    def relation(a: str, b: str) -> str:
        return graph.edges[a, b]["relation"]

    modifier = "classification:eu.ai_act.gpai_modifier_becomes_provider"
    assert relation("fact:model.base_model.training_compute_flop", modifier) == "condition"
    assert relation("fact:model.modification_compute_flop", modifier) == "condition"  # an operand
    co = "classification:us_co.sb24_205.high_risk_ai_system"
    assert {a for a, _ in graph.in_edges(co)} >= {
        "fact:system.use_cases", "fact:system.use_cases.consequential_decision_domains",
        "fact:system.use_cases.materially_influences_consequential_decisions"}
    assert relation("obligation:eu.ai_act.art_11_1_technical_documentation", "document:annex_iv") == "feeds"
    assert graph.nodes["document:annex_iv"] == {"kind": "document", "label": "annex_iv"}
    assert relation("obligation:cn.gb_45438.cl_05_explicit_label_method",
                    "obligation:cn.labelling_measures.art_04_explicit_labels") == "part_of"
    assert relation("classification:eu.ai_act.high_risk_direct", RISK_MANAGEMENT) == "depends_on"
    assert nx.is_directed_acyclic_graph(graph.edge_subgraph(
        [(a, b) for a, b, d in graph.edges(data=True) if d["relation"] == "condition"]))


def test_evaluated_graph_carries_the_verdicts(evaluated, graph) -> None:  # type: ignore[no-untyped-def]
    assert set(evaluated.nodes) == set(graph.nodes) and set(evaluated.edges) == set(graph.edges)
    assert evaluated.nodes[RISK_MANAGEMENT]["verdicts"] == '{"system": "applies/upcoming"}'
    assert json.loads(evaluated.nodes["obligation:eu.ai_act.art_04_ai_literacy"]["verdicts"]) == {
        "system": "applies/in_force"}
    assert json.loads(evaluated.nodes["classification:eu.ai_act.high_risk"]["values"]) == {"system": "true"}
    # California was not evaluated for this system (not offered there): nothing to annotate
    frontier = evaluated.nodes["obligation:us_ca.sb53.bpc_22757_12_a_frontier_ai_framework"]
    assert "verdicts" not in frontier and frontier["kind"] == "obligation"
    # a rule graph built on its own is not annotated
    assert not any("verdicts" in d or "values" in d for _, d in graph.nodes(data=True))


def test_export_json_is_node_link_data(evaluated) -> None:  # type: ignore[no-untyped-def]
    text = export(evaluated, "json")
    data = json.loads(text)
    assert (data["directed"], data["multigraph"]) == (True, False)
    nodes = {n["id"]: n for n in data["nodes"]}
    assert set(nodes) == set(evaluated.nodes)
    assert nodes[RISK_MANAGEMENT]["verdicts"] == '{"system": "applies/upcoming"}'
    assert {(e["source"], e["target"], e["relation"]) for e in data["edges"]} == {
        (a, b, d["relation"]) for a, b, d in evaluated.edges(data=True)}
    assert text == json.dumps(data, indent=2, sort_keys=True) + "\n"  # stable: sorted keys


def test_export_graphml_reads_back(evaluated) -> None:  # type: ignore[no-untyped-def]
    text = export(evaluated, "graphml")
    assert text.startswith("<graphml") and text.endswith("</graphml>\n")
    back = nx.parse_graphml(text)
    assert set(back.nodes) == set(evaluated.nodes) and set(back.edges) == set(evaluated.edges)
    assert back.nodes[RISK_MANAGEMENT] == evaluated.nodes[RISK_MANAGEMENT]
    assert back.edges["classification:eu.ai_act.high_risk_direct", RISK_MANAGEMENT] == {
        "relation": "depends_on"}


def test_export_dot(evaluated) -> None:  # type: ignore[no-untyped-def]
    dot = export(evaluated, "dot")
    lines = dot.split("\n")
    assert lines[:2] == ["digraph compliance {", "  rankdir=LR;"] and lines[-2:] == ["}", ""]
    node_lines = [line for line in lines if re.fullmatch(r'  ".*" \[shape=\w+, label=".*"\];', line)]
    edge_lines = [line for line in lines if " -> " in line]
    assert len(node_lines) == evaluated.number_of_nodes()
    assert len(edge_lines) == evaluated.number_of_edges()
    assert len(lines) == 2 + len(node_lines) + len(edge_lines) + 2
    assert node_lines == sorted(node_lines)  # sorted by node id: stable output
    # the verdict follows the title on a second label line; its quotes are escaped
    assert (f'  "{RISK_MANAGEMENT}" [shape=box, label="Establish a risk-management system'
            '\\n{\\"system\\": \\"applies/upcoming\\"}"];') in lines
    shapes = {kind: {re.search(r"shape=(\w+)", line)[1]  # type: ignore[index]
                     for line in node_lines if line.startswith(f'  "{kind}:')}
              for kind in ("fact", "classification", "obligation", "document", "check")}
    assert shapes == {"fact": {"note"}, "classification": {"ellipse"}, "obligation": {"box"},
                      "document": {"folder"}, "check": {"diamond"}}
    assert (f'  "classification:eu.ai_act.high_risk_direct" -> "{RISK_MANAGEMENT}" '
            '[label="depends_on"];') in lines
    assert '  "fact:system.lifecycle.stage" [shape=note, label="system.lifecycle.stage"];' in lines
