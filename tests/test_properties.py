"""Invariants of loading and evaluation, stated as Hypothesis properties."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import descriptor

from compliance.descriptor.model import Descriptor
from compliance.descriptor.validation import parse_descriptor
from compliance.descriptor.yamlio import dump
from compliance.law.engine import assess

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
AS_OF = st.dates(min_value=dt.date(2024, 8, 1), max_value=dt.date(2031, 12, 31))


def _dumped(model: Descriptor) -> str:
    return dump(model.model_dump(mode="json", exclude_none=True))


@FAST
@given(descriptor)
def test_load_dump_load_is_identity(data: dict) -> None:
    first = parse_descriptor(dump(data).encode(), "d.yaml", None)
    assert first.descriptor is not None, [p.format() for p in first.errors]
    second = parse_descriptor(_dumped(first.descriptor).encode(), "d.yaml", None)
    assert second.descriptor == first.descriptor


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_give_a_descriptor_or_clean_errors(raw: bytes) -> None:
    result = parse_descriptor(raw, "f.yaml", None)
    assert result.descriptor is not None or result.errors


_text = st.text(alphabet=st.sampled_from(list("abc:-[]{}\"' \n\t#&*!|>0123456789.,")), max_size=200)


@settings(max_examples=300, deadline=None)
@given(_text)
def test_yaml_ish_text_never_crashes_and_points_inside_the_file(text: str) -> None:
    result = parse_descriptor(text.encode(), "f.yaml", None)
    lines = text.split("\n")
    for p in result.problems:
        assert 1 <= p.line <= len(lines) + 1
        assert 1 <= p.column <= len(lines[p.line - 1]) + 2 if p.line <= len(lines) else True


@FAST
@given(descriptor)
def test_error_locations_point_at_the_offending_key(data: dict) -> None:
    # plant one unknown key in the system mapping: the error must point at it
    data = {**data, "system": {**data["system"], "zz_unknown_fact": True}}
    text = dump(data)
    result = parse_descriptor(text.encode(), "f.yaml", None)
    errors = [p for p in result.errors if "zz_unknown_fact" in p.message]
    assert len(errors) == 1
    line = text.split("\n")[errors[0].line - 1]
    assert line[errors[0].column - 1:].startswith("zz_unknown_fact")


@FAST
@given(descriptor, AS_OF)
def test_evaluation_never_raises_and_is_deterministic(rulebook, data: dict, as_of: dt.date) -> None:
    model = Descriptor.model_validate(data)
    first = assess(model, rulebook, as_of).to_json()
    second = assess(model, rulebook, as_of).to_json()
    assert first == second


def _applies(report: dict) -> set[str]:
    return {o["id"] for j in report["jurisdictions"] for o in j["obligations"] if o["verdict"] == "applies"}


@FAST
@given(descriptor, AS_OF)
def test_stating_systemic_risk_never_removes_an_obligation(rulebook, data: dict, as_of: dt.date) -> None:
    models = data.get("models") or []
    if not models:
        return
    designated = {**data, "models": [{**m, "systemic_risk": {**(m.get("systemic_risk") or {}), "designated": True}}
                                     for m in models]}
    before = _applies(assess(Descriptor.model_validate(data), rulebook, as_of).to_json())
    after = _applies(assess(Descriptor.model_validate(designated), rulebook, as_of).to_json())
    assert before <= after, sorted(before - after)


@FAST
@given(descriptor, AS_OF)
def test_at_most_one_dated_arm_is_active(rulebook, data: dict, as_of: dt.date) -> None:
    from compliance.law.engine.conditions import Context, Truth, evaluate
    from compliance.law.engine.evaluator import _Evaluator, _subject_bindings
    from compliance.law.facts import fact_view

    facts = fact_view(Descriptor.model_validate(data))
    ev = _Evaluator(rulebook, facts, as_of)
    for loaded in rulebook.rules.values():
        for bindings in _subject_bindings(loaded.rule.scope, facts):
            ctx = Context(facts, as_of, ev.classify, {k: v for k, v in bindings.items()})
            active = [a for a in loaded.rule.effective or []
                      if a.from_ <= as_of and (a.until is None or as_of < a.until)
                      and evaluate(a.when, ctx).truth is Truth.true]
            assert len(active) <= 1, loaded.id
