"""The fundamental rights impact assessment (analysis per right, notification record, gaps that
block the obligation of their own point) and the reasons worded as plain sentences. Contexts and
HTML only: no PDF renders."""

from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from compliance.documents.context import PackInfo, _Walker, load_structure
from compliance.documents.pack import assess_descriptor, load_descriptor, render_documents
from compliance.law.engine.wording import sentence

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "public-benefits-agency.yaml"
AS_OF = dt.date(2028, 1, 15)
FRIA = ROOT / "templates" / "eu" / "ai_act" / "fria.sections.yaml"
#: a reason that opens with a fact path: "system.use_cases[x].…", "models[m].…", "organisation.…"
FACT_PATH = re.compile(r"[a-z_]+(\[[^\]]*\])?\.[a-z_]")


def _fria(tmp_path: Path, change: Any = None) -> tuple[dict[str, Any], str, dict[str, Any]]:
    """The FRIA context and HTML of the public-benefits example (real engine), after ``change``
    edits the descriptor data; and the assessment."""
    path = EXAMPLE
    if change is not None:
        data = yaml.safe_load(EXAMPLE.read_text("utf-8"))
        change(data)
        path = tmp_path / EXAMPLE.name
        path.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    descriptor = load_descriptor(path)
    assessment = assess_descriptor(descriptor, AS_OF)
    info = PackInfo(AS_OF, "0" * 64, path.name, path.parent, "0.1.0", "eu")
    _, docs = render_documents(descriptor, assessment, info, None)
    fria = next(d for d in docs if d.decision.spec.key == "fria")
    return fria.context, fria.html, assessment


