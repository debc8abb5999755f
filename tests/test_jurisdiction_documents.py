"""Documents of the non-EU laws (California SB 53 and AB 2013, Korea's AI Basic Act, China's
labelling rules) and the transparency report's per-jurisdiction sections and crosswalk appendix.

One PDF pack (EU + California + Korea, real engine) is built per module; the China notice and the
EU-only document lists are checked without rendering PDFs."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 11, 25)
SCENARIO = ROOT / "jurisdictions" / "us_ca" / "sb53" / "tests" / "eu_and_california.yaml"
CN_SCENARIO = ROOT / "jurisdictions" / "cn" / "genai_measures" / "tests" / "public_chat_service.yaml"

EU_KEYS = ["transparency_report", "annex_iv", "annex_v", "instructions_for_use",
           "post_market_monitoring_plan", "annex_viii", "fria", "annex_xi", "annex_xii",
           "incident_log", "training_summary", "copyright_policy", "safety_security_report"]


def _descriptor(scenario: Path, markets: list[str] | None = None) -> dict:
    data = yaml.safe_load(scenario.read_text("utf-8"))["descriptor"]
    if markets:
        data["system"]["markets"] = markets
        data["system"]["public_service_markets"] = markets
    return data


def _text(pdf: Path) -> str:
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() or "" for page in PdfReader(str(pdf)).pages)
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def multi(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The EU + US-CA + KR pack, built once: its folder, manifest, and the rendered contexts."""
    from compliance.documents.context import PackInfo
    from compliance.documents.pack import (
        assess_descriptor,
        build_pack,
        load_descriptor,
        render_documents,
    )

    folder = tmp_path_factory.mktemp("multi")
    source = folder / "frontier-chat.yaml"
    source.write_text(yaml.safe_dump(_descriptor(SCENARIO, ["EU", "US-CA", "KR"]), sort_keys=False),
                      "utf-8")
    path = build_pack(source, folder / "out", AS_OF, {"pdf"}, None)
    descriptor = load_descriptor(source)
    assessment = json.loads((path / "obligations.json").read_text("utf-8"))
    from compliance.documents.pack import crosswalk_data, instrument_names

    info = PackInfo(as_of=AS_OF, descriptor_sha256="0" * 64, descriptor_name=source.name,
                    descriptor_dir=folder, tool_version="test", rules_version="test",
                    crosswalks=crosswalk_data(assessment), instruments=instrument_names(assessment))
    _, rendered = render_documents(descriptor, assessment, info, None)
    assert assess_descriptor(descriptor, AS_OF)["jurisdictions"] == assessment["jurisdictions"]
    return {
        "path": path,
        "manifest": json.loads((path / "manifest.json").read_text("utf-8")),
        "contexts": {doc.decision.stem: doc.context for doc in rendered},
    }


@pytest.mark.slow
def test_pack_holds_each_laws_documents(multi: dict) -> None:
    present = {(d["document"], d["subject"]) for d in multi["manifest"]["documents"] if d["present"]}
    assert present == {
        ("transparency_report", "system"), ("incident_log", "system"),
        ("annex_xi", "model:frontier-1"), ("annex_xii", "model:frontier-1"),
        ("training_summary", "model:frontier-1"),
        ("copyright_policy", "model:frontier-1"), ("safety_security_report", "model:frontier-1"),
        ("ca_frontier_ai_framework", "system"), ("ca_transparency_report", "model:frontier-1"),
        ("ca_training_data_documentation", "system"), ("kr_labelling_notice", "system"),
        ("gaps", "system"),
    }
    listed = {d["document"] for d in multi["manifest"]["documents"]}
    assert "cn_labelling_notice" not in listed  # China is not a market: not even listed as absent
    assert {"annex_iv", "annex_v", "fria"} <= listed  # EU documents not called for stay listed
    files = {f["path"] for f in multi["manifest"]["files"]}
    assert {"ca-frontier-ai-framework.pdf", "ca-frontier-model-transparency-report-frontier-1.pdf",
            "ca-training-data-documentation.pdf", "kr-ai-labelling-notice.pdf"} <= files
    framework = next(d for d in multi["manifest"]["documents"]
                     if d["document"] == "ca_frontier_ai_framework")
    assert framework["obligations"] == ["us_ca.sb53.bpc_22757_12_a_frontier_ai_framework",
                                        "us_ca.sb53.bpc_22757_12_b_review_framework"]


