"""US state and city rule data (California, Colorado, Texas, New York City, Utah): market
selection and attribution end to end, the USD revenue test, role grants kept within their own
jurisdiction, and the canonical US pinpoints of the rule lint."""

from __future__ import annotations

import datetime as dt
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from compliance.descriptor.model import Descriptor
from compliance.descriptor.yamlio import dump
from compliance.law.engine import assess
from compliance.law.lint import PINPOINT
from compliance.law.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
EU_AND_CA = ROOT / "jurisdictions/us_ca/sb53/tests/eu_and_california.yaml"
US_CODES = ("us_ca", "us_co", "us_nyc", "us_tx", "us_ut")


def _obligations_json(descriptor: dict, tmp_path: Path, *extra: str) -> dict:
    path = tmp_path / "ai-system.yaml"
    path.write_text(dump(descriptor), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "compliance", "obligations", str(path), "--as-of", "2026-11-25",
         "--format", "json", *extra],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_eu_and_california_each_law_attributed(tmp_path: Path) -> None:
    _, data = load_scenario(EU_AND_CA)
    out = _obligations_json(data, tmp_path)
    selected = {s["jurisdiction"] for s in out["selection"] if s["selected"]}
    assert selected == {"eu", "us_ca"}, out["selection"]
    groups = {j["code"]: j for j in out["jurisdictions"]}
    assert set(groups) == {"eu", "us_ca"}
    for code, group in groups.items():
        for item in group["obligations"]:
            assert item["id"].startswith(f"{code}."), (code, item["id"])
            assert item["jurisdiction"] == code
    applies = {code: {o["id"] for o in g["obligations"] if o["verdict"] == "applies"} for code, g in groups.items()}
    assert "eu.ai_act.art_55_1_c_serious_incidents@frontier-1" in applies["eu"]
    assert "us_ca.sb53.bpc_22757_13_c_1_report_critical_safety_incident" in applies["us_ca"]
    assert "us_ca.sb53.bpc_22757_12_a_frontier_ai_framework" in applies["us_ca"]
    assert "us_ca.ab2013.civ_3111_training_data_documentation" in applies["us_ca"]
    assert groups["us_ca"]["tier"]["id"] == "large_frontier_developer"


def test_jurisdiction_option_overrides_markets(tmp_path: Path) -> None:
    _, data = load_scenario(EU_AND_CA)
    out = _obligations_json(data, tmp_path, "--jurisdiction", "us_co")
    assert [j["code"] for j in out["jurisdictions"]] == ["us_co"]


def test_each_us_jurisdiction_is_selected_by_its_market(rulebook) -> None:
    from compliance.law.engine.evaluator import select_jurisdictions

    for code, market in zip(US_CODES, ("US-CA", "US-CO", "US-NYC", "US-TX", "US-UT"), strict=True):
        assert rulebook.jurisdictions[code].markets == [market]
        descriptor = Descriptor.model_validate(
            {"schema_version": 1, "organisation": {"name": "X"},
             "system": {"id": "s", "name": "S", "markets": [market]}})
        chosen = {s.code for s in select_jurisdictions(descriptor, rulebook, dt.date(2026, 11, 25)) if s.selected}
        assert code in chosen and not (chosen & set(US_CODES)) - {code}


def _frontier(revenue: dict | None) -> Descriptor:
    organisation: dict = {"name": "Lab", "roles": ["developer"]}
    if revenue is not None:
        organisation["annual_revenue"] = revenue
    return Descriptor.model_validate({
        "schema_version": 1, "organisation": organisation,
        "system": {"id": "s", "name": "S", "markets": ["US-CA"]},
        "models": [{"id": "m", "origin": "own", "foundation_model": True, "training_compute": {"flop": 2e26}}],
    })


def _large(assessment) -> str:
    (result,) = [c for c in assessment.classifications() if c.id == "us_ca.sb53.large_frontier_developer"]
    return result.truth.value


