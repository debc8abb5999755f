"""Scenario files beside the rules pin the law: each case states facts, an as-of date and the
expected verdicts. One test per case."""

from __future__ import annotations

from pathlib import Path

import pytest

from compliance.descriptor.model import Descriptor
from compliance.law.engine import assess
from compliance.law.scenario import check_case, load_scenario, run_case

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((ROOT / "jurisdictions").glob("*/*/tests/*.yaml"))


def _cases():
    for path in SCENARIOS:
        scenario, _ = load_scenario(path)
        for index, case in enumerate(scenario.cases):
            label = case.name or case.as_of.isoformat()
            yield pytest.param(path, index, id=f"{path.stem}:{index}:{label}")


@pytest.mark.parametrize(("path", "index"), list(_cases()))
def test_scenario_case(path: Path, index: int, rulebook) -> None:
    scenario, data = load_scenario(path)
    problems = run_case(scenario, data, index, rulebook)
    assert not problems, f"{scenario.name} as of {scenario.cases[index].as_of}:\n" + "\n".join(problems)


def test_every_scenario_is_strict() -> None:
    """Strict is the default and no scenario opts out: each lists every obligation that applies,
    with its citation and date."""
    lax = [path.name for path in SCENARIOS if not load_scenario(path)[0].strict]
    assert lax == []


def test_strict_asks_for_citation_and_date(rulebook) -> None:
    path = ROOT / "jurisdictions/eu/ai_act/tests/deployers_extent_of_control.yaml"
    scenario, data = load_scenario(path)
    case = scenario.cases[1]
    report = assess(Descriptor.model_validate(data), rulebook, case.as_of)
    obligations = dict(case.expect.obligations or {})
    logs = obligations["eu.ai_act.art_26_6_keep_logs"]
    obligations["eu.ai_act.art_26_6_keep_logs"] = logs.model_copy(update={"citation": None, "applies_from": None})
    expect = case.expect.model_copy(update={"obligations": obligations})
    assert check_case(report, expect, strict=True) == [
        "obligation eu.ai_act.art_26_6_keep_logs: give citation and applies_from (strict)"]
    assert check_case(report, expect, strict=False) == []


def test_there_are_scenarios() -> None:
    assert SCENARIOS, "no scenario files found under jurisdictions/*/*/tests/"


def test_a_wrong_citation_and_an_unlisted_obligation_fail(rulebook) -> None:
    path = ROOT / "jurisdictions/eu/ai_act/tests/deployers_extent_of_control.yaml"
    scenario, data = load_scenario(path)
    assert scenario.strict
    case = scenario.cases[1]
    report = assess(Descriptor.model_validate(data), rulebook, case.as_of)
    assert check_case(report, case.expect, strict=True) == []
    obligations = dict(case.expect.obligations or {})
    logs = obligations["eu.ai_act.art_26_6_keep_logs"]
    obligations["eu.ai_act.art_26_6_keep_logs"] = logs.model_copy(update={"citation": "Art. 26(5)"})
    del obligations["eu.ai_act.art_26_7_inform_workers"]
    problems = check_case(report, case.expect.model_copy(update={"obligations": obligations}), strict=True)
    assert any("expected citation 'Art. 26(5)', got 'Art. 26(6)'" in p for p in problems)
    assert any("art_26_7_inform_workers (Art. 26(7)) applies but the scenario does not list it" in p for p in problems)
