"""Invariants of loading and evaluation, stated as Hypothesis properties."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import yaml
from hypothesis import HealthCheck, assume, event, example, given, settings
from hypothesis import strategies as st
from strategies import dates, descriptor, model

from compliance.descriptor.model import Descriptor
from compliance.descriptor.validation import parse_descriptor
from compliance.descriptor.yamlio import dump
from compliance.law.engine import assess
from compliance.law.engine.results import Status, Verdict

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


def _decisions(report) -> list[tuple]:
    """Everything an assessment decides, without the explanations."""
    return [
        *((j.jurisdiction.code, j.tier.id if j.tier else None) for j in report.jurisdictions),
        *((c.id, c.subject, c.truth, c.effective_from, c.upcoming_from) for c in report.classifications()),
        *((o.id, o.verdict, o.status, o.applies_from, o.roles) for o in report.obligations()),
    ]


@FAST
@given(st.one_of(descriptor, st.deferred(lambda: WITH_MODELS)), AS_OF)
def test_evaluation_without_explanations_decides_the_same(rulebook, data: dict, as_of: dt.date) -> None:
    """``status`` evaluates without steps and stops at the first decisive part of all/any/some;
    every verdict, date, tier and classification value must be what the explained run gives."""
    model = Descriptor.model_validate(data)
    explained = assess(model, rulebook, as_of)
    bare = assess(model, rulebook, as_of, explain=False)
    assert _decisions(bare) == _decisions(explained)


def _applies(report: dict) -> set[str]:
    return {o["id"] for j in report["jurisdictions"] for o in j["obligations"] if o["verdict"] == "applies"}


_with_models = st.builds(lambda data, models: {**data, "models": models}, descriptor,
                         st.lists(model, min_size=1, max_size=2, unique_by=lambda m: m["id"]))


def _gpai_provider(data: dict, placed: dt.date) -> dict:
    """The organisation provides its first model as a general-purpose AI model on the EU market,
    the case in which a systemic-risk designation adds the Art. 52-55 duties."""
    organisation = {**data["organisation"],
                    "roles": sorted({*data["organisation"].get("roles", []), "provider"})}
    system = {**data["system"], "markets": sorted({*data["system"].get("markets", []), "EU"})}
    first, *rest = data["models"]
    first = {**first, "origin": "own", "significant_generality": True, "eu_placed_on_market": placed}
    first.pop("narrow_task_only", None)
    return {**data, "organisation": organisation, "system": system, "models": [first, *rest]}


# every example has a model to designate; half of them are GPAI providers, where the designation
# does add duties (the property is vacuous for a model that is no GPAI model)
WITH_MODELS = st.one_of(_with_models, st.builds(_gpai_provider, _with_models, dates))


def _designated(data: dict) -> dict:
    return {**data, "models": [
        {**m, "systemic_risk": {**(m.get("systemic_risk") or {}), "designated": True}}
        for m in data["models"]]}


@FAST
@given(WITH_MODELS, AS_OF)
def test_stating_systemic_risk_never_removes_an_obligation(rulebook, data: dict, as_of: dt.date) -> None:
    before = _applies(assess(Descriptor.model_validate(data), rulebook, as_of).to_json())
    after = _applies(assess(Descriptor.model_validate(_designated(data)), rulebook, as_of).to_json())
    assert before <= after, sorted(before - after)
    event("designation added an obligation" if after - before else "designation added nothing")


@FAST
@given(st.builds(_gpai_provider, _with_models, dates), AS_OF)
def test_designating_a_gpai_model_adds_the_systemic_risk_duties(rulebook, data: dict, as_of: dt.date) -> None:
    # The positive side of the property above, so that it cannot pass by nothing ever changing.
    first = data["models"][0]["id"]
    after = _applies(assess(Descriptor.model_validate(_designated(data)), rulebook, as_of).to_json())
    for duty in ("art_55_1_a_model_evaluation", "art_55_1_b_systemic_risk_assessment",
                 "art_55_1_c_serious_incidents", "art_55_1_d_cybersecurity"):
        assert f"eu.ai_act.{duty}@{first}" in after


# ----------------------------------------------------------------- dated arms (rule.effective)
#
# Checked through what the engine returns (verdict, status, applies_from, the governing arm) and
# the public rule data, never by re-deriving which arm is active.

def _dated(result) -> list:  # type: ignore[no-untyped-def]
    return [o for o in result.obligations() if o.verdict is Verdict.applies and o.rule.effective]


def _find(result, ident: str):  # type: ignore[no-untyped-def]
    (found,) = [o for o in result.obligations() if o.id == ident]
    return found


def _find_json(result, ident: str) -> dict:  # type: ignore[no-untyped-def]
    (found,) = [o for j in result.to_json()["jurisdictions"] for o in j["obligations"]
                if o["id"] == ident]
    return found


# EU placement, a stated role and a model make dated EU duties (high-risk, GPAI, transparency)
# likely: most fully random descriptors have none
IN_EU = st.builds(
    lambda data, roles, ai: {**data, "organisation": {**data["organisation"], "roles": roles},
                             "system": {**data["system"], "is_ai_system": ai,
                                        "markets": sorted({*data["system"].get("markets", []), "EU"})}},
    st.one_of(descriptor, WITH_MODELS),
    st.lists(st.sampled_from(["provider", "deployer", "importer", "distributor"]), min_size=1,
             unique=True),
    st.booleans(),
)
_EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
# Art. 4 (AI literacy) applies under its original wording until 2026-07-27 and under the amended
# one from that day: the generated descriptors rarely reach a dated arm with an end
CHATBOT = yaml.safe_load((_EXAMPLES / "customer-service-chatbot.yaml").read_text("utf-8"))
# Annex III high-risk provider duties that start in 2027 and 2028
RECRUITMENT = yaml.safe_load((_EXAMPLES / "recruitment-screening-provider.yaml").read_text("utf-8"))


@FAST
@given(IN_EU, AS_OF)
@example(CHATBOT, dt.date(2026, 3, 1))
@example(RECRUITMENT, dt.date(2026, 3, 1))
def test_an_applying_duty_is_governed_by_an_arm_whose_window_holds_it(
    rulebook, data: dict, as_of: dt.date
) -> None:
    result = assess(Descriptor.model_validate(data), rulebook, as_of)
    dated = _dated(result)
    event(f"dated duties that apply: {min(len(dated), 5)}{'+' if len(dated) >= 5 else ''}")
    for o in dated:
        arms = o.rule.effective
        assert o.arm in arms, o.id
        start = o.applies_from
        assert start is not None, o.id
        # never applies before its earliest arm
        assert start >= min(a.from_ for a in arms), o.id
        published = _find_json(result, o.id)
        assert published["applies_from"] == start.isoformat()
        assert published["date_basis"] == o.arm.basis
        if o.status is Status.in_force:
            # the governing arm's window [from, until) contains the as-of date
            assert o.arm.from_ <= as_of and (o.arm.until is None or as_of < o.arm.until), o.id
            assert start <= as_of, o.id
        else:
            assert o.status is Status.upcoming, o.id
            assert start > as_of, o.id
            assert o.arm.until is None or start < o.arm.until, o.id


@FAST
@given(IN_EU, AS_OF)
@example(CHATBOT, dt.date(2026, 3, 1))
@example(RECRUITMENT, dt.date(2026, 3, 1))
def test_moving_as_of_across_an_arm_boundary_changes_status_consistently(
    rulebook, data: dict, as_of: dt.date
) -> None:
    descriptor_ = Descriptor.model_validate(data)
    result = assess(descriptor_, rulebook, as_of)
    day = dt.timedelta(days=1)
    for o in _dated(result):
        if o.status is Status.upcoming:
            # the day before it starts it is still upcoming, from that day on it is in force
            start = o.applies_from
            assert start is not None
            if start - day > as_of:
                before = _find(assess(descriptor_, rulebook, start - day), o.id)
                assert (before.verdict, before.status, before.applies_from) == (
                    Verdict.applies, Status.upcoming, start), o.id
            on = _find(assess(descriptor_, rulebook, start), o.id)
            assert (on.verdict, on.status, on.applies_from) == (Verdict.applies, Status.in_force, start), o.id
            event("crossed the start of an arm")
        elif o.arm is not None and o.arm.until is not None:
            # the last day of the arm it is still in force since the same date; on the day it
            # ends it either no longer applies or continues under a later arm without a break
            last = _find(assess(descriptor_, rulebook, o.arm.until - day), o.id)
            assert (last.status, last.applies_from) == (Status.in_force, o.applies_from), o.id
            after = _find(assess(descriptor_, rulebook, o.arm.until), o.id)
            assert after.verdict is not Verdict.undetermined, o.id
            if after.verdict is Verdict.applies:
                assert after.arm != o.arm and after.applies_from == o.applies_from, o.id
            event("crossed the end of an arm")


def _arms_reversed(book):  # type: ignore[no-untyped-def]
    rules = {key: dataclasses.replace(loaded, rule=loaded.rule.model_copy(
                 update={"effective": list(reversed(loaded.rule.effective))}))
             if loaded.rule.effective and len(loaded.rule.effective) > 1 else loaded
             for key, loaded in book.rules.items()}
    return dataclasses.replace(book, rules=rules)


def _outcomes(result) -> set[tuple]:  # type: ignore[no-untyped-def]
    return {(o["id"], o["verdict"], o["status"], o["applies_from"], o["date_basis"],
             o["current_wording_from"], frozenset(o["missing_facts"]))
            for j in result.to_json()["jurisdictions"] for o in j["obligations"]}


@FAST
@given(IN_EU, AS_OF)
@example(CHATBOT, dt.date(2026, 3, 1))
@example(RECRUITMENT, dt.date(2028, 1, 1))
def test_at_most_one_dated_arm_is_active(rulebook, data: dict, as_of: dt.date) -> None:
    """Two arms of one rule active at once would make the outcome depend on the order the rule
    data lists them in: listing every rule's arms the other way round must change nothing."""
    descriptor_ = Descriptor.model_validate(data)
    listed = _outcomes(assess(descriptor_, rulebook, as_of))
    reversed_ = _outcomes(assess(descriptor_, _arms_reversed(rulebook), as_of))
    assert listed == reversed_, (sorted(listed - reversed_), sorted(reversed_ - listed))


