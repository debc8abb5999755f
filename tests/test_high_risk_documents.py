"""Three documents of high-risk AI systems: the instructions for use (Art. 13(3)), the post-market
monitoring plan (Art. 72) and the EU database registration data (Art. 49, Annex VIII, only the
Section whose obligation applies). Contexts and HTML from the real engine; one PDF pack with
release renditions (slow)."""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from _packs import engine_release_pack

from compliance.documents.context import PackInfo, _Walker, load_structure
from compliance.documents.pack import (
    RenderedDocument,
    assess_descriptor,
    load_descriptor,
    render_documents,
)
from compliance.documents.release import release_document
from compliance.documents.selection import BY_KEY, decide

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
PROVIDER = EXAMPLES / "recruitment-screening-provider.yaml"
PUBLIC_DEPLOYER = EXAMPLES / "public-benefits-agency.yaml"
DEROGATION = ROOT / "tests" / "data" / "cv-presorting-derogation.yaml"
TEMPLATES = ROOT / "templates" / "eu" / "ai_act"
AS_OF = dt.date(2028, 1, 15)  # the Annex III duties apply from 2027-12-02
KEYS = ("instructions_for_use", "post_market_monitoring_plan", "annex_viii")


@functools.cache
def _rendered(path: Path, edited: str = "") -> dict[str, RenderedDocument]:
    """The rendered documents of a descriptor (real engine at AS_OF), by document key; ``edited``:
    a YAML document to use instead of the file (written next to it is not needed: no evidence)."""
    descriptor = load_descriptor(path, edited.encode("utf-8")) if edited else load_descriptor(path)
    info = PackInfo(AS_OF, "0" * 64, path.name, path.parent, "0.1.0", "eu")
    _, docs = render_documents(descriptor, assess_descriptor(descriptor, AS_OF), info, None)
    return {d.decision.spec.key: d for d in docs}


def _edited(path: Path, change: Any) -> dict[str, RenderedDocument]:
    data = yaml.safe_load(path.read_text("utf-8"))
    change(data)
    return _rendered(path, yaml.safe_dump(data, sort_keys=False))


def _sections(ctx: dict[str, Any]) -> list[dict[str, Any]]:
    """Every section in document order (depth first)."""
    out: list[dict[str, Any]] = []

    def walk(s: dict[str, Any]) -> None:
        out.append(s)
        for c in s["children"]:
            walk(c)
    for s in ctx["sections"]:
        walk(s)
    return out


def _fields(ctx: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["id"]: f for s in _sections(ctx) for f in s["fields"]}


def _gaps(ctx: dict[str, Any]) -> dict[str, list[str]]:
    return {g["where"]: [b["citation"] for b in g["blocks"]] for g in ctx["gaps"]}


# --------------------------------------------------------------------------- which example builds what


def test_each_document_is_built_where_its_obligation_applies() -> None:
    built: dict[str, set[str]] = {key: set() for key in KEYS}
    reasons: dict[tuple[str, str], str] = {}
    for path in [*sorted(EXAMPLES.glob("*.yaml")), DEROGATION]:
        descriptor = load_descriptor(path)
        assessment = assess_descriptor(descriptor, AS_OF)
        for d in decide(assessment, [m.id for m in descriptor.models or []]):
            if d.spec.key in KEYS:
                reasons[(d.spec.key, path.stem)] = d.reason
                if d.present:
                    built[d.spec.key].add(path.stem)
    assert built == {
        "instructions_for_use": {"recruitment-screening-provider"},
        "post_market_monitoring_plan": {"recruitment-screening-provider"},
        "annex_viii": {"recruitment-screening-provider", "public-benefits-agency", "cv-presorting-derogation"},
    }
    assert reasons[("instructions_for_use", "recruitment-screening-provider")] == (
        "Required by Art. 13(1)-(2), Art. 13(3)(a)-(f).")
    assert reasons[("annex_viii", "public-benefits-agency")] == "Required by Art. 49(3)."
    assert reasons[("annex_viii", "cv-presorting-derogation")] == "Required by Art. 49(2)."
    # a chatbot that is not high-risk, and a private deployer, get none of them
    for stem in ("customer-service-chatbot", "bank-credit-scoring-deployer"):
        for key in KEYS:
            assert reasons[(key, stem)].startswith("Not built: no obligation that calls for it applies"), (key, stem)


