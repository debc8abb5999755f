"""Deciding questions: the unstated facts that decide the most undetermined obligations."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from compliance.descriptor.model import Descriptor
from compliance.law.deciding import deciding_facts
from compliance.law.engine.evaluator import assess_selected

ROOT = Path(__file__).resolve().parent.parent


def test_greedy_order_and_what_each_answer_decides() -> None:
    questions = deciding_facts([
        ("a", {"roles"}), ("b", {"roles"}), ("c", {"roles", "size"}),
        ("d", {"size", "profiling"}), ("e", {"annex"}),
    ])
    assert [(q.fact, q.decides, q.blocks) for q in questions] == [
        ("roles", ("a", "b"), ("a", "b", "c")),  # decides two on its own
        ("size", ("c",), ("c", "d")),            # with roles answered, decides c
        ("annex", ("e",), ("e",)),               # ties on decides: more blocked first, then the path
        ("profiling", ("d",), ("d",)),
    ]


def test_no_fact_is_asked_twice_and_the_limit_holds() -> None:
    pairs = [(f"o{i}", {f"f{j}" for j in range(12)}) for i in range(3)]
    questions = deciding_facts(pairs, limit=5)
    assert len(questions) == 5 and len({q.fact for q in questions}) == 5
    assert all(not q.decides for q in questions)  # each obligation needs all twelve


def test_obligations_without_missing_facts_are_not_questions() -> None:
    assert deciding_facts([("a", set()), ("b", ())]) == []


def _sparse_deployer() -> Descriptor:
    return Descriptor.model_validate({
        "schema_version": 1,
        "organisation": {"name": "Acme", "country": "DE", "roles": ["deployer"]},
        "system": {"id": "s", "name": "S", "markets": ["EU"], "is_ai_system": True,
                   "use_cases": [{"id": "u", "annex_iii": ["4(a)"], "profiling": True}]},
    })


def test_questions_of_a_real_assessment_name_undetermined_obligations(rulebook) -> None:
    """On the real rule data: the questions only claim undetermined obligations, and the JSON
    output carries them in the same order with the same counts."""
    day = dt.date(2027, 12, 2)
    descriptor = _sparse_deployer()
    before = assess_selected(descriptor, rulebook, day)
    questions = before.deciding_facts()
    assert questions, "a sparse deployer leaves facts to ask"
    undetermined = {o.id for o in before.obligations() if o.verdict.value == "undetermined"}
    claimed = {i for q in questions for i in q.decides}
    assert claimed <= undetermined
    payload = json.loads(json.dumps(before.to_json()))["deciding_facts"]
    assert [q["fact"] for q in payload] == [q.fact for q in questions]
    assert sum(q["decides"] for q in payload) == len(claimed)


def test_a_prohibited_practice_leads_every_output(rulebook) -> None:
    """Art. 5 classified as present: the text output and the JSON lead with the bar, naming the
    practice; a system with no prohibited practice has no such entry."""
    import yaml

    from compliance.cli.reporting import render_assessment_text

    scenario = yaml.safe_load((ROOT / "jurisdictions/eu/ai_act/tests/scope_and_prohibitions.yaml").read_text("utf-8"))
    report = assess_selected(Descriptor.model_validate(scenario["descriptor"]), rulebook, dt.date(2026, 12, 7))
    data = report.to_json()
    assert list(data).index("blocking") < list(data).index("jurisdictions")
    (barred,) = data["blocking"]
    assert barred["jurisdiction"] == "eu" and "Art. 5(1)" in barred["consequence"]
    assert any("Art. 5(1)(f)" in reason for reason in barred["reasons"])
    text = render_assessment_text(report)
    assert text.index("BARRED in European Union (eu)") < text.index("== European Union")
    assert assess_selected(_sparse_deployer(), rulebook, dt.date(2026, 12, 7)).to_json()["blocking"] == []


def _outside_eu(**system: object) -> Descriptor:
    return Descriptor.model_validate({
        "schema_version": 1,
        "organisation": {"name": "Acme Inc", "country": "US", "roles": ["provider"]},
        "system": {"id": "acme", "name": "Acme", "markets": ["US-CA"], "is_ai_system": True, **system},
    })


def test_territorial_reach_is_asked_once_and_the_section_waits(rulebook) -> None:
    """Offered outside the EU, output use in the EU unstated (Art. 2(1)(c)): the EU is evaluated
    but pending on that one fact, asked first; its duties are neither listed nor made questions."""
    from compliance.cli.reporting import render_assessment_text

    day = dt.date(2027, 1, 15)
    report = assess_selected(_outside_eu(), rulebook, day)
    assert report.pending == (("eu", ("system.output_used_in_eu",)),)
    eu_ids = {o.id for o in report.obligations() if o.id.startswith("eu.")}
    assert not any(set(q.decides) & eu_ids or set(q.blocks) & eu_ids for q in report.deciding_facts())
    text = render_assessment_text(report)
    assert text.index("First question: does the law of European Union (eu) reach") < text.index("== European Union")
    assert "waits on system.output_used_in_eu" in text and "Art. 4(1)" not in text
    assert "Art. 4(1)" in render_assessment_text(report, show_all=True)
    data = report.to_json()
    assert next(s for s in data["selection"] if s["jurisdiction"] == "eu")["pending_on"] == ["system.output_used_in_eu"]
    # answered either way, nothing is pending
    assert assess_selected(_outside_eu(output_used_in_eu=True), rulebook, day).pending == ()
    answered_no = assess_selected(_outside_eu(output_used_in_eu=False), rulebook, day)
    assert answered_no.pending == () and "eu" not in {j.jurisdiction.code for j in answered_no.jurisdictions}


def test_undetermined_duties_waiting_on_the_same_facts_share_one_line(rulebook) -> None:
    from compliance.cli.reporting import render_assessment_text

    report = assess_selected(_sparse_deployer(), rulebook, dt.date(2027, 12, 2))
    by_facts: dict[tuple[str, ...], int] = {}
    for o in report.obligations():
        if o.verdict.value == "undetermined":
            by_facts[tuple(o.missing)] = by_facts.get(tuple(o.missing), 0) + 1
    assert max(by_facts.values()) >= 4
    short, full = render_assessment_text(report), render_assessment_text(report, show_all=True)
    assert "obligations wait on the same facts" in short and "obligations wait on the same facts" not in full
    assert len(short.splitlines()) < len(full.splitlines())


# --------------------------------------------------------------------------- the pack's index page


@pytest.mark.slow
def test_pack_index_leads_with_the_deciding_questions() -> None:
    """The session's hiring pack (one obligation undetermined for want of one fact): the index
    names the question, its path, what it decides, the citation and `compliance ask`."""
    from _packs import pack

    index = (pack("hiring") / "index.html").read_text("utf-8")
    section = index[index.index('<h2 id="deciding-questions">'):index.index('<h2 id="documents">')]
    assert index.index("Questions that decide the most") < index.index("<th>Document</th>")
    assert "Answer this 1 question to decide 1 obligation (of 1 undetermined)" in section
    assert "<code>model.significant_generality</code>" in section
    assert "significant generality and competently performs a wide range" in section  # the field's description
    assert "<td>1</td><td>Art. 53(1)(a)</td>" in section
    assert "<code>compliance ask hiring.yaml</code>" in section


def _info(name: str = "ai-system.yaml") -> Any:
    from compliance.documents.context import PackInfo

    return PackInfo(as_of=dt.date(2027, 12, 2), descriptor_sha256="0" * 64, descriptor_name=name,
                    descriptor_dir=ROOT, tool_version="t", rules_version="r",
                    instruments={"eu": {"ai_act": "AI Act"}, "us_co": {"sb": "SB"}})


def test_index_questions_are_the_engines(rulebook) -> None:
    """From the engine's JSON: the same questions, in the same order, with the same counts as
    ``deciding_facts`` in obligations.json; citations in the assessment's order, each once."""
    from compliance.documents.context import deciding_context

    data = json.loads(json.dumps(assess_selected(_sparse_deployer(), rulebook, dt.date(2027, 12, 2)).to_json()))
    ctx = deciding_context(data, _info())
    assert [(q["fact"], q["decides"], q["blocks"]) for q in ctx["questions"]] == [
        (q["fact"], q["decides"], q["blocks"]) for q in data["deciding_facts"]]
    assert ctx["decided"] == sum(q["decides"] for q in data["deciding_facts"])
    cites = {o["id"]: o["citation"] for j in data["jurisdictions"] for o in j["obligations"]}
    for row, q in zip(ctx["questions"], data["deciding_facts"], strict=True):
        expected = list(dict.fromkeys(cites[i] for i in cites if i in set(q["obligations_decided"])))
        if q["decides"]:
            assert row["citations"] + ["…"] * row["more"] == expected[:8] + ["…"] * max(0, len(expected) - 8)
        assert row["label"], row["fact"]
    assert ctx["pending"] == [] and ctx["descriptor"] == "ai-system.yaml"