@pytest.mark.slow
def test_frontier_ai_framework_lists_every_statutory_element(multi: dict) -> None:
    text = _text(multi["path"] / "ca-frontier-ai-framework.pdf")
    for n in range(1, 11):
        assert f"§ 22757.12(a)({n})" in text
    assert "§ 22757.12(b)" in text and "§ 22757.12(f)" in text
    assert "Cybersecurity practices to secure unreleased model weights" in text
    assert "Frontier Labs Inc." in text  # organisation.name is stated
    ctx = multi["contexts"]["ca-frontier-ai-framework"]
    gaps = {g["where"]: g for g in ctx["gaps"]}
    # nothing in the descriptor states the framework's content: every point is a visible gap
    assert {f"ca_frontier_ai_framework.a.{n}" for n in range(1, 11)} <= set(gaps)
    assert [b["id"] for b in gaps["ca_frontier_ai_framework.b"]["blocks"]] == [
        "us_ca.sb53.bpc_22757_12_b_review_framework"]
    assert [b["id"] for b in gaps["ca_frontier_ai_framework.a.7"]["blocks"]] == [
        "us_ca.sb53.bpc_22757_12_a_frontier_ai_framework"]
    assert ctx["meta"]["disclaimer"].startswith("Generated from rule data that paraphrases California")


@pytest.mark.slow
def test_frontier_model_transparency_report_items_and_gaps(multi: dict) -> None:
    text = _text(multi["path"] / "ca-frontier-model-transparency-report-frontier-1.pdf")
    for item in "ABCDEFG":
        assert f"§ 22757.12(c)(1)({item})" in text
    for item in "ABCD":  # the organisation is a large frontier developer
        assert f"§ 22757.12(c)(2)({item})" in text
    assert "Summaries required of a large frontier developer" in text
    ctx = multi["contexts"]["ca-frontier-model-transparency-report-frontier-1"]
    gaps = {g["where"]: g for g in ctx["gaps"]}
    assert gaps["ca_transparency_report.c_1.d.languages"]["fact"] == "model.languages"
    assert gaps["ca_transparency_report.c_1.b.contact"]["fact"] == "organisation.contact"
    assert "ca_transparency_report.c_1.c.date" in gaps  # no release date of the model is stated
    assert [b["id"] for b in gaps["ca_transparency_report.c_2.a"]["blocks"]] == [
        "us_ca.sb53.bpc_22757_12_c_2_catastrophic_risk_summaries@frontier-1"]
    fields = {f["id"]: f for s in ctx["sections"] for c in [s, *s["children"]] for f in c["fields"]}
    assert fields["ca_transparency_report.c_1.e.modalities"]["lines"] == ["text"]
    assert fields["ca_transparency_report.c_1.e.modalities"]["gap"] is None


@pytest.mark.slow
def test_training_data_documentation_items(multi: dict) -> None:
    text = _text(multi["path"] / "ca-training-data-documentation.pdf")
    for n in range(1, 13):
        assert f"§ 3111(a)({n})" in text
    ctx = multi["contexts"]["ca-training-data-documentation"]
    gaps = {g["where"] for g in ctx["gaps"]}
    # the descriptor states no training data: the summary is gaps, never filler
    assert {"ca_training_data_documentation.a.1.sources", "ca_training_data_documentation.a.5",
            "ca_training_data_documentation.a.10.periods"} <= gaps
    fields = {f["id"]: f for s in ctx["sections"] for c in [s, *s["children"]] for f in c["fields"]}
    assert fields["ca_training_data_documentation.system.release"]["lines"] == ["2025-09-01"]


@pytest.mark.slow
def test_korean_notice_filled_from_features(multi: dict) -> None:
    text = _text(multi["path"] / "kr-ai-labelling-notice.pdf")
    for heading in ("Art. 31(1); Decree Art. 23(1)", "Art. 31(2); Decree Art. 23(2)",
                    "Art. 31(3); Decree Art. 23(3)", "Decree Art. 23(4)"):
        assert heading in text
    assert "operated on the basis of generative AI" in text
    assert "The output was generated by generative AI" in text
    ctx = multi["contexts"]["kr-ai-labelling-notice"]
    sections = {s["id"]: s for s in ctx["sections"]}
    fields = {f["id"]: f for s in ctx["sections"] for f in s["fields"]}
    assert fields["kr_labelling_notice.features.synthetic"]["lines"] == ["text"]
    assert fields["kr_labelling_notice.art_31_2.outputs"]["lines"] == ["text"]
    # deep_fakes is not stated: Art. 31(3) is undetermined, its test is a gap that names it
    deep = fields["kr_labelling_notice.art_31_3.deep_fakes"]["gap"]
    assert deep["fact"] == "system.features.deep_fakes"
    assert [b["id"] for b in deep["blocks"]] == [
        "kr.ai_basic_act.art_31_3_realistic_synthetic_content_notice"]
    assert not sections["kr_labelling_notice.art_31_1"]["not_applicable"]
    # high-impact AI is undetermined: its notice text is shown as conditional, not asserted
    high = fields["kr_labelling_notice.art_31_1.high_impact"]["lines"]
    assert len(high) == 2 and "Required only if it applies" in high[1]