def test_the_specs_name_their_file_basis_and_audiences() -> None:
    ifu, pmm, viii = (BY_KEY[k] for k in KEYS)
    assert (ifu.filename, ifu.scope, ifu.basis, set(ifu.release)) == (
        "instructions-for-use", "system", "Art. 13(2)-(3)", {"downstream", "authority"})
    assert (pmm.filename, pmm.scope, pmm.basis, pmm.release) == (
        "post-market-monitoring-plan", "system", "Art. 72(1)-(3); Annex IV(9)", ("authority",))
    assert (viii.filename, viii.scope, viii.basis, viii.release) == (
        "eu-database-registration", "system", "Art. 49 and Annex VIII", ("authority",))


# --------------------------------------------------------------------------- instructions for use


def test_instructions_for_use_follow_art_13_3_point_by_point() -> None:
    doc = _rendered(PROVIDER)["instructions_for_use"]
    cites = [s["citation"] for s in _sections(doc.context)]
    assert cites == ["Art. 13(3)(a)", "Art. 13(3)(b)", *(f"Art. 13(3)(b)({p})" for p in (
        "i", "ii", "iii", "iv", "v", "vi", "vii")), "Art. 13(3)(c)", "Art. 13(3)(d)", "Art. 13(3)(e)",
        "Art. 13(3)(f)"]
    data = yaml.safe_load(PROVIDER.read_text("utf-8"))
    system, content = data["system"], data["system"]["instructions_for_use_content"]
    fields = _fields(doc.context)
    # facts other documents use are the same facts here
    assert fields["instructions_for_use.b.i.purpose"]["lines"] == [system["intended_purpose"]]
    assert fields["instructions_for_use.d.oversight"]["lines"] == [system["human_oversight"]]
    assert fields["instructions_for_use.e.resources"]["lines"] == [system["hardware"]]
    assert fields["instructions_for_use.a.address"]["lines"] == [data["organisation"]["address"]]
    metric = content["accuracy"][0]
    assert fields["instructions_for_use.b.ii.accuracy"]["lines"] == [
        f"{metric['metric']} — level: {metric['value']} — measured on: {metric['conditions']}"]
    assert fields["instructions_for_use.b.ii.accuracy"]["citation"] == "Art. 13(3)(b)(ii); Art. 15(3)"
    assert fields["instructions_for_use.f.logs"]["lines"] == [content["logging"]]
    # "if any": none stated as none
    assert fields["instructions_for_use.c.changes"]["lines"][0].startswith("None — the provider pre-determined")
    # the example leaves two facts out: each a gap that blocks Art. 13(3)
    assert _gaps(doc.context) == {"instructions_for_use.b.ii.cybersecurity": ["Art. 13(3)(a)-(f)"],
                                  "instructions_for_use.e.lifetime": ["Art. 13(3)(a)-(f)"]}
    assert 'id="gap-instructions_for_use-b-ii-cybersecurity"' in doc.html
    assert "system.instructions_for_use_content.cybersecurity" in {
        g["fact"] for g in doc.context["gaps"]}


# --------------------------------------------------------------------------- post-market monitoring plan


