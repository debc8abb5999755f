"""The pack's gap dashboard (issue 17 item 3): every missing fact listed once for the pack, in
gaps.pdf and in the index's Gaps section; the documents mark each gap with its item number and
point to the dashboard instead of repeating a table. Contexts and HTML only: no PDF here."""

from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from _packs import AS_OF, DATA, sample_assessment

from compliance.documents.context import PackInfo
from compliance.documents.context.gaps import GROUPS, compress, subject_path
from compliance.documents.pack import (
    RenderedDocument,
    _index_html,
    load_descriptor,
    render_documents,
)
from compliance.documents.selection import BY_KEY, GAP_DASHBOARD, decide

ROOT = Path(__file__).resolve().parent.parent
# descriptor paths and document section ids as the dashboard names them
PATH = re.compile(r"\b(?:organisation|system|models|model)(?:\[[^\]]*\])?\.[a-z_]+(?:\.[a-z_]+)*")


def _render(name: str, assessment: dict[str, Any] | None = None
            ) -> tuple[list[Any], dict[str, RenderedDocument]]:
    path = DATA / f"{name}.yaml"
    info = PackInfo(AS_OF, "0" * 64, path.name, path.parent, "0.1.0", "eu 2026.11.25")
    decisions, docs = render_documents(load_descriptor(path),
                                       assessment or sample_assessment(name), info, None)
    return decisions, {d.decision.stem: d for d in docs}


def _dashboard(docs: dict[str, RenderedDocument]) -> dict[str, Any]:
    return docs["gaps"].context["dashboard"]


def _items(docs: dict[str, RenderedDocument]) -> dict[int, dict[str, Any]]:
    return {i["number"]: i for i in _dashboard(docs)["items"]}


def _undetermined(assessment: dict[str, Any], ident: str, facts: list[str]) -> None:
    """Add an undetermined obligation lacking ``facts`` (a made-up one: only its shape matters)."""
    assessment["jurisdictions"][0]["obligations"].append({
        "id": ident, "rule": ident, "subject": "system", "jurisdiction": "eu",
        "citation": f"Art. {ident[-1]}(9)", "title": f"Test duty {ident[-1]}", "roles": ["provider"],
        "verdict": "undetermined", "status": None, "applies_from": None, "reasons": [],
        "missing_facts": facts, "documents": []})


def test_a_fact_missing_in_two_documents_is_one_item() -> None:
    _, docs = _render("gpai")
    xi, xii = docs["annex-xi-model-documentation-om-7b"], docs["annex-xii-downstream-information-om-7b"]
    by_where = {g["where"]: g for d in (xi, xii) for g in d.context["gaps"]}
    number = by_where["annex_xi.2.max_input"]["item"]
    assert by_where["annex_xii.2.b"]["item"] == number  # the same fact, the same item
    item = _items(docs)[number]
    # keyed by the descriptor path, the model's own (a model document names it model.…)
    assert item["kind"] == "fact" and item["paths"] == ["models[om-7b].max_input_sizes"]
    assert [p["stem"] for p in item["places"]] == [xi.decision.stem, xii.decision.stem]
    assert item["citations"] == ["Art. 53(1)(a)", "Art. 53(1)(b)"] and item["blocks"] == 2
    assert item["sections"] == ["annex_xi.2.max_input", "annex_xii.2.b"]  # evidence closes it too
    # every gap of the pack is an item, and no item is listed twice
    dashboard = _dashboard(docs)
    keys = [(i["kind"], tuple(i["paths"]), tuple(i["sections"])) for i in dashboard["items"]]
    assert len(keys) == len(set(keys)) == dashboard["count"]
    numbered = {g["item"] for d in docs.values() for g in d.context.get("gaps") or [] if "item" in g}
    assert numbered <= set(_items(docs))


def test_a_section_only_evidence_fills_is_keyed_by_the_section() -> None:
    _, docs = _render("hiring")
    stem = "annex-iv-technical-documentation"
    gap = next(g for g in docs[stem].context["gaps"] if g["where"] == "annex_iv.9")
    item = _items(docs)[gap["item"]]
    assert item["kind"] == "section" and item["group"] == "evidence"
    assert item["sections"] == ["annex_iv.9"] and item["paths"] == []
    assert item["places"] == [{"stem": stem, "title": docs[stem].decision.spec.title,
                               "where": [{"citation": "Annex IV(9)"}]}]
    assert item["citations"] == ["Art. 72(1)"]