@pytest.mark.slow
def test_transparency_report_has_every_jurisdiction(multi: dict) -> None:
    text = _text(multi["path"] / "transparency-report.pdf")
    ctx = multi["contexts"]["transparency-report"]
    by_code = {j["code"]: j for j in ctx["jurisdictions"]}
    assert set(by_code) == {"eu", "us_ca", "kr"}
    assert by_code["us_ca"]["tier"]["label"] == "Large frontier developer (SB 53)"
    assert by_code["kr"]["tier"]["label"] == "Generative AI (Art. 2(5))"
    for j in by_code.values():
        assert j["name"] in text and j["tier"]["label"] in text
        assert j["obligations_open"] and all(r["id"].startswith(j["code"] + ".")
                                             for r in j["obligations"])
    kr_ids = {r["id"] for r in by_code["kr"]["obligations_open"]}
    assert "kr.ai_basic_act.art_31_2_label_generative_outputs" in kr_ids
    assert {c["id"] for c in by_code["us_ca"]["classifications"]} >= {
        "us_ca.sb53.large_frontier_developer"}
    # the register names the instrument where the citation alone is ambiguous (KR Act vs Decree)
    instruments = {r["instrument"] for r in by_code["kr"]["obligations"]}
    assert {"AI Basic Act", "Enforcement Decree"} <= instruments
    toc = [e["heading"] for e in ctx["toc"] if e["level"] == 2]
    assert toc == [j["name"] for j in ctx["jurisdictions"]]
    # the register lists Korea's obligations under Korea's heading
    start = text.index("Obligations register", text.index("Classification") + 100)
    kr_at = text.index("Republic of Korea", start)
    assert kr_at < text.index("Indicate that outputs were", kr_at)


@pytest.mark.slow
def test_transparency_report_crosswalk_appendix(multi: dict) -> None:
    ctx = multi["contexts"]["transparency-report"]
    (appendix,) = ctx["crosswalks"]
    assert appendix["heading"] == "Appendix A: crosswalk of the European Union obligations"
    assert [c["title"] for c in appendix["columns"]] == [
        "NIST AI Risk Management Framework 1.0", "ISO/IEC 42001"]
    rows = {r["provision"]: r for r in appendix["rows"]}
    assert "Art. 50" in rows and "Art. 55" in rows
    assert all(r["obligations"] for r in appendix["rows"])  # only rows whose obligations apply
    assert all(r["origin"] == "Project's own mapping" for r in appendix["rows"])
    assert any(c.startswith("GOVERN") for cell in rows["Art. 55"]["cells"] for c in cell)
    text = _text(multi["path"] / "transparency-report.pdf")
    assert "Appendix A: crosswalk of the European Union obligations" in text
    assert "The project's own mapping" in text


def test_eu_only_examples_keep_their_document_list() -> None:
    from compliance.documents.pack import assess_descriptor, load_descriptor
    from compliance.documents.selection import decide

    checked = 0
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        descriptor = load_descriptor(path)
        assessment = assess_descriptor(descriptor, AS_OF)
        if [j["code"] for j in assessment["jurisdictions"]] != ["eu"]:
            continue
        checked += 1
        keys = list(dict.fromkeys(d.spec.key for d in decide(
            assessment, [m.id for m in descriptor.models or []])))
        assert keys == EU_KEYS, path.name
    assert checked >= 3


