"""The engine on an invented jurisdiction: three-valued conditions, dated arms, verdicts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from compliance.descriptor.model import Descriptor
from compliance.law.engine import assess
from compliance.law.engine.conditions import Context, Truth, evaluate
from compliance.law.models.rule import Rule
from compliance.law.rulebook import load_rulebook

FAKE = Path(__file__).parent / "data" / "fake_rules"


@pytest.fixture(scope="module")
def book():
    return load_rulebook(FAKE)


def descriptor(**org: object) -> Descriptor:
    return Descriptor.model_validate({
        "schema_version": 1,
        "organisation": {"name": "T", **org},
        "system": {"id": "s", "name": "S", "use_cases": [{"id": "u", "annex_iii": ["1(a)"]}]},
    })


def verdict(book, d: Descriptor, ident: str, day: str) -> tuple[str, str | None, str | None]:
    o = next(o for o in assess(d, book, dt.date.fromisoformat(day)).obligations() if o.id == ident)
    return o.verdict.value, o.status.value if o.status else None, (
        o.applies_from.isoformat() if o.applies_from else None)


def cond(data: dict) -> object:
    return Rule.model_validate({
        "format_version": 1, "kind": "classification", "title": "t", "summary": "s",
        "citation": {"instrument": "act", "pinpoint": "Art. 1", "text": "t"}, "condition": data,
        "verification": {"checked_against": "x", "checked_on": "2026-01-01", "status": "verified"},
    }).condition


def truth(data: dict, facts: dict) -> Truth:
    ctx = Context(facts, dt.date(2026, 1, 1), lambda *_: (_ for _ in ()).throw(AssertionError()))
    return evaluate(cond(data), ctx).truth


@pytest.mark.parametrize(("a", "b", "all_", "any_"), [
    (True, True, "true", "true"), (True, False, "false", "true"), (False, False, "false", "false"),
    (True, None, "unknown", "true"), (False, None, "false", "unknown"), (None, None, "unknown", "unknown"),
])
def test_kleene_logic(a, b, all_, any_) -> None:
    facts = {"x": {k: v for k, v in (("a", a), ("b", b)) if v is not None}}
    leaves = [{"fact": "x.a", "equals": True}, {"fact": "x.b", "equals": True}]
    assert truth({"all": leaves}, facts).value == all_
    assert truth({"any": leaves}, facts).value == any_
    assert truth({"not": {"all": leaves}}, facts).value == {"true": "false", "false": "true"}.get(all_, "unknown")


def test_missing_fact_is_named() -> None:
    ctx = Context({"x": {}}, dt.date(2026, 1, 1), lambda *_: None)  # type: ignore[arg-type,return-value]
    outcome = evaluate(cond({"fact": "x.flop", "gt": 1e23}), ctx)
    assert outcome.truth is Truth.unknown and outcome.missing == ("x.flop",)


def _sentences(data: dict, facts: dict) -> list[tuple[str, str]]:
    ctx = Context(facts, dt.date(2026, 1, 1), lambda *_: None)  # type: ignore[arg-type,return-value]
    return [(s.truth.value, s.sentence) for s in evaluate(cond(data), ctx).steps]


def test_a_labelled_is_set_test_reads_with_the_truth_of_the_test() -> None:
    leaf = {"fact": "m.flop", "is_set": False, "label": "the descriptor does not state the compute"}
    assert _sentences(leaf, {"m": {"flop": 1.0}}) == [("false", "The descriptor states the compute.")]
    assert _sentences(leaf, {"m": {}}) == [("true", "The descriptor does not state the compute.")]
    unlabelled = {"fact": "m.flop", "is_set": False}  # the plain fact, as before
    assert _sentences(unlabelled, {"m": {}}) == [("false", "m.flop is not stated.")]


def test_an_empty_or_unstated_list_reads_through_the_label_of_its_quantifier() -> None:
    some = {"some": "m.items", "where": {"fact": ".x", "equals": True, "label": "the item is x"},
            "label": "the model has an item that is x"}
    assert _sentences(some, {"m": {"items": []}}) == [("false", "The model does not have an item that is x.")]
    assert _sentences(some, {"m": {}}) == [("unknown", "It is not stated whether the model has an item that is x.")]
    unlabelled = {k: v for k, v in some.items() if k != "label"}
    assert _sentences(unlabelled, {"m": {"items": []}}) == [("false", "m.items is empty.")]


def test_operand_fact_times_and_as_of() -> None:
    facts = {"m": {"mod": 4.0, "base": 9.0, "d": "2025-12-31"}}
    assert truth({"fact": "m.mod", "gt": {"fact": "m.base", "times": 0.3333333333}}, facts) is Truth.true
    assert truth({"fact": "m.d", "lt": {"as_of": True}}, facts) is Truth.true


def test_some_over_a_list_binds_the_element() -> None:
    facts = {"l": [{"id": "a", "v": 1}, {"id": "b"}]}
    assert truth({"some": "l", "where": {"fact": ".v", "equals": 1}}, facts) is Truth.true
    assert truth({"some": "l", "where": {"fact": ".v", "equals": 2}}, facts) is Truth.unknown
    assert truth({"some": "l", "where": {"fact": ".v", "equals": 2}}, {"l": []}) is Truth.false
    assert truth({"some": "l", "where": {"fact": ".v", "equals": 2}}, {}) is Truth.unknown


def test_obligation_dates_before_on_after(book) -> None:
    d = descriptor(roles=["provider"])
    assert verdict(book, d, "zz.act.art_02_register", "2024-12-31") == ("applies", "upcoming", "2025-01-01")
    assert verdict(book, d, "zz.act.art_02_register", "2025-01-01") == ("applies", "in_force", "2025-01-01")
    # the reworded arm continues the first: the duty has applied since 2025-01-01
    assert verdict(book, d, "zz.act.art_02_register", "2026-06-01") == ("applies", "in_force", "2025-01-01")


def test_roles_unknown_and_absent(book) -> None:
    assert verdict(book, descriptor(), "zz.act.art_02_register", "2026-06-01")[0] == "undetermined"
    assert verdict(book, descriptor(roles=["deployer"]), "zz.act.art_02_register", "2026-06-01")[0] == "does_not_apply"


def test_arm_condition_unknown_is_undetermined_then_decided(book) -> None:
    assert verdict(book, descriptor(roles=["deployer"]), "zz.act.art_03_public", "2026-01-01")[0] == "undetermined"
    assert verdict(book, descriptor(roles=["deployer"], public_authority=True), "zz.act.art_03_public",
                   "2026-01-01") == ("applies", "in_force", "2025-06-01")
    assert verdict(book, descriptor(roles=["deployer"], public_authority=False), "zz.act.art_03_public",
                   "2026-01-01") == ("applies", "upcoming", "2027-06-01")


def test_tier(book) -> None:
    report = assess(descriptor(roles=["provider"]), book, dt.date(2026, 1, 1)).to_json()
    assert report["jurisdictions"][0]["tier"]["id"] == "special"


def test_not_before_takes_the_first_matching_change(book) -> None:
    def with_changes(*changes: tuple[str, bool]) -> Descriptor:
        return Descriptor.model_validate({
            "schema_version": 1, "organisation": {"name": "T", "roles": ["provider"]},
            "system": {"id": "s", "name": "S", "lifecycle": {
                "eu_placed_on_market": "2024-05-01",
                "design_changes": [{"date": d, "description": "x", "significant": sig} for d, sig in changes]}},
        })

    d = with_changes(("2025-06-01", True), ("2026-03-01", False), ("2026-09-01", True), ("2027-02-01", True))
    assert verdict(book, d, "zz.act.art_04_changed", "2026-08-31") == ("applies", "upcoming", "2026-09-01")
    assert verdict(book, d, "zz.act.art_04_changed", "2026-09-01") == ("applies", "in_force", "2026-09-01")
    # no matching change: the arm's own date governs
    assert verdict(book, with_changes(), "zz.act.art_04_changed", "2026-02-01") == ("applies", "in_force", "2026-01-01")


def _explanation_size(cases: int) -> int:
    """Steps and output bytes of the real EU rule set for a provider with ``cases`` use cases, half
    of them fully stated (Annex III, profiling, a derogation claim) and half with nothing stated."""
    import json

    from compliance.paths import rules_dir

    real = _real_book(rules_dir())
    stated = {"annex_iii": ["4(a)"], "profiling": True, "derogation": {"claimed": False}}
    d = Descriptor.model_validate({
        "schema_version": 1,
        "organisation": {"name": "T", "roles": ["provider"], "country": "NL"},
        "system": {"id": "s", "name": "S", "markets": ["EU"], "use_cases": [
            {"id": f"u{i}", **(stated if i % 2 == 0 else {})} for i in range(cases)]},
    })
    return len(json.dumps(assess(d, real, dt.date(2027, 12, 2), ["eu"]).to_json()))


_BOOKS: dict[Path, object] = {}


def _real_book(root: Path):
    if root not in _BOOKS:
        _BOOKS[root] = load_rulebook(root)
    return _BOOKS[root]


def test_explanations_grow_linearly_with_use_cases() -> None:
    """Output per use case is the same whether there are 20 or 80 of them: nothing is explained
    once per pair of use cases (with the rule data of 2026-12-06 each of 80 use cases added 1.29x
    the output each of 20 added, and 100 use cases took 15x the time of 30)."""
    base, small, large = (_explanation_size(n) for n in (0, 20, 80))
    per_case_small = (small - base) / 20
    per_case_large = (large - base) / 80
    assert per_case_large <= per_case_small * 1.1, (per_case_small, per_case_large)