def test_index_questions_wait_for_territorial_reach_and_name_instruments() -> None:
    from compliance.documents.context import deciding_context

    def ob(ident: str, code: str, instrument: str, cite: str, missing: list[str]) -> dict[str, Any]:
        return {"id": ident, "jurisdiction": code, "instrument": instrument, "citation": cite,
                "verdict": "undetermined" if missing else "applies", "missing_facts": missing}

    data = {
        "selection": [{"jurisdiction": "eu", "selected": True, "reason": "r", "pending_on": ["system.output_used_in_eu"]},
                      {"jurisdiction": "us_co", "selected": True, "reason": "r"}],
        "jurisdictions": [
            {"code": "eu", "name": "European Union", "obligations": [ob("e1", "eu", "ai_act", "Art. 4", ["organisation.size"])]},
            {"code": "us_co", "name": "Colorado", "obligations": [
                ob("c1", "us_co", "sb", "§ 1", ["organisation.size"]),
                ob("c2", "us_co", "sb", "§ 2", ["organisation.size", "system.use_cases[u].profiling"]),
                ob("c3", "us_co", "sb", "§ 3", [])]},
        ],
    }
    ctx = deciding_context(data, _info())
    assert ctx["pending"] == [{"jurisdiction": "eu", "name": "European Union", "facts": ["system.output_used_in_eu"]}]
    assert [(q["fact"], q["decides"], q["citations"]) for q in ctx["questions"]] == [
        ("organisation.size", 1, ["§ 1"]), ("system.use_cases[u].profiling", 1, ["§ 2"])]  # e1 waits on the EU's reach
    assert ctx["undetermined"] == 2 and ctx["decided"] == 2
    # citations from two instruments: each named
    data["selection"] = []
    cites = [q["citations"] for q in deciding_context(data, _info())["questions"]]
    assert cites[0] == ["AI Act Art. 4", "SB § 1"]