def test_examples_together_build_every_document_type() -> None:
    # issue 17 item 6: the bundled examples (and so `.ci/demo`) exercise every registered
    # document; frontier-model-provider.yaml brings the SB 53, AB 2013, Korean and Chinese
    # documents, public-benefits-agency.yaml the FRIA
    from compliance.documents.pack import assess_descriptor, load_descriptor
    from compliance.documents.selection import DOCUMENTS, decide

    built: dict[str, set[str]] = {}
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        descriptor = load_descriptor(path)
        assessment = assess_descriptor(descriptor, AS_OF)
        for decision in decide(assessment, [m.id for m in descriptor.models or []]):
            if decision.present:
                built.setdefault(decision.spec.key, set()).add(path.stem)
    # the gap dashboard is not decided from the obligations: the pack adds it when a fact is missing
    assert [spec.key for spec in DOCUMENTS if spec.key not in built and not spec.from_gaps] == []
    assert built["fria"] == {"public-benefits-agency"}
    for key in ("ca_frontier_ai_framework", "ca_transparency_report",
                "ca_training_data_documentation", "kr_labelling_notice", "cn_labelling_notice"):
        assert built[key] == {"frontier-model-provider"}, key


def test_chinese_labelling_notice(tmp_path: Path) -> None:
    from compliance.documents.pack import build_pack

    source = tmp_path / "shanhai.yaml"
    source.write_text(yaml.safe_dump(_descriptor(CN_SCENARIO), sort_keys=False), "utf-8")
    first = build_pack(source, tmp_path / "a", AS_OF, {"html"}, None)
    second = build_pack(source, tmp_path / "b", AS_OF, {"html"}, None)
    for name in ("cn-ai-content-labelling-notice.html", "transparency-report.html", "manifest.json"):
        assert (first / name).read_bytes() == (second / name).read_bytes()  # deterministic
    manifest = json.loads((first / "manifest.json").read_text("utf-8"))
    listed = {d["document"] for d in manifest["documents"]}
    assert "cn_labelling_notice" in listed and not listed & {
        "ca_frontier_ai_framework", "ca_transparency_report", "kr_labelling_notice"}
    assert {d["document"] for d in manifest["documents"] if d["present"]} == {
        "transparency_report", "cn_labelling_notice", "gaps"}
    html = (first / "cn-ai-content-labelling-notice.html").read_text("utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "Art. 4(1)" in text and "Art. 4(3)" in text
    assert "Not applicable — the service is not stated to generate audio." in text
    assert "Not applicable — the service is not stated to generate video." in text
    assert "Shanhai Zhineng Technology Co., Ltd." in text  # the provider name to embed (Art. 5)
    assert 'id="gap-cn_labelling_notice-art_5-number"' in html  # content numbering: a gap
    # the user agreement: a gap marked in place; the section to link evidence to is named in
    # the pack's gap dashboard
    assert 'id="gap-cn_labelling_notice-art_8-agreement"' in html
    assert "cn_labelling_notice.art_8.agreement" in (first / "gaps.html").read_text("utf-8")


def test_obligation_condition_in_a_structure() -> None:
    from compliance.documents.context import _Walker

    def walker(verdict: str) -> _Walker:
        ob = {"id": "x.y.z", "rule": "x.y.z", "citation": "Art. 1", "verdict": verdict,
              "documents": ["doc.s"]}
        return _Walker(doc_key="doc", facts={}, obligations=[ob], evidence=[],
                       classifications={}, fallback_blockers=[])

    spec = {"id": "doc.s", "heading": "S", "applicable_if": {
        "obligation": "x.y.z", "otherwise": "No.", "unknown": "not known"}}
    assert walker("applies").section(spec)["gap"]["blocks"][0]["id"] == "x.y.z"
    assert walker("does_not_apply").section(spec)["not_applicable"] == "No."
    undetermined = walker("undetermined").section(spec)
    assert "not known" in undetermined["gap"]["what"]
    assert undetermined["gap"]["blocks"][0]["id"] == "x.y.z"  # blocks the undetermined duty


def test_a_model_duty_can_call_for_a_system_document() -> None:
    """Art. 55(1)(c) (serious incidents of a systemic-risk model) is a duty per model; the
    incident log it calls for is the system's: it is built when only that duty applies."""
    from compliance.documents.selection import decide

    ob = {"id": "eu.ai_act.art_55_1_c_serious_incidents@m", "subject": "model:m", "verdict": "applies",
          "status": "in_force", "citation": "Art. 55(1)(c)", "documents": ["incident_log"]}
    assessment = {"jurisdictions": [{"code": "eu", "obligations": [ob]}]}
    log = [d for d in decide(assessment, ["m"]) if d.spec.key == "incident_log"]
    assert [(d.subject, d.present) for d in log] == [("system", True)]
    assert "Art. 55(1)(c)" in log[0].reason