def test_post_market_monitoring_plan_follows_art_72_and_links_arts_73_and_20() -> None:
    doc = _rendered(PROVIDER)["post_market_monitoring_plan"]
    assert [s["citation"] for s in doc.context["sections"]] == [
        "Art. 72(1)", "Art. 72(2)", "Art. 72(3)", "Art. 72(4)", "Art. 73(1)-(6)", "Art. 20(1)-(2)"]
    intro = " ".join(doc.context["intro"].split())
    assert "2 September 2027" in intro and "Regulation (EU) 2026/1744" in intro
    assert "2 February 2026, which was not adopted" in intro
    fields = _fields(doc.context)
    sources = yaml.safe_load(PROVIDER.read_text("utf-8"))["system"]["post_market_monitoring"]["sources"]
    lines = fields["post_market_monitoring_plan.2.sources"]["lines"]
    assert len(lines) == len(sources) and lines[0].startswith(sources[0]["source"] + " — data: ")
    assert fields["post_market_monitoring_plan.2.law_enforcement"]["citation"] == "Art. 72(2), third sentence"
    # Art. 72(4) is open neither to this system (Annex III point 4, not a financial institution)
    option = doc.context["sections"][3]
    assert option["not_applicable"].startswith("Not applicable — the system is neither")
    assert option["fields"] == [] and option["gap"] is None
    # the plan's version is left out in the example: a gap blocking Art. 72
    assert _gaps(doc.context) == {"post_market_monitoring_plan.3.plan": ["Art. 72(1)-(3)"]}


@pytest.mark.parametrize(("classifications", "facts", "expected"), [
    ({"eu.ai_act.high_risk_annex_i_route": "true"}, {}, "applicable"),
    ({"eu.ai_act.high_risk_annex_i_route": "false"},
     {"organisation": {"financial_institution": True}, "system": {"use_cases": [{"annex_iii": ["5(b)"]}]}},
     "applicable"),
    ({"eu.ai_act.high_risk_annex_i_route": "false"},
     {"organisation": {"financial_institution": True}, "system": {"use_cases": [{"annex_iii": ["4(a)"]}]}},
     "not_applicable"),
    ({"eu.ai_act.high_risk_annex_i_route": "false"},
     {"organisation": {}, "system": {"use_cases": [{"annex_iii": ["5(b)"]}]}}, "unknown"),
])
def test_the_integration_option_of_art_72_4_where_it_applies(
        classifications: dict[str, str], facts: dict[str, Any], expected: str) -> None:
    structure = load_structure(TEMPLATES / "post_market_monitoring_plan.sections.yaml")
    spec = next(s for s in structure["sections"] if s["citation"] == "Art. 72(4)")
    walker = _Walker(doc_key="post_market_monitoring_plan", facts=facts, obligations=[], evidence=[],
                     classifications=classifications, fallback_blockers=[])
    assert walker._applicability(spec)[0] == expected
    section = walker.section(spec)
    if expected == "applicable":  # the field is optional: no gap when no integration is stated
        (field,) = section["fields"]
        assert field["gap"] is None and field["not_applicable"].startswith("Not used")


# --------------------------------------------------------------------------- Annex VIII


def _points(doc: RenderedDocument) -> list[str]:
    return [s["citation"] for s in _sections(doc.context)]


def test_annex_viii_shows_only_the_section_that_applies() -> None:
    provider = _rendered(PROVIDER)["annex_viii"]
    assert _points(provider) == ["Annex VIII, Section A", *(
        f"Annex VIII, Section A, point {n}" for n in range(1, 14))]
    deployer = _rendered(PUBLIC_DEPLOYER)["annex_viii"]
    assert _points(deployer) == ["Annex VIII, Section C", *(
        f"Annex VIII, Section C, point {n}" for n in range(1, 6))]
    opt_out = _rendered(DEROGATION)["annex_viii"]
    # points 7 and 9 of Section B were deleted by Reg. (EU) 2026/1744; the others keep their numbers
    assert _points(opt_out) == ["Annex VIII, Section B", *(
        f"Annex VIII, Section B, point {n}" for n in (1, 2, 3, 4, 5, 6, 8))]
    for doc, other in ((provider, ("Section B", "Section C")), (deployer, ("Section A", "Section B")),
                       (opt_out, ("Section A", "Section C"))):
        text = re.sub(r"<[^>]+>", " ", doc.html)
        assert not any(f"Annex VIII, {o}" in text for o in other)
        assert [t["citation"] for t in doc.context["toc"]] == [_points(doc)[0]]