def test_items_are_grouped_by_descriptor_part_and_ranked() -> None:
    assessment = copy.deepcopy(sample_assessment("hiring"))
    # two undetermined duties lack the user interface (a fact Annex IV misses too), one also
    # the organisation's size: stating the interface decides one, so it is a deciding question
    _undetermined(assessment, "eu.test.duty_1", ["system.user_interface"])
    _undetermined(assessment, "eu.test.duty_2", ["system.user_interface", "organisation.size"])
    _, docs = _render("hiring", assessment)
    dashboard = _dashboard(docs)
    order = [key for key, _ in GROUPS]
    groups = [g["key"] for g in dashboard["groups"]]
    assert groups == sorted(groups, key=order.index)  # the descriptor's order
    assert [i["number"] for g in dashboard["groups"] for i in g["items"]] == list(
        range(1, dashboard["count"] + 1))  # numbered in the order shown
    for g in dashboard["groups"]:  # ranked first, by rank; then by obligations blocked
        keys = [(0, i["rank"], 0) if i["rank"] else (1, 0, -i["blocks"]) for i in g["items"]]
        assert keys == sorted(keys), g["key"]
    interface = next(i for i in dashboard["items"] if i["paths"] == ["system.user_interface"])
    assert interface["rank"] == 1 and interface["decides"] == 1 and interface["blocks"] == 3
    assert interface["number"] == next(g for g in dashboard["groups"] if g["key"] == "system")[
        "items"][0]["number"]  # first of its group, ahead of facts that block as many
    assert [p["stem"] for p in interface["places"]] == [
        "annex-iv-technical-documentation", "transparency-report"]
    assert interface["citations"] == ["Art. 11(1)", "Art. 1(9)", "Art. 2(9)"]
    size = next(i for i in dashboard["items"] if i["paths"] == ["organisation.size"])
    assert size["group"] == "organisation" and size["rank"] == 3
    generality = next(i for i in dashboard["items"] if i["paths"] == ["models[ranker].significant_generality"])
    assert generality["group"] == "models" and generality["rank"] == 2
    # the report's register names an undetermined duty's missing facts by their items
    report = docs["transparency-report"]
    row = next(r for j in report.context["jurisdictions"] for r in j["obligations"]
               if r["id"] == "eu.test.duty_2")
    assert row["missing_items"] == sorted([interface["number"], size["number"]]) and not row["missing_facts"]
    assert f"gap dashboard items {', '.join(map(str, row['missing_items']))}" in report.html


def test_documents_mark_gaps_in_place_and_point_to_the_dashboard() -> None:
    _, docs = _render("hiring")
    total = _dashboard(docs)["count"]
    for stem in ("annex-iv-technical-documentation", "annex-v-declaration-of-conformity", "fria"):
        doc = docs[stem]
        gaps = doc.context["gaps"]
        assert gaps
        for gap in gaps:  # one line in place, with the item number
            marker = re.search(rf'<p class="gap-marker" id="gap-{re.escape(gap["where"].replace(".", "-"))}">'
                               r"(.*?)</p>", doc.html)
            assert marker, (stem, gap["where"])
            assert marker[1].endswith(f" — see the pack's gap dashboard, item {gap['item']}")
            assert marker[1].startswith("<strong>Missing:</strong> ")
            assert not PATH.search(marker[1]), marker[1]  # the path is named in the dashboard only
        # no table, no "Blocks" list: the dashboard has them
        assert "gap-dashboard" not in doc.html and "gap-list" not in doc.html and "Blocks:" not in doc.html
        # the cover keeps the count; the Gaps section is a pointer with the items
        n = len(gaps)
        assert f"This document has <strong>{n} gap{'s' if n != 1 else ''}</strong>" in doc.html
        section = doc.html.split('<h2 id="gaps">Gaps</h2>', 1)[1].split("</section>", 1)[0]
        assert f"This document has {n} gap" in section and "gaps.pdf" in section
        assert f"{doc.context['gap_dashboard']['items']} of {total}" in section
        assert "<table" not in section and not PATH.search(section)


def test_the_transparency_report_summarises_and_points() -> None:
    _, docs = _render("gpai")
    report = docs["transparency-report"]
    dashboard = _dashboard(docs)
    assert report.context["gaps"] == dashboard["items"]  # the cover and figures count the pack's gaps
    section = report.html.split('<h2 id="gaps">Gaps</h2>', 1)[1].split("</section>", 1)[0]
    assert f"The draft pack has {dashboard['count']} gaps" in section and "gaps.pdf" in section
    assert "Verdict undetermined" not in report.html and "gap-dashboard" not in section
    for d in dashboard["documents"]:  # one row per document: its gaps and their items
        assert f"<td>{d['title']}</td><td>{d['gaps']}</td><td>{d['items']}</td>" in section