def _yes_no_fields() -> list[tuple[str, str | None, str]]:
    """(section, group, field) of every yes/no fact of the organisation and the system."""
    from compliance.descriptor.model import Organisation
    from compliance.descriptor.model.system import Features, System

    def flags(model: type) -> list[str]:
        return sorted(n for n, f in model.model_fields.items() if "bool" in str(f.annotation).lower())

    return ([("organisation", None, n) for n in flags(Organisation)]
            + [("system", None, n) for n in flags(System)]
            + [("system", "features", n) for n in flags(Features)])


@FAST
@given(descriptor, st.sampled_from(_yes_no_fields()), st.booleans(), AS_OF)
def test_stating_a_yes_no_fact_never_undoes_a_decided_verdict(rulebook, data: dict, where: tuple,
                                                              value: bool, as_of: dt.date) -> None:
    """Three-valued logic is monotone: answering a question that was open can decide an
    undetermined obligation, but never change one that was already decided (applies or does
    not apply), whichever way it is answered."""
    section, group, name = where
    part = dict(data[section])
    target = dict(part.get(group) or {}) if group else part
    assume(name not in target and (group is None or part.get(group)))  # one new fact, not a new group
    target[name] = value
    if group:
        part[group] = target
    before = assess(Descriptor.model_validate(data), rulebook, as_of)
    after = assess(Descriptor.model_validate({**data, section: part}), rulebook, as_of)
    decided = {o.id: o.verdict for o in before.obligations() if o.verdict.value != "undetermined"}
    now = {o.id: o.verdict for o in after.obligations()}
    assert {k: now.get(k) for k in decided} == decided