def test_annex_viii_section_a_reuses_the_facts_and_knows_the_procedure() -> None:
    doc = _rendered(PROVIDER)["annex_viii"]
    data = yaml.safe_load(PROVIDER.read_text("utf-8"))
    fields = _fields(doc.context)
    assert fields["annex_viii.a.1.name"]["lines"] == [data["organisation"]["name"]]
    assert fields["annex_viii.a.4.name"]["lines"] == [data["system"]["name"]]
    assert fields["annex_viii.a.5.purpose"]["lines"] == [data["system"]["intended_purpose"]]
    assert fields["annex_viii.a.7.status"]["lines"] == ["Development"]
    assert fields["annex_viii.a.10.member_states"]["lines"] == ["NL, BE, DE"]
    assert fields["annex_viii.a.12.instructions"]["lines"] == [data["system"]["instructions_for_use"]]
    points = {s["id"]: s for s in _sections(doc.context)}
    # internal control (Art. 43(2)): no notified body, no certificate, no gap
    for point in ("annex_viii.a.8", "annex_viii.a.9"):
        assert points[point]["not_applicable"].startswith("Not applicable"), point
        assert points[point]["gap"] is None
    assert "internal control" in points["annex_viii.a.8"]["not_applicable"]
    assert doc.context["gaps"] == []


def test_annex_viii_sections_b_and_c_and_their_gaps() -> None:
    deployer = _rendered(PUBLIC_DEPLOYER)["annex_viii"]
    registration = yaml.safe_load(PUBLIC_DEPLOYER.read_text("utf-8"))["system"]["eu_registration"]
    fields = _fields(deployer.context)
    assert fields["annex_viii.c.2.submitter"]["lines"] == [registration["submitter"]]
    assert fields["annex_viii.c.4.fria"]["lines"] == [registration["fria_summary"]]
    assert fields["annex_viii.c.5.dpia"]["lines"] == [registration["dpia_summary"]]
    # the provider has not registered yet: the URL of its entry is a gap blocking Art. 49(3)
    assert _gaps(deployer.context) == {"annex_viii.c.3.url": ["Art. 49(3)"]}
    opt_out = _rendered(DEROGATION)["annex_viii"]
    assert _fields(opt_out.context)["annex_viii.b.6.conditions"]["lines"] == ["d"]
    assert _gaps(opt_out.context) == {"annex_viii.b.4.version": ["Art. 49(2)"]}


def test_a_fact_two_documents_miss_is_one_dashboard_item() -> None:
    docs = _edited(PROVIDER, lambda d: d["organisation"].pop("address"))
    items = [i for i in docs["gaps"].context["dashboard"]["items"] if i["paths"] == ["organisation.address"]]
    (item,) = items
    assert [p["stem"] for p in item["places"]] == ["instructions-for-use", "eu-database-registration"]
    assert set(item["citations"]) == {"Art. 13(3)(a)-(f)", "Art. 49(1)"}


# --------------------------------------------------------------------------- the generic machinery


def _walker(verdicts: dict[str, str]) -> _Walker:
    obligations = [{"id": rule, "rule": rule, "citation": rule, "verdict": verdict,
                    "documents": [f"doc.{rule}"]} for rule, verdict in verdicts.items()]
    return _Walker(doc_key="doc", facts={}, obligations=obligations, evidence=[], classifications={},
                   fallback_blockers=[])


def test_a_section_only_when_applying_needs_an_applying_tag() -> None:
    spec = {"id": "doc.x", "heading": "X", "only_when_applying": True,
            "children": [{"id": "doc.x.1", "heading": "X1", "fields": [
                {"id": "doc.x.1.f", "label": "F", "fact": "system.f"}]}]}
    assert _walker({"x": "applies"}).sections(spec)[0]["id"] == "doc.x"
    assert _walker({"x.1": "applies"}).sections(spec)[0]["id"] == "doc.x"  # a tag on a part of it
    for verdicts in ({"x": "does_not_apply"}, {"x": "undetermined"}, {"y": "applies"}, {}):
        assert _walker(verdicts).sections(spec) == [], verdicts
    walker = _walker({"x": "undetermined"})
    walker.sections(spec)
    assert walker.gaps == []  # a section left out has no gaps
    assert _walker({"x": "does_not_apply"}).sections({**spec, "only_when_applying": False})