def test_the_dashboard_document_and_its_place_in_the_pack() -> None:
    decisions, docs = _render("gpai")
    spec = BY_KEY["gaps"]
    assert spec is GAP_DASHBOARD and spec.release == () and spec.from_gaps
    assert "gaps" not in {d.spec.key for d in decide(sample_assessment("gpai"), ["om-7b"])}
    mine = [d for d in decisions if d.spec.key == "gaps"]
    assert len(mine) == 1 and mine[0].present and mine[0].stem == "gaps"
    doc = docs["gaps"]
    dashboard = doc.context["dashboard"]
    # the common frame: cover with the count, contents by group, no sign-off, no gaps section
    assert f"The draft pack has <strong>{dashboard['count']} gaps</strong>" in doc.html
    assert [e["heading"] for e in doc.context["toc"]] == [g["heading"] for g in dashboard["groups"]]
    assert 'id="sign-off"' not in doc.html and '<h2 id="gaps">' not in doc.html
    for item in dashboard["items"]:
        assert f'<tr id="item-{item["number"]}">' in doc.html
        for path in item["paths"] + item["sections"]:  # identifiers in <code>, never hyphenated
            assert f'<code class="mono">{path}</code>' in doc.html
    # the transparency report lists it among the pack's documents
    listed = docs["transparency-report"].context["documents"]
    assert any(d["file"] == "gaps.pdf" and d["present"] for d in listed)


def test_no_gap_no_dashboard() -> None:
    from compliance.documents.pack import assess_descriptor

    path = ROOT / "examples" / "bank-credit-scoring-deployer.yaml"
    descriptor = load_descriptor(path)
    day = dt.date(2028, 1, 15)
    info = PackInfo(day, "0" * 64, path.name, path.parent, "0.1.0", "eu")
    decisions, docs = render_documents(descriptor, assess_descriptor(descriptor, day), info, None)
    mine = next(d for d in decisions if d.spec.key == "gaps")
    assert not mine.present and mine.reason == "Not built: the draft has no gap."
    assert "gaps" not in {d.decision.stem for d in docs}
    report = next(d for d in docs if d.decision.spec.always)
    assert report.context["dashboard"]["count"] == 0
    assert "No gaps were found in the pack." in report.html and '<h2 id="gaps">' not in report.html


def test_same_inputs_same_items_and_bytes() -> None:
    _, first = _render("gpai")
    _, second = _render("gpai")
    assert _dashboard(first) == _dashboard(second)
    for stem, doc in first.items():
        assert doc.html == second[stem].html, stem


def test_the_index_shows_the_dashboard(tmp_path: Path) -> None:
    path = DATA / "gpai.yaml"
    descriptor = load_descriptor(path)
    assessment = sample_assessment("gpai")
    info = PackInfo(AS_OF, "0" * 64, path.name, path.parent, "0.1.0", "eu 2026.11.25")
    decisions, docs = render_documents(descriptor, assessment, info, None)
    dashboard = next(d.context["dashboard"] for d in docs if d.decision.stem == "gaps")
    html = _index_html(descriptor, assessment, info, decisions, None, {"pdf"}, dashboard)
    # after the deciding questions, before the documents
    assert html.index('id="deciding-questions"') < html.index('<h2 id="gaps">') < html.index('id="documents"')
    assert f'<a href="#gaps">{dashboard["count"]} gaps</a>' in html and '<a href="gaps.pdf">' in html
    for item in dashboard["items"]:
        assert f'<tr id="item-{item["number"]}">' in html
    assert '<a href="annex-xi-model-documentation-om-7b.pdf">' in html  # where it is missing, linked
    html_only = _index_html(descriptor, assessment, info, decisions, None, {"html"}, dashboard)
    assert '<a href="gaps.html">' in html_only and ".pdf" not in html_only.split('<h2 id="gaps">')[1]
    empty = _index_html(descriptor, assessment, info, decisions, None, {"pdf"}, None)
    assert "This draft has no gaps." in empty


def test_a_release_copy_shows_no_marker_and_no_pointer() -> None:
    from compliance.documents.environment import make_environment
    from compliance.documents.release import release_document

    _, docs = _render("hiring")
    doc = docs["annex-v-declaration-of-conformity"]
    released = release_document(doc.decision.stem, "authority", doc.context)
    html = make_environment().get_template(doc.decision.spec.template).render(released.context)
    assert "gap-marker" not in html and "gap dashboard" not in html and "Not provided." in html


@pytest.mark.parametrize(("fact", "subject", "expected"), [
    ("model.max_input_sizes", "model:om-7b", "models[om-7b].max_input_sizes"),
    ("model.training_data.sources[type=web_crawl]", "model:m", "models[m].training_data.sources[type=web_crawl]"),
    ("models[m].licence.id", "model:m", "models[m].licence.id"),
    ("system.user_interface", "model:m", "system.user_interface"),
    ("modelling", "model:m", "modelling"),
])
def test_subject_path(fact: str, subject: str, expected: str) -> None:
    assert subject_path(fact, subject) == expected


def test_compress() -> None:
    assert compress([1, 2, 3, 5, 7, 8, 10]) == "1–3, 5, 7, 8, 10"
    assert compress([]) == "" and compress([4]) == "4"