_RULE_ID = __import__("re").compile(r"\b[a-z][a-z0-9_]*\.[a-z0-9_]+\.[a-z0-9_]+\b")


_READS: dict[str, str] = {}


def _rule_reads(rulebook, rid: str) -> str:
    if rid not in _READS:
        _READS[rid] = _rule_reads_uncached(rulebook, rid)
    return _READS[rid]


def _rule_reads_uncached(rulebook, rid: str) -> str:
    """The text of every rule an obligation's verdict can depend on: its own file, the
    classifications it names (transitively) and those granting a role it addresses, with the
    sources of the derived facts they use appended."""
    from compliance.law.facts import DERIVED_FROM

    texts: list[str] = []
    pending, seen = [rid], set()
    target = rulebook.rules[rid]
    for other in rulebook.rules.values():  # roles granted by classifications (Art. 25 and the like)
        if other.rule.grants_role and other.rule.grants_role in (target.rule.addressees or []):
            pending.append(other.id)
    while pending:
        current = pending.pop()
        if current in seen or current not in rulebook.rules:
            continue
        seen.add(current)
        text = rulebook.rules[current].path.read_text("utf-8")
        texts.append(text)
        pending.extend(_RULE_ID.findall(text))
    joined = "\n".join(texts)
    return joined + "\n" + "\n".join(src for derived, sources in DERIVED_FROM.items()
                                      if derived.split(".", 1)[1] in joined for src in sources)


