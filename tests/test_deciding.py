"""Deciding questions: the unstated facts that decide the most undetermined obligations."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

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
