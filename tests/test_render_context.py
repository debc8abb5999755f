"""Document contexts and the document registry: no PDF rendering here (fast)."""

from __future__ import annotations

import copy
import os
import shutil
from pathlib import Path

import pytest
from _packs import AS_OF, DATA, sample_assessment

from compliance.documents.context import PackInfo, resolve
from compliance.documents.pack import load_descriptor, render_documents
from compliance.documents.selection import decide


def _render(name: str, assessment: dict | None = None, descriptor_path: Path | None = None):
    path = descriptor_path or DATA / f"{name}.yaml"
    descriptor = load_descriptor(path)
    info = PackInfo(AS_OF, "0" * 64, path.name, path.parent, "0.1.0", "eu 2026.11.25")
    decisions, docs = render_documents(
        descriptor, assessment or sample_assessment(name), info, None
    )
    return decisions, {d.decision.stem: d for d in docs}


def test_documents_follow_obligation_tags() -> None:
    decisions = decide(sample_assessment("hiring"), ["ranker"])
    present = {(d.spec.key, d.subject) for d in decisions if d.present}
    assert present == {("transparency_report", "system"), ("annex_iv", "system"),
                       ("annex_v", "system"), ("fria", "system")}
    absent = {d.spec.key: d.reason for d in decisions if not d.present}
    assert "undetermined" in absent["annex_xi"] and "model.significant_generality" in absent["annex_xi"]


def test_upcoming_obligation_builds_document_and_does_not_apply_does_not() -> None:
    assessment = sample_assessment("hiring")
    for ob in assessment["jurisdictions"][0]["obligations"]:
        if ob["rule"] == "eu.ai_act.art_27_1_fria":
            ob["verdict"], ob["status"] = "does_not_apply", None
    decisions = {d.spec.key: d for d in decide(assessment, ["ranker"])}
    assert not decisions["fria"].present
    assert "Art. 27(1)" in decisions["fria"].reason
    assert decisions["annex_iv"].present  # upcoming (2027-12-02) still builds


def test_gpai_documents_per_model() -> None:
    decisions = decide(sample_assessment("gpai"), ["om-7b"])
    present = {d.stem for d in decisions if d.present}
    assert present == {"transparency-report", "annex-xi-model-documentation-om-7b",
                       "annex-xii-downstream-information-om-7b", "training-content-summary-om-7b"}


def test_resolve_flattens_lists() -> None:
    data = {"system": {"use_cases": [{"annex_iii": ["4(a)"]}, {"annex_iii": None}, {}]}}
    assert resolve(data, "system.use_cases.annex_iii") == ["4(a)"]
    assert resolve(data, "system.use_cases.annex_i") is None
    assert resolve(data, "system.nothing.here") is None


def _sections(ctx: dict) -> list[dict]:
    out = []
    stack = list(ctx["sections"])
    while stack:
        s = stack.pop(0)
        out.append(s)
        stack[:0] = s["children"]
    return out


def test_annex_iv_has_all_nine_sections_and_points() -> None:
    _, docs = _render("hiring")
    ctx = docs["annex-iv-technical-documentation"].context
    top = [s["citation"] for s in ctx["sections"]]
    assert top == [f"Annex IV({i})" for i in range(1, 10)]
    points = [s["citation"] for s in _sections(ctx) if s["level"] == 2]
    assert points == [f"Annex IV(1)({c})" for c in "abcdefgh"] + [
        f"Annex IV(2)({c})" for c in "abcdefgh"]


# one test per document: a missing fact is a visible gap naming the obligation it blocks; the
# document marks it in place with its item of the pack's gap dashboard, which names the obligation
@pytest.mark.parametrize(
    ("name", "stem", "where", "citation"),
    [
        ("hiring", "annex-iv-technical-documentation", "annex_iv.1.g.ui", "Art. 11(1)"),
        ("hiring", "annex-iv-technical-documentation", "annex_iv.9", "Art. 72(1)"),
        ("hiring", "annex-v-declaration-of-conformity", "annex_v.6", "Art. 47(1)"),
        ("hiring", "fria", "fria.c", "Art. 27(1)"),
        ("gpai", "annex-xi-model-documentation-om-7b", "annex_xi.4.aup", "Art. 53(1)(a)"),
        ("gpai", "annex-xii-downstream-information-om-7b", "annex_xii.1.b", "Art. 53(1)(b)"),
        ("gpai", "training-content-summary-om-7b", "training_summary.3.2", "Art. 53(1)(d)"),
        ("hiring", "transparency-report", "eu.ai_act.art_53_1_a_technical_documentation@ranker",
         "Art. 53(1)(a)"),
    ],
)
def test_missing_fact_is_a_gap_naming_the_blocked_obligation(
    name: str, stem: str, where: str, citation: str
) -> None:
    _, docs = _render(name)
    doc = docs[stem]
    items = {i["number"]: i for i in docs["gaps"].context["dashboard"]["items"]}
    if stem == "transparency-report":  # an undetermined obligation: its missing fact is an item
        row = next(r for j in doc.context["jurisdictions"] for r in j["obligations"] if r["id"] == where)
        (number,) = row["missing_items"]
        assert citation in items[number]["citations"]
        assert f"Missing: gap dashboard item {number}" in doc.html and 'id="gaps"' in doc.html
        return
    # a section of the document (or, as a document grows, its first field)
    gap = next(g for g in doc.context["gaps"] if g["where"] == where or g["where"].startswith(where + "."))
    assert citation in [b["citation"] for b in gap["blocks"]]
    assert citation in items[gap["item"]]["citations"]
    assert stem in [p["stem"] for p in items[gap["item"]]["places"]]
    # documents show each gap in place, one line with its dashboard item
    anchor = gap["where"].replace(".", "-")
    assert f'<p class="gap-marker" id="gap-{anchor}"><strong>Missing:</strong> ' in doc.html
    assert f"see the pack's gap dashboard, item {gap['item']}</p>" in doc.html