def _recruitment_deployer() -> dict:
    from compliance.law.scenario import load_scenario

    root = Path(__file__).resolve().parent.parent
    data = load_scenario(root / "jurisdictions/eu/ai_act/tests/deployers_employer_recruitment.yaml")[1]
    organisation = {k: v for k, v in data["organisation"].items() if k != "own_name_on_existing_high_risk_system"}
    return {**data, "organisation": organisation}


@FAST
@given(descriptor, st.sampled_from(_yes_no_fields()), st.booleans(), AS_OF)
# a deployer that puts its name on a high-risk system becomes its provider (Art. 25(1)(a)): the
# provider duties change although their own rules never name the fact
@example(_recruitment_deployer(), ("organisation", None, "own_name_on_existing_high_risk_system"), True,
         dt.date(2028, 1, 1))
def test_a_fact_no_rule_of_an_obligation_reads_never_changes_its_verdict(rulebook, data: dict, where: tuple,
                                                                          value: bool, as_of: dt.date) -> None:
    """Locality: an obligation's verdict, status and date depend only on the facts its rule
    data names (its own condition and dated arms, the classifications it refers to, the
    role-granting classifications of its addressees). Stating, or changing, any other yes/no fact
    of the organisation or the system — one the law makes irrelevant to that duty — changes
    nothing about it."""
    section, group, name = where
    part = dict(data[section])
    target = dict(part.get(group) or {}) if group else part
    assume(group is None or part.get(group))
    assume(target.get(name) is not value)
    target[name] = value
    if group:
        part[group] = target
    before = assess(Descriptor.model_validate(data), rulebook, as_of, explain=False)
    after = assess(Descriptor.model_validate({**data, section: part}), rulebook, as_of, explain=False)
    now = {o.id: (o.verdict, o.status, o.applies_from) for o in after.obligations()}
    checked = 0
    for o in before.obligations():
        base = o.id.split("@", 1)[0]
        if name in _rule_reads(rulebook, base):
            continue
        checked += 1
        assert now[o.id] == (o.verdict, o.status, o.applies_from), (o.id, name, value)
    event(f"obligations the fact cannot touch: {'some' if checked else 'none'}")