def test_index_says_so_when_nothing_is_undetermined() -> None:
    from compliance.documents.context import deciding_context
    from compliance.documents.environment import make_environment

    empty = deciding_context({"jurisdictions": [{"code": "eu", "obligations": []}]}, _info())
    html = make_environment().get_template("base/index.html.j2").render(
        system={"name": "S", "id": "s", "version": ""}, as_of="2027-12-02", descriptor_sha256="0" * 64,
        rules_version="r", tool_version="t", deciding=empty, documents=[])
    assert "Nothing is undetermined: the stated facts decide every obligation." in html
    assert "Answer th" not in html


def test_index_is_deterministic_for_a_descriptor_with_gaps(tmp_path: Path) -> None:
    """A starter (many gaps) built twice with the real engine: the same index.html, whose
    questions are those of obligations.json."""
    from importlib.resources import files

    from compliance.documents.pack import build_pack

    source = tmp_path / "deployer.yaml"
    source.write_text(files("compliance").joinpath("starters", "deployer.yaml").read_text("utf-8"), "utf-8")
    day = dt.date(2026, 11, 25)
    first = build_pack(source, tmp_path / "a", day, {"html"}, None)
    second = build_pack(source, tmp_path / "b", day, {"html"}, None)
    index = (first / "index.html").read_bytes()
    assert index == (second / "index.html").read_bytes()
    text = index.decode("utf-8")
    facts = [q["fact"] for q in json.loads((first / "obligations.json").read_text("utf-8"))["deciding_facts"]]
    assert len(facts) > 1
    positions = [text.index(f"<code>{f}</code>") for f in facts]
    assert positions == sorted(positions)
    assert f"Answer these {len(facts)} questions to decide" in text
    assert "<code>compliance ask deployer.yaml</code>" in text