# Cal. Bus. & Prof. Code § 22757.11(j): a large frontier developer had annual gross revenues
# "in excess of five hundred million dollars" -- strictly more than, in jurisdictions/us_ca/sb53/
# classifications/large_frontier_developer.yaml (`gt: 500000000`, in both the USD limb and the
# usd_equivalent limb; test_revenue_threshold_in_the_rule_data pins that).
THRESHOLD = 500_000_000
LARGE_FRONTIER = ROOT / "jurisdictions/us_ca/sb53/classifications/large_frontier_developer.yaml"
# at, the nearest floats just below and above, and a dollar either side of the threshold
BELOW = (math.nextafter(THRESHOLD, 0), THRESHOLD - 1.0, THRESHOLD - 0.01)
ABOVE = (math.nextafter(THRESHOLD, math.inf), THRESHOLD + 1.0, THRESHOLD + 0.01)
AMOUNTS = st.one_of(
    st.floats(min_value=0, max_value=1e12, allow_nan=False, allow_infinity=False),
    st.floats(min_value=THRESHOLD - 1000, max_value=THRESHOLD + 1000),  # near the boundary
    st.integers(min_value=THRESHOLD - 2, max_value=THRESHOLD + 2).map(float),
)
FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                      HealthCheck.function_scoped_fixture])


def _revenue_thresholds(node: object) -> list[tuple[str, object]]:
    """Every (fact, gt) comparison of an annual-revenue fact in a rule's condition tree."""
    found: list[tuple[str, object]] = []
    if isinstance(node, dict):
        if str(node.get("fact", "")).startswith("organisation.annual_revenue.") and "gt" in node:
            found.append((node["fact"], node["gt"]))
        for value in node.values():
            found += _revenue_thresholds(value)
    elif isinstance(node, list):
        for value in node:
            found += _revenue_thresholds(value)
    return found


def test_revenue_threshold_in_the_rule_data() -> None:
    rule = yaml.safe_load(LARGE_FRONTIER.read_text("utf-8"))
    assert sorted(_revenue_thresholds(rule["condition"])) == [
        ("organisation.annual_revenue.amount", THRESHOLD),
        ("organisation.annual_revenue.usd_equivalent", THRESHOLD),
    ]


def _usd(amount: float) -> dict:
    return {"amount": amount, "currency": "USD"}


@FAST
@given(amount=AMOUNTS)
@example(amount=float(THRESHOLD))
@example(amount=BELOW[0])
@example(amount=BELOW[1])
@example(amount=BELOW[2])
@example(amount=ABOVE[0])
@example(amount=ABOVE[1])
@example(amount=ABOVE[2])
def test_usd_revenue_compared_directly(rulebook, amount: float) -> None:
    truth = _large(assess(_frontier(_usd(amount)), rulebook, dt.date(2026, 6, 1)))
    assert truth == ("true" if amount > THRESHOLD else "false")


def test_usd_revenue_exactly_at_the_threshold_is_not_large(rulebook) -> None:
    # the boundary stated without the comparison the property above uses
    on = dt.date(2026, 6, 1)
    assert _large(assess(_frontier(_usd(float(THRESHOLD))), rulebook, on)) == "false"
    assert [_large(assess(_frontier(_usd(a)), rulebook, on)) for a in BELOW] == ["false"] * 3
    assert [_large(assess(_frontier(_usd(a)), rulebook, on)) for a in ABOVE] == ["true"] * 3


@FAST
@given(amount=AMOUNTS, currency=st.sampled_from(["EUR", "GBP", "JPY", "KRW", "CHF"]))
@example(amount=float(THRESHOLD), currency="EUR")
@example(amount=ABOVE[0], currency="GBP")
@example(amount=1e12, currency="JPY")
def test_other_currency_is_never_silently_false(rulebook, amount: float, currency: str) -> None:
    truth = _large(assess(_frontier({"amount": amount, "currency": currency}), rulebook, dt.date(2026, 6, 1)))
    assert truth == "unknown"