def _sections(ctx: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out, stack = {}, list(ctx["sections"])
    while stack:
        s = stack.pop()
        out[s["id"]] = s
        stack.extend(s["children"])
    return out


def _fields(ctx: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["id"]: f for s in _sections(ctx).values() for f in s["fields"]}


# --------------------------------------------------------------------------- FRIA contents


def test_fria_analyses_each_right_with_persons_likelihood_severity_and_measures(tmp_path: Path) -> None:
    ctx, html, _ = _fria(tmp_path)
    stated = yaml.safe_load(EXAMPLE.read_text("utf-8"))["system"]["fria"]["rights"]
    sections = _sections(ctx)
    rights = [sections[f"fria.d.rights.{n}"] for n in range(1, len(stated) + 1)]
    assert [r["heading"] for r in rights] == [r["right"] for r in stated]
    assert f"fria.d.rights.{len(stated) + 1}" not in sections
    fields = _fields(ctx)
    first = stated[0]
    assert fields["fria.c.rights.1.persons"]["lines"] == [", ".join(first["persons"])]
    assert fields["fria.c.rights.1.persons"]["citation"] == "Art. 27(1)(c)"
    assert fields["fria.d.rights.1.risk"]["lines"] == [first["risk"]]
    assert fields["fria.d.rights.1.likelihood"]["lines"] == [first["likelihood"].capitalize()]
    assert fields["fria.d.rights.1.severity"]["lines"] == [first["severity"].capitalize()]
    assert fields["fria.f.rights.1.measures"]["lines"] == [first["measures"]]
    assert fields["fria.f.rights.1.measures"]["citation"] == "Art. 27(1)(f)"
    # points (a), (b), (c) and (f) from the FRIA block; nothing missing in the example
    assert fields["fria.b.period"]["lines"] and fields["fria.b.frequency"]["lines"]
    categories = fields["fria.c.categories"]["lines"]
    assert categories[0].startswith("Applicants for social assistance — ")
    assert categories[0].endswith("decides. Includes persons in a vulnerable situation.")
    assert [r["citation"] for r in rights] == [f"Right {n}" for n in range(1, len(stated) + 1)]
    assert fields["fria.f.governance"]["lines"] and fields["fria.f.complaints"]["lines"]
    assert ctx["gaps"] == []
    assert 'id="fria-d-rights-1"' in html and "Non-discrimination (Charter Art. 21)" in html


def test_fria_records_the_notification_and_the_missing_template(tmp_path: Path) -> None:
    ctx, _, _ = _fria(tmp_path)
    fields = _fields(ctx)
    notification = yaml.safe_load(EXAMPLE.read_text("utf-8"))["system"]["fria"]["notification"]
    assert fields["fria.notification.date"]["lines"] == [notification["date"].isoformat()]
    assert fields["fria.notification.authority"]["lines"] == [notification["authority"]]
    assert fields["fria.notification.reference"]["lines"] == [notification["reference"]]
    template = fields["fria.notification.template"]
    assert template["gap"] is None and not template["lines"]
    assert "not yet adopted" in template["not_applicable"]
    assert _sections(ctx)["fria.notification"]["citation"] == "Art. 27(3)"

    def with_template(data: dict[str, Any]) -> None:
        data["system"]["fria"]["notification"]["template"] = "AI Office FRIA questionnaire, version 1.0"

    ctx, _, _ = _fria(tmp_path, with_template)
    assert _fields(ctx)["fria.notification.template"]["lines"] == [
        "AI Office FRIA questionnaire, version 1.0"]


def test_rights_not_yet_analysed_are_one_gap_and_none_stated_is_said(tmp_path: Path) -> None:
    ctx, _, _ = _fria(tmp_path, lambda d: d["system"]["fria"].pop("rights"))
    (gap,) = [g for g in ctx["gaps"] if g["where"] == "fria.d.rights"]
    assert gap["fact"] == "system.fria.rights"
    assert [b["citation"] for b in gap["blocks"]] == ["Art. 27(1)(d)"]
    # the categories of point (c) stay, from affected_persons
    assert _fields(ctx)["fria.c.categories"]["lines"]

    def none(data: dict[str, Any]) -> None:
        data["system"]["fria"]["rights"] = []

    ctx, _, _ = _fria(tmp_path, none)
    section = _sections(ctx)["fria.d.rights"]
    assert section["gap"] is None and "no fundamental right" in section["not_applicable"]


# --------------------------------------------------------------------------- blockers per point


def test_each_fria_gap_blocks_only_the_obligation_of_its_point(tmp_path: Path) -> None:
    def strip(data: dict[str, Any]) -> None:
        fria = data["system"]["fria"]
        for key in ("processes", "period_and_frequency", "affected_persons", "governance"):
            fria.pop(key)
        fria["rights"][0].pop("severity")
        fria["rights"][0].pop("measures")
        fria["rights"][1].pop("persons")
        fria["notification"].pop("reference")

    ctx, html, _ = _fria(tmp_path, strip)
    blocks = {g["where"]: [b["citation"] for b in g["blocks"]] for g in ctx["gaps"]}
    assert blocks == {
        "fria.a.processes": ["Art. 27(1)(a)"],
        "fria.b.period": ["Art. 27(1)(b)"],
        "fria.b.frequency": ["Art. 27(1)(b)"],
        "fria.d.rights.1.severity": ["Art. 27(1)(d)"],
        "fria.f.rights.1.measures": ["Art. 27(1)(f)"],
        "fria.c.rights.2.persons": ["Art. 27(1)(c)"],
        "fria.f.governance": ["Art. 27(1)(f)"],
        "fria.notification.reference": ["Art. 27(3)"],
    }
    # point (c) falls back on the persons named per right; a right's gap names the right
    assert "fria.c.categories" not in blocks
    gap = next(g for g in ctx["gaps"] if g["where"] == "fria.d.rights.1.severity")
    assert gap["what"].startswith("Severity — Social security and social assistance")
    assert 'id="gap-fria-d-rights-1-severity"' in html


def test_the_rule_data_tags_name_the_fria_sections() -> None:
    """Every Art. 27 rule that names a point of the FRIA names a section of its sections file."""
    structure = load_structure(FRIA)
    ids = {s["id"] for s in structure["sections"]}
    tags = {}
    for path in sorted((ROOT / "jurisdictions/eu/ai_act/obligations").glob("art_27_*.yaml")):
        rule = yaml.safe_load(path.read_text("utf-8"))
        tags[path.stem] = rule["documents"]
    pointed = [t for ts in tags.values() for t in ts if t != "fria"]
    assert len(pointed) == 7 and set(pointed) <= ids
    assert tags["art_27_1_fria"] == ["fria"]


def test_a_point_no_obligation_names_falls_back_to_the_documents_obligations() -> None:
    def ob(rule: str, citation: str, tags: list[str]) -> dict[str, Any]:
        return {"id": rule, "rule": rule, "citation": citation, "title": rule, "verdict": "applies",
                "documents": tags}

    point_a = ob("a", "Art. 27(1)(a)", ["fria.a"])
    notify = ob("n", "Art. 27(3)", ["fria.notification"])
    walker = _Walker(doc_key="fria", facts={}, obligations=[point_a, notify], evidence=[],
                     classifications={}, fallback_blockers=[point_a, notify])
    assert [b["citation"] for b in walker.blockers("fria.a.processes")] == ["Art. 27(1)(a)"]
    assert [b["citation"] for b in walker.blockers("fria.notification.date")] == ["Art. 27(3)"]
    assert [b["citation"] for b in walker.blockers("fria.dpia.reference")] == [
        "Art. 27(1)(a)", "Art. 27(3)"]


def test_a_repeated_section_needs_numbered_field_ids(tmp_path: Path) -> None:
    bad = {"sections": [{"id": "d.1", "heading": "H", "each": "system.fria.rights",
                         "fields": [{"id": "d.1.risk", "label": "Risk", "fact": ".risk"}]}]}
    path = tmp_path / "d.sections.yaml"
    path.write_text(yaml.safe_dump(bad), "utf-8")
    with pytest.raises(ValueError, match="needs '\\{n\\}'"):
        load_structure(path)


# --------------------------------------------------------------------------- reasons


@pytest.mark.parametrize(
    ("text", "truth", "expected"),
    [
        ("the AI system performs profiling of natural persons", "false",
         "The AI system does not perform profiling of natural persons."),
        ("the AI system performs profiling of natural persons", "unknown",
         "It is not stated whether the AI system performs profiling of natural persons."),
        ("the deployer is a public authority or body governed by public law", "true",
         "The deployer is a public authority or body governed by public law."),
        ("the deployer is a public authority or body governed by public law", "false",
         "The deployer is not a public authority or body governed by public law."),
        ("the system can generate child sexual abuse material", "false",
         "The system cannot generate child sexual abuse material."),
        ("the model has systemic risk", "false", "The model does not have systemic risk."),
        ("the model is not monetised", "false", "The model is monetised."),
        ("the open-source exemption (Art. 53(2)) does not apply", "false",
         "The open-source exemption (Art. 53(2)) applies."),
        ("it deduces or infers race or beliefs", "false", "It does not deduce or infer race or beliefs."),
        ("creates or expands facial-recognition databases", "false",
         "Does not create or expand facial-recognition databases."),
        ("no other use case performs profiling", "false", "Some other use case performs profiling."),
        ("no other use case performs profiling", "unknown",
         "It is not stated whether any other use case performs profiling."),
        ("an emotion-recognition system", "false", "Not an emotion-recognition system."),
        ("not a legacy system", "false", "A legacy system."),
        ("used in publicly accessible spaces", "unknown",
         "Not stated whether used in publicly accessible spaces."),
        ("Art. 50(1): the system interacts directly with natural persons", "false",
         "Art. 50(1): the system does not interact directly with natural persons."),
        # two clauses: negated as a whole, never half
        ("a model is supplied by a third party and is not exempt", "false",
         "It is not the case that a model is supplied by a third party and is not exempt."),
    ],
)
def test_a_finding_reads_as_a_plain_sentence(text: str, truth: str, expected: str) -> None:
    assert sentence(text, truth) == expected


def test_a_classification_not_known_is_not_established() -> None:
    assert sentence("High-risk via Annex III use case (Art. 6(2))", "unknown", True) == (
        "Not established whether high-risk via Annex III use case (Art. 6(2)).")
    assert sentence("The AI system performs profiling of natural persons", "unknown", True) == (
        "It is not established whether the AI system performs profiling of natural persons.")


def _obligation(assessment: dict[str, Any], rule: str) -> dict[str, Any]:
    return next(o for j in assessment["jurisdictions"] for o in j["obligations"] if o["rule"] == rule)


def test_assessment_reasons_come_as_plain_sentences_beside_the_machine_fields(tmp_path: Path) -> None:
    descriptor = load_descriptor(EXAMPLE)
    first = assess_descriptor(descriptor, AS_OF)
    assert assess_descriptor(descriptor, AS_OF) == first  # deterministic
    fria = _obligation(first, "eu.ai_act.art_27_1_fria")
    assert len(fria["reasons_plain"]) == len(fria["reasons"]) == len(fria["steps"])
    assert "the deployer is a public authority or body governed by public law: yes" in fria["reasons"]
    assert "The deployer is a public authority or body governed by public law." in fria["reasons_plain"]
    # a negation reads as the negated label of its test, not "not (…)"
    assert "The use case does not fall under Annex III point 2." in fria["reasons_plain"]
    plain = [r for j in first["jurisdictions"] for o in j["obligations"] + j["classifications"]
             for r in o["reasons_plain"]]
    assert "The organisation does not hold the role of provider." in plain
    assert not [r for r in plain if r.startswith("not (") or r.endswith((": yes", ": no", ": unknown"))]
    # the machine-readable fields keep their form: the test, its truth value, the fact
    step = fria["steps"][0]
    assert set(step) <= {"text", "truth", "fact", "classification", "missing"}
    assert step["truth"] in ("true", "false", "unknown")


def test_the_transparency_report_shows_the_plain_sentences(tmp_path: Path) -> None:
    descriptor = load_descriptor(EXAMPLE)
    assessment = assess_descriptor(descriptor, AS_OF)
    info = PackInfo(AS_OF, "0" * 64, EXAMPLE.name, EXAMPLE.parent, "0.1.0", "eu")
    _, docs = render_documents(descriptor, copy.deepcopy(assessment), info, None)
    report = next(d for d in docs if d.decision.spec.key == "transparency_report")
    rows = {r["id"]: r for j in report.context["jurisdictions"] for r in j["obligations"]}
    reasons = rows["eu.ai_act.art_27_1_fria"]["reasons"]
    assert "The deployer is a public authority or body governed by public law." in reasons
    assert not [r for r in reasons if r.endswith(": yes")]
    # the classification table prints them
    (eu,) = report.context["jurisdictions"]
    annex_iii = next(c for c in eu["classifications"] if c["id"] == "eu.ai_act.high_risk_annex_iii_route")
    assert "The provider does not claim the Art. 6(3) derogation." in annex_iii["reasons"]
    assert "The AI system performs profiling of natural persons." in annex_iii["reasons"]
    assert "The provider does not claim the Art. 6(3) derogation." in report.html
    assert "not (" not in report.html and ": yes<" not in report.html


def test_the_obligations_text_gives_the_bar_s_reasons_as_sentences(rulebook) -> None:  # type: ignore[no-untyped-def]
    from compliance.cli.reporting import render_assessment_text
    from compliance.descriptor.model import Descriptor
    from compliance.law.engine.evaluator import assess_selected

    scenario = yaml.safe_load(
        (ROOT / "jurisdictions/eu/ai_act/tests/scope_and_prohibitions.yaml").read_text("utf-8"))
    report = assess_selected(Descriptor.model_validate(scenario["descriptor"]), rulebook,
                             dt.date(2026, 12, 7))
    text = render_assessment_text(report)
    block = text[text.index("BARRED"):text.index("== European Union")]
    assert "  Because:\n    - " in block
    assert "    - Art. 5(1)(f): emotion recognition in the workplace or education.\n" in block
    assert ": yes" not in block


@pytest.mark.parametrize("as_of", [dt.date(2026, 12, 7), dt.date(2028, 9, 1)])
def test_no_reason_of_an_example_reads_as_a_fact_path_or_a_bare_fragment(as_of: dt.date) -> None:
    """Every test of the rule data is worded as a clause (``label:``): a reader of the examples'
    reasons never meets a fact path ("system.use_cases[x].annex_iii contains none of 2.") or a
    fragment the grammar can only prefix with "Not" ("Not used in publicly accessible spaces.")."""
    examples = sorted((ROOT / "examples").glob("*.yaml"))
    assert len(examples) >= 8
    bad = []
    for example in examples:
        assessment = assess_descriptor(load_descriptor(example), as_of)
        entries = [o for j in assessment["jurisdictions"] for o in j["obligations"] + j["classifications"]]
        entries += [j["tier"] for j in assessment["jurisdictions"] if isinstance(j.get("tier"), dict)]
        for entry in entries:
            for reason in entry.get("reasons_plain") or []:
                if reason.startswith("Not ") or FACT_PATH.match(reason):
                    bad.append(f"{example.name}: {reason}")
    assert not bad, "\n".join(sorted(set(bad)))
