"""`compliance rules coverage` and `compliance rules test` on the invented Testland rules: what
they print, their JSON and their exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from compliance.cli import main
from compliance.errors import ExitCode
from compliance.law.coverage import expected_units, in_unit, roman
from compliance.law.models.coverage import Structure, UnitRange

FAKE = Path(__file__).parent / "data" / "fake_rules"

SCENARIO = """\
name: Testland provider of a special system
descriptor:
  schema_version: 1
  organisation: {name: P, country: DE, roles: [provider]}
  system:
    id: s
    name: S
    intended_purpose: testing
    markets: [ZZ]
    use_cases: [{id: u, description: special, annex_iii: ["1(a)"]}]
cases:
  - as_of: 2026-06-01
    expect:
      classifications: {zz.act.special: true}
      obligations:
        zz.act.art_02_register: {verdict: applies, status: in_force, applies_from: 2025-01-01, citation: Art. 2(1)}
"""


@pytest.fixture()
def rules(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(FAKE, target)
    (target / "zz/act/tests").mkdir()
    (target / "zz/act/tests/special.yaml").write_text(SCENARIO, "utf-8")
    return target


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    captured = capsys.readouterr()
    return int(exited.value.code or 0), captured.out, captured.err


def test_units_are_enumerated_from_the_declared_structure() -> None:
    structure = Structure(ranges=[UnitRange(pattern="Art. {n}", start=1, end=3),
                                  UnitRange(pattern="Annex {roman}", start=8, end=14)],
                          extra=["Art. 4a"], repealed=["Art. 2"])
    assert expected_units(structure) == ["Art. 1", "Art. 3", "Annex VIII", "Annex IX", "Annex X", "Annex XI",
                                         "Annex XII", "Annex XIII", "Annex XIV", "Art. 4a"]
    assert [roman(n) for n in (4, 9, 40, 49, 113)] == ["IV", "IX", "XL", "XLIX", "CXIII"]


@pytest.mark.parametrize(("pinpoint", "unit", "inside"), [
    ("Art. 25(4)", "Art. 25", True), ("Art. 25", "Art. 25", True), ("Art. 250", "Art. 25", False),
    ("Art. 25a(1)", "Art. 25", False), ("Annex III(4)(a)", "Annex III", True), ("Annex IIIa", "Annex III", False),
    ("Art. 6(3) last subpara.", "Art. 6", True), ("Cal. Bus. & Prof. Code § 22757.12(a)",
                                                  "Cal. Bus. & Prof. Code § 22757.12", True),
    ("Cal. Bus. & Prof. Code § 22757.121", "Cal. Bus. & Prof. Code § 22757.12", False),
    ("GB 45438-2025 cl. 5.1", "GB 45438-2025 cl. 5", False),
])
def test_a_pinpoint_sits_inside_its_unit(pinpoint: str, unit: str, inside: bool) -> None:
    assert in_unit(pinpoint, unit) is inside


def test_coverage_text_and_json(rules: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "rules", "coverage", "--rules", str(rules))
    assert (code, err) == (ExitCode.OK, "")
    assert "ZZ · TA" in out
    assert "5 units, 5 provisions: 4 encoded (rules, documents or facts), 1 not modelled (public_bodies 1)" in out
    assert "covered: 4 of the 4 provisions that concern operators (100.0 %)" in out
    code, out, _ = _run(capsys, "rules", "coverage", "--rules", str(rules), "--all")
    assert "Art. 5" in out and "not modelled (public_bodies): Addressed to the authority." in out
    code, out, _ = _run(capsys, "rules", "coverage", "--rules", str(rules), "--format", "json")
    data = json.loads(out)
    assert data["ok"] is True and data["problems"] == []
    [act] = data["instruments"]
    assert act["summary"] == {"units": 5, "provisions": 5, "covered": 4, "not_modelled": {"public_bodies": 1},
                              "operator_provisions": 4, "share_covered": 1.0}
    assert [u["unit"] for u in act["units"]] == ["Art. 1", "Art. 2", "Art. 3", "Art. 4", "Art. 5"]


def test_coverage_problems_exit_1(rules: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = rules / "zz/act/coverage/map.yaml"
    path.write_text(path.read_text("utf-8").replace("end: 5", "end: 6"), "utf-8")
    code, out, err = _run(capsys, "rules", "coverage", "--rules", str(rules))
    assert code == ExitCode.FINDINGS
    assert "✗ jurisdictions/zz/act/coverage: unit 'Art. 6' of the structure is missing" in err
    code, _, err = _run(capsys, "rules", "coverage", "--rules", str(rules), "--jurisdiction", "xx")
    assert code == ExitCode.USAGE and "no coverage map for jurisdiction xx" in err


def test_rules_test_passes_and_fails(rules: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "rules", "test", "--rules", str(rules))
    assert (code, err) == (ExitCode.OK, "")
    assert out == "✓ 1 of 1 cases in 1 scenario file match\n"
    scenario = rules / "zz/act/tests/special.yaml"
    scenario.write_text(SCENARIO.replace("      obligations:\n        zz.act.art_02_register: {verdict: applies, "
                                         "status: in_force, applies_from: 2025-01-01, citation: Art. 2(1)}\n",
                                         ""), "utf-8")
    code, out, err = _run(capsys, "rules", "test", "--rules", str(rules), "--suggest")
    assert code == ExitCode.FINDINGS
    assert "zz.act.art_02_register (Art. 2(1)) applies but the scenario does not list it (strict)" in out
    assert ("      zz.act.art_02_register: {verdict: applies, status: in_force, applies_from: 2025-01-01, "
            "citation: Art. 2(1)}") in out
    assert "✗ 0 of 1 cases in 1 scenario file match" in err
    code, out, _ = _run(capsys, "rules", "test", str(scenario), "--rules", str(rules), "--format", "json")
    data = json.loads(out)
    assert code == ExitCode.FINDINGS and (data["cases"], data["failed"]) == (1, 1)


def test_rules_test_refuses_a_file_that_is_not_a_scenario(rules: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = rules / "zz/act/tests/bad.yaml"
    bad.write_text("name: x\ncases: []\n", "utf-8")
    code, _, err = _run(capsys, "rules", "test", str(bad), "--rules", str(rules))
    assert code == ExitCode.USAGE and "not a scenario file" in err