@FAST
@given(amount=AMOUNTS, usd=AMOUNTS)
@example(amount=1e12, usd=float(THRESHOLD))  # a large amount in EUR does not count: only usd
@example(amount=0.0, usd=BELOW[0])
@example(amount=0.0, usd=BELOW[1])
@example(amount=0.0, usd=ABOVE[0])
@example(amount=0.0, usd=ABOVE[1])
def test_other_currency_uses_stated_usd_equivalent(rulebook, amount: float, usd: float) -> None:
    revenue = {"amount": amount, "currency": "EUR", "usd_equivalent": usd}
    truth = _large(assess(_frontier(revenue), rulebook, dt.date(2026, 6, 1)))
    assert truth == ("true" if usd > THRESHOLD else "false")


def test_revenue_not_stated_is_unknown(rulebook) -> None:
    assert _large(assess(_frontier(None), rulebook, dt.date(2026, 6, 1))) == "unknown"


def test_role_granted_by_eu_law_does_not_reach_us_duties(rulebook) -> None:
    """An EU Art. 25 provider shift (undetermined here: its facts are missing) must not make a
    Colorado developer duty undetermined for an organisation that is only a deployer."""
    descriptor = Descriptor.model_validate({
        "schema_version": 1, "organisation": {"name": "Bank", "roles": ["deployer"]},
        "system": {"id": "s", "name": "S", "markets": ["US-CO"], "use_cases": [
            {"id": "u", "consequential_decision_domains": ["lending"],
             "materially_influences_consequential_decisions": True}]},
    })
    result = assess(descriptor, rulebook, dt.date(2027, 1, 1), ["us_co"])
    verdicts = {o.id: o.verdict.value for o in result.obligations()}
    assert verdicts["us_co.sb26_189.crs_6_1_1702_1_developer_documentation"] == "does_not_apply"
    assert verdicts["us_co.sb26_189.crs_6_1_1704_1_consumer_notice"] == "applies"


@pytest.mark.parametrize("as_of, sb24_205, sb26_189", [
    ("2026-06-29", "does_not_apply", "upcoming"),
    ("2026-06-30", "does_not_apply", "upcoming"),
    ("2026-12-31", "does_not_apply", "upcoming"),
    ("2027-01-01", "does_not_apply", "in_force"),
])
def test_colorado_as_of_date_shows_which_law_applies(rulebook, as_of: str, sb24_205: str, sb26_189: str) -> None:
    _, data = load_scenario(ROOT / "jurisdictions/us_co/sb26_189/tests/timeline_deployer.yaml")
    result = assess(Descriptor.model_validate(data), rulebook, dt.date.fromisoformat(as_of), ["us_co"])
    got = {o.id: o for o in result.obligations()}
    old = got["us_co.sb24_205.crs_6_1_1703_3_impact_assessment"]
    new = got["us_co.sb26_189.crs_6_1_1704_1_consumer_notice"]
    assert old.verdict.value == sb24_205
    assert new.verdict.value == "applies" and new.status.value == sb26_189


@pytest.mark.parametrize("pinpoint", [
    "Cal. Bus. & Prof. Code § 22757.12(a)", "Cal. Lab. Code § 1107.1(e)", "Cal. Civ. Code § 3111",
    "C.R.S. § 6-1-1702(1)", "Tex. Bus. & Com. Code § 552.051(b)", "N.Y.C. Admin. Code § 20-871(a)(1)",
    "Utah Code § 13-77-103(2)", "6 RCNY § 5-301", "SB 53 § 2", "SB 25B-004 § 1", "HB 149 § 4",
    "Art. 26(1)", "Annex III(4)(a)", "Art. 6(3) last subpara.",
])
def test_canonical_pinpoints_pass(pinpoint: str) -> None:
    assert PINPOINT.match(pinpoint)


@pytest.mark.parametrize("pinpoint", ["Bus. & Prof. 22757.12", "California Code § 1", "SB 53", "CRS 6-1-1702"])
def test_non_canonical_pinpoints_fail(pinpoint: str) -> None:
    assert not PINPOINT.match(pinpoint)
