"""The two GPAI model documents of issue 18: the copyright policy (Art. 53(1)(c), along the Code of
Practice's Copyright chapter) and the Safety and Security Model Report (Art. 55(1), the Code's
Commitment 7). Built for the bundled examples with the real engine: present when their
obligations apply, laid out in the order of the Code with a citation on every item, stated facts
shown, unstated ones gaps that block the right obligation, and clean release copies for the
audiences the registry names."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from _packs import AS_OF, engine_release_pack
from pypdf import PdfReader

from compliance.documents.selection import BY_KEY, Decision

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
FRONTIER = EXAMPLES / "frontier-model-provider.yaml"
TEMPLATES = ROOT / "templates" / "eu" / "ai_act"
COPYRIGHT = "copyright-policy-sol-3"
REPORT = "safety-and-security-model-report-sol-3"


def _text(pdf: Path) -> str:
    return re.sub(r"\s+", " ", "\n".join(page.extract_text() or "" for page in PdfReader(pdf).pages))


@functools.cache
def _rendered(example: str) -> tuple[tuple[Decision, ...], dict[str, dict[str, Any]]]:
    """The decisions and the render contexts (HTML only, no PDF) of an example's documents."""
    from compliance.documents.context import PackInfo
    from compliance.documents.pack import (
        assess_descriptor,
        crosswalk_data,
        instrument_names,
        load_descriptor,
        render_documents,
    )

    path = EXAMPLES / example
    descriptor = load_descriptor(path)
    assessment = assess_descriptor(descriptor, AS_OF)
    info = PackInfo(as_of=AS_OF, descriptor_sha256="0" * 64, descriptor_name=path.name,
                    descriptor_dir=path.parent, tool_version="test", rules_version="test",
                    crosswalks=crosswalk_data(assessment), instruments=instrument_names(assessment))
    decisions, rendered = render_documents(descriptor, assessment, info, None)
    return tuple(decisions), {doc.decision.stem: doc.context for doc in rendered}