def test_any_and_all_conditions_are_three_valued() -> None:
    walker = _Walker(doc_key="doc", facts={"system": {"a": True, "b": False}}, obligations=[],
                     evidence=[], classifications={}, fallback_blockers=[])

    def state(cond: dict[str, Any]) -> str:
        return walker._applicability({"applicable_if": cond})[0]
    yes, no, unknown = {"fact": "system.a"}, {"fact": "system.b"}, {"fact": "system.c"}
    assert state({"any": [no, yes]}) == "applicable"
    assert state({"any": [no, no]}) == "not_applicable"
    assert state({"any": [no, unknown]}) == "unknown"
    assert state({"all": [yes, yes]}) == "applicable"
    assert state({"all": [yes, no, unknown]}) == "not_applicable"
    assert state({"all": [yes, unknown]}) == "unknown"
    assert state({"any": [no, {"all": [yes, yes]}]}) == "applicable"
    assert walker._applicability({"applicable_if": {"any": [no], "otherwise": "No."}}) == ("not_applicable", "No.")


@pytest.mark.parametrize("bad", [
    {"only_when_applying": "yes"},
    {"applicable_if": {"any": []}},
    {"applicable_if": {"all": {"fact": "system.a"}}},
    {"applicable_if": {"any": [{"question": "nowhere"}]}},
])
def test_a_malformed_structure_is_refused(tmp_path: Path, bad: dict[str, Any]) -> None:
    path = tmp_path / "doc.sections.yaml"
    path.write_text(yaml.safe_dump({"sections": [{"id": "doc.x", "heading": "X", **bad}]}), "utf-8")
    with pytest.raises(ValueError, match="doc.x"):
        load_structure(path)


# --------------------------------------------------------------------------- release renditions


def test_release_contexts_carry_the_audience_and_not_provided() -> None:
    deployer = _rendered(PUBLIC_DEPLOYER)["annex_viii"]
    copy_ = release_document("eu-database-registration", "authority", copy.deepcopy(deployer.context))
    assert [g.item for g in copy_.gaps] == [
        "Annex VIII, Section C, point 3 URL of the provider's entry"]
    fields = json.loads(copy_.fields_json or b"{}")
    assert fields["document"] == "eu-database-registration"
    assert [s["citation"] for s in fields["sections"]] == ["Annex VIII, Section C"]
    assert "Information for the registration in the EU database" in copy_.context["intro"]


@pytest.mark.slow
def test_release_renditions_for_the_declared_audiences() -> None:
    from pypdf import PdfReader

    pack = engine_release_pack(str(PROVIDER), AS_OF.isoformat())
    manifest = json.loads((pack / "manifest.json").read_text("utf-8"))
    released = {r["path"] for r in manifest["release"]["files"]}
    assert {"release/downstream/instructions-for-use.pdf", "release/authority/instructions-for-use.pdf",
            "release/authority/post-market-monitoring-plan.pdf",
            "release/authority/eu-database-registration.pdf"} <= released
    assert not {p for p in released if re.search(r"/(?:downstream|public)/(?:post-market|eu-database)", p)}

    def text(name: str) -> str:
        reader = PdfReader(pack / name)
        return re.sub(r"\s+", " ", "\n".join(page.extract_text() or "" for page in reader.pages))
    ifu = text("release/downstream/instructions-for-use.pdf")
    assert "Art. 13(3)(b)(vii)" in ifu and "Not provided." in ifu
    assert "GAP" not in ifu and "Not legal advice" not in ifu and "instructions_for_use_content" not in ifu
    assert PdfReader(pack / "release/downstream/instructions-for-use.pdf").attachments == {}
    viii = PdfReader(pack / "release/authority/eu-database-registration.pdf")
    attached = json.loads(viii.attachments["eu-database-registration.json"][0])
    assert [s["citation"] for s in attached["sections"]] == ["Annex VIII, Section A"]
    pmm = text("release/authority/post-market-monitoring-plan.pdf")
    assert "2 September 2027" in pmm and "Art. 72(4)" in pmm
    # the drafts are there too, with their gaps marked
    draft = text("post-market-monitoring-plan.pdf")
    assert "Missing:" in draft and "Not legal advice" in draft