def test_stated_fact_fills_field_and_evidence_fills_section() -> None:
    _, docs = _render("hiring")
    ctx = docs["annex-iv-technical-documentation"].context
    sections = {s["id"]: s for s in _sections(ctx)}
    hardware = sections["annex_iv.1.e"]["fields"][0]
    assert hardware["gap"] is None and "x86" in hardware["lines"][0]
    assert sections["annex_iv.5"]["gap"] is None
    assert sections["annex_iv.5"]["evidence"][0]["path"] == "evidence/risk-register.md"
    assert len(sections["annex_iv.5"]["evidence"][0]["sha256"]) == 64


def test_systemic_risk_adds_annex_xi_section_2() -> None:
    assessment = sample_assessment("gpai")
    _, docs = _render("gpai", copy.deepcopy(assessment))
    s2 = next(s for s in docs["annex-xi-model-documentation-om-7b"].context["sections"]
              if s["id"] == "annex_xi.section_2")
    assert s2["not_applicable"] and not s2["children"]
    for c in assessment["jurisdictions"][0]["classifications"]:
        if c["id"] == "eu.ai_act.gpai_systemic_risk":
            c["value"] = "true"
    _, docs = _render("gpai", assessment)
    s2 = next(s for s in docs["annex-xi-model-documentation-om-7b"].context["sections"]
              if s["id"] == "annex_xi.section_2")
    assert [c["citation"] for c in s2["children"]] == [
        "Annex XI(2)(1)", "Annex XI(2)(2)", "Annex XI(2)(3)"]


def test_annex_xi_fields_name_their_recipients() -> None:
    _, docs = _render("gpai")
    ctx = docs["annex-xi-model-documentation-om-7b"].context
    fields = {f["id"]: f for s in ctx["sections"] for f in s["fields"]}
    assert fields["annex_xi.2.architecture"]["recipients"] == ["AIO", "NCA", "DP"]
    assert fields["annex_xi.7.compute"]["recipients"] == ["AIO", "NCA"]
    assert "estimated as 6" in fields["annex_xi.7.compute"]["lines"][0]


def test_descriptor_markup_is_escaped(tmp_path: Path) -> None:
    # tests/data/hiring.yaml carries markup in a use-case description, which the FRIA prints
    # (Art. 27(1)(a)): it must appear as text, escaped, and never as live markup anywhere.
    _, docs = _render("hiring")
    fria = docs["fria"].html
    assert '<p class="value">Rank applications and propose a shortlist '\
        '&lt;b&gt;for recruiters&lt;/b&gt;.</p>' in fria
    for stem, doc in docs.items():
        assert "<b>for recruiters</b>" not in doc.html, stem
    # markup, an ampersand and quotes in the intended purpose, which Annex IV(1)(a), Annex V and
    # the FRIA all print
    shutil.copytree(DATA / "evidence", tmp_path / "evidence")
    source = (DATA / "hiring.yaml").read_text("utf-8")
    assert "Ranks applications for vacancies" in source
    descriptor = tmp_path / "hiring.yaml"
    descriptor.write_text(source.replace(
        "Ranks applications for vacancies", 'Ranks <i>applications</i> & "vacancies"'), "utf-8")
    _, docs = _render("hiring", descriptor_path=descriptor)
    escaped = "Ranks &lt;i&gt;applications&lt;/i&gt; &amp; &#34;vacancies&#34; in the municipal"
    for stem in ("annex-iv-technical-documentation", "annex-v-declaration-of-conformity", "fria"):
        assert escaped in docs[stem].html, stem
    for stem, doc in docs.items():
        assert "<i>applications</i>" not in doc.html, stem
        assert '& "vacancies"' not in doc.html, stem


def test_golden_html_snapshot() -> None:
    """Golden snapshot of the FRIA HTML. Regenerate with UPDATE_SNAPSHOTS=1 and review by eye:
    a run that rewrites the snapshot fails on purpose, so a regeneration is never green by itself."""
    _, docs = _render("hiring")
    html = docs["fria"].html
    snapshot = Path(__file__).parent / "snapshots" / "fria-hiring.html"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        previous = snapshot.read_text("utf-8") if snapshot.is_file() else None
        snapshot.write_text(html, "utf-8")
        change = "content identical" if previous == html else "content CHANGED"
        pytest.fail(f"UPDATE_SNAPSHOTS=1: snapshot {snapshot.name} was rewritten ({change}); it "
                    f"must be reviewed (git diff {snapshot}) and the test rerun without "
                    "UPDATE_SNAPSHOTS", pytrace=False)
    assert snapshot.is_file(), f"{snapshot} is missing: create it with UPDATE_SNAPSHOTS=1 and review it"
    expected = snapshot.read_text("utf-8")
    assert html == expected, (
        f"FRIA HTML differs from {snapshot.name}; if the change is intended, regenerate with "
        "UPDATE_SNAPSHOTS=1 and review the diff")