def _walk(sections: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for s in sections:
        yield s
        yield from _walk(s["children"])


def _fields(ctx: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["id"]: f for s in _walk(ctx["sections"]) for f in s["fields"]}


def _blocks(item: Mapping[str, Any]) -> list[str]:
    return [b["id"] for b in item["gap"]["blocks"]]


@pytest.fixture(scope="module")
def frontier_pack() -> Path:
    # the drafts of the release build (one frontier build per session, not two)
    return engine_release_pack(str(FRONTIER), AS_OF.isoformat())


def test_both_documents_are_in_the_frontier_pack(frontier_pack: Path) -> None:
    manifest = json.loads((frontier_pack / "manifest.json").read_text("utf-8"))
    docs = {(d["document"], d["subject"]): d for d in manifest["documents"]}
    policy = docs[("copyright_policy", "model:sol-3")]
    report = docs[("safety_security_report", "model:sol-3")]
    assert policy["present"] and report["present"]
    assert policy["file"] == f"{COPYRIGHT}.pdf" and report["file"] == f"{REPORT}.pdf"
    assert policy["obligations"] == ["eu.ai_act.art_53_1_c_copyright_policy@sol-3"]
    assert report["obligations"] == ["eu.ai_act.art_55_1_a_model_evaluation@sol-3",
                                     "eu.ai_act.art_55_1_b_systemic_risk_assessment@sol-3",
                                     "eu.ai_act.art_55_1_d_cybersecurity@sol-3"]
    files = {f["path"] for f in manifest["files"]}
    assert {f"{COPYRIGHT}.pdf", f"{REPORT}.pdf"} <= files
    text = _text(frontier_pack / f"{REPORT}.pdf")
    assert "outline for the provider to complete" in text
    assert "the Code's means of showing compliance with Art. 55" in text  # the cover's basis


def test_file_names_follow_the_registry() -> None:
    decisions, _ = _rendered("frontier-model-provider.yaml")
    stems = {d.spec.key: d.stem for d in decisions if d.present and d.model_id == "sol-3"}
    assert stems["copyright_policy"] == COPYRIGHT
    assert stems["safety_security_report"] == REPORT
    assert BY_KEY["copyright_policy"].release == ("authority", "public")
    assert BY_KEY["safety_security_report"].release == ("authority",)


def test_sections_follow_the_code_in_order_with_citations(frontier_pack: Path) -> None:
    _, contexts = _rendered("frontier-model-provider.yaml")
    policy = [s["citation"] for s in contexts[COPYRIGHT]["sections"]]
    assert policy == ["CoP Copyright, Measure 1.1"] * 2 + [
        f"CoP Copyright, Measure 1.{n}" for n in range(2, 6)]
    report = [s["citation"] for s in contexts[REPORT]["sections"]]
    assert report == [
        "CoP Safety and Security, Measure 7.6", "CoP Safety and Security, Measure 7.1",
        "CoP Safety and Security, Measure 7.2", "CoP Safety and Security, Measure 7.3; Art. 55(1)(b)",
        "CoP Safety and Security, Measure 7.4", "CoP Safety and Security, Measure 7.5",
        "Art. 55(1)(c); CoP Safety and Security, Commitment 9"]
    points = [s["citation"] for s in contexts[REPORT]["sections"][3]["children"]]
    assert points == [
        "CoP Safety and Security, Measure 7.3(1)(a)-(d)",
        "CoP Safety and Security, Measure 7.3(1)(d)-(h); Art. 55(1)(a)",
        "CoP Safety and Security, Measure 7.3(2)",
        "CoP Safety and Security, Measure 7.3(3); Art. 55(1)(d)",
        "CoP Safety and Security, Measure 7.3(4)"]
    for stem in (COPYRIGHT, REPORT):
        assert all(f["citation"] for f in _fields(contexts[stem]).values()), stem
        # the PDF shows the sections in the same order
        text = _text(frontier_pack / f"{stem}.pdf")
        headings = [s["heading"][:24] for s in contexts[stem]["sections"]]  # before any line break
        body = text[text.rindex(headings[0]):]
        positions = [body.find(h) for h in headings]
        assert -1 not in positions and positions == sorted(positions), stem


def test_the_intros_state_what_the_code_is_worth() -> None:
    for name in ("copyright_policy", "safety_security_report"):
        intro = yaml.safe_load((TEMPLATES / f"{name}.sections.yaml").read_text("utf-8"))["intro"]
        assert "not conclusive evidence of compliance" in intro, name
        assert "gives no presumption of conformity" in intro, name
        assert "harmonised standard" in intro, name


def test_the_report_shows_stated_facts_and_gaps_that_block_the_right_obligation() -> None:
    _, contexts = _rendered("frontier-model-provider.yaml")
    fields = _fields(contexts[REPORT])
    assert fields["safety_security_report.7_3.security.goal"]["lines"][0].startswith(
        "Protect the unreleased weights")
    assert fields["safety_security_report.7_1.1.architecture"]["lines"] == [
        "dense decoder-only transformer with a vision encoder and an image decoder head"]
    risks = next(s for s in _walk(contexts[REPORT]["sections"])
                 if s["id"] == "safety_security_report.7_3.analysis")["children"]
    assert [r["heading"] for r in risks] == ["CBRN", "Cyber offence", "Harmful manipulation",
                                             "Loss of control"]
    assert fields["safety_security_report.7_3.analysis.d.1.acceptable"]["lines"] == ["Yes"]
    # stated: evaluators were involved, so the justification for their absence is not needed
    assert fields["safety_security_report.7_4.2.justification"]["not_applicable"]
    # not stated: each gap blocks the obligation its section serves
    expected = {
        "safety_security_report.7_4.3.choice": "eu.ai_act.art_55_1_b_systemic_risk_assessment@sol-3",
        "safety_security_report.7_5.changes": "eu.ai_act.art_55_1_b_systemic_risk_assessment@sol-3",
        "safety_security_report.7_3.evaluations.f": "eu.ai_act.art_55_1_a_model_evaluation@sol-3",
        "safety_security_report.7_3.security.goal_met": "eu.ai_act.art_55_1_d_cybersecurity@sol-3",
    }
    for fid, obligation in expected.items():
        assert _blocks(fields[fid]) == [obligation], fid
    plans = next(s for s in _walk(contexts[REPORT]["sections"])
                 if s["id"] == "safety_security_report.7_3.plans")
    assert _blocks(plans) == ["eu.ai_act.art_55_1_b_systemic_risk_assessment@sol-3"]
    gaps = {g["where"] for g in contexts[REPORT]["gaps"]}
    assert set(expected) <= gaps and "safety_security_report.7_3.security.goal" not in gaps
    # Art. 55(1)(c) applies: the serious-incident section points to the incident log
    assert "serious-incident log" in fields["safety_security_report.incidents.log"]["lines"][0]


def test_the_frontier_copyright_policy_is_complete() -> None:
    _, contexts = _rendered("frontier-model-provider.yaml")
    ctx = contexts[COPYRIGHT]
    assert ctx["gaps"] == []
    fields = _fields(ctx)
    assert fields["copyright_policy.1_2.crawls"]["lines"] == ["Yes"]
    assert fields["copyright_policy.1_3.robots_txt"]["lines"] == ["Yes"]
    assert fields["copyright_policy.1_5.contact"]["lines"] == ["copyright@quillmere.example"]
    assert fields["copyright_policy.1_1.responsibilities"]["recipients"] == ["AIO"]


def test_a_provider_that_crawls_nothing_skips_the_crawling_measures() -> None:
    _, contexts = _rendered("small-permissive-open-model.yaml")
    fields = _fields(contexts["copyright-policy-brisant-8b"])
    assert fields["copyright_policy.1_2.crawls"]["lines"][0].startswith("No")
    for fid in ("copyright_policy.1_2.no_circumvention", "copyright_policy.1_2.excluded_websites",
                "copyright_policy.1_3.robots_txt", "copyright_policy.1_3.crawler_information"):
        assert fields[fid]["not_applicable"] and not fields[fid]["gap"], fid
    # the lab has not decided on output safeguards yet: a gap that blocks Art. 53(1)(c)
    assert _blocks(fields["copyright_policy.1_4.safeguards"]) == [
        "eu.ai_act.art_53_1_c_copyright_policy@brisant-8b"]


def test_not_built_when_the_obligation_does_not_apply() -> None:
    decisions, contexts = _rendered("open-weights-gpai-community-licence.yaml")
    present = {(d.spec.key, d.subject): d.present for d in decisions}
    assert present[("copyright_policy", "model:halcyon-70b")] is True
    assert present[("safety_security_report", "model:halcyon-70b")] is False  # no systemic risk
    assert "safety-and-security-model-report-halcyon-70b" not in contexts
    gaps = {g["where"] for g in contexts["copyright-policy-halcyon-70b"]["gaps"]}
    assert gaps == {"copyright_policy.1_5.complaints"}  # the one fact the example leaves unstated
    decisions, _ = _rendered("fine-tuner.yaml")  # a modifier that did not become the provider
    assert not any(d.present for d in decisions
                   if d.spec.key in ("copyright_policy", "safety_security_report"))


def test_release_copies_go_to_the_declared_audiences() -> None:
    pack = engine_release_pack(str(FRONTIER), AS_OF.isoformat())
    released = {str(p.relative_to(pack / "release")) for p in (pack / "release").rglob("*.pdf")}
    mine = {p for p in released if Path(p).stem in (COPYRIGHT, REPORT)}
    assert mine == {f"authority/{COPYRIGHT}.pdf", f"public/{COPYRIGHT}.pdf", f"authority/{REPORT}.pdf"}
    public = _text(pack / "release" / "public" / f"{COPYRIGHT}.pdf")
    authority = _text(pack / "release" / "authority" / f"{COPYRIGHT}.pdf")
    responsibilities = "Responsibilities within the organisation"
    assert responsibilities in authority and responsibilities not in public
    assert "copyright@quillmere.example" in public
    report = _text(pack / "release" / "authority" / f"{REPORT}.pdf")
    assert "Safety and Security Model Report" in report and "outline for the provider" not in report
    assert "Not provided." in report  # the facts the example leaves unstated
    for text in (public, authority, report):
        assert "Missing:" not in text and "model.safety_security" not in text
    attached = PdfReader(pack / "release" / "authority" / f"{REPORT}.pdf").attachments
    assert list(attached) == [f"{REPORT}.json"]


@pytest.mark.parametrize("document", ["copyright_policy", "safety_security_report"])
def test_every_rule_tag_names_a_section_of_the_structure(document: str) -> None:
    from compliance.documents.context import load_structure
    from compliance.law.rulebook import load_rulebook
    from compliance.paths import rules_dir

    structure = load_structure(TEMPLATES / f"{document}.sections.yaml")
    ids = {node["id"] for node in _nodes(structure["sections"])}
    tags = [t for loaded in load_rulebook(rules_dir()).rules.values()
            for t in loaded.rule.documents or [] if t == document or t.startswith(document + ".")]
    assert tags
    assert all(t == document or t in ids for t in tags), tags


def _nodes(sections: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for s in sections:
        yield s
        yield from _nodes(s.get("children") or [])
