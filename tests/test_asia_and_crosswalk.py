"""Korea, China and the EU AI Act ↔ NIST AI RMF ↔ ISO/IEC 42001 crosswalk: attribution by market,
descriptor checks, the crosswalk data and the `compliance crosswalk` command."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compliance.descriptor.model import Descriptor
from compliance.errors import RuleDataError
from compliance.law.crosswalk import crosswalk_files, load_crosswalk, published_support, select_rows
from compliance.law.engine import assess
from compliance.law.engine.evaluator import select_jurisdictions
from compliance.law.lint import PINPOINT, lint
from compliance.law.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
JURISDICTIONS = ROOT / "jurisdictions"
CROSSWALK = JURISDICTIONS / "_crosswalks" / "eu_ai_act.yaml"
EU_KR = JURISDICTIONS / "kr" / "ai_basic_act" / "tests" / "eu_and_kr_generative_chatbot.yaml"
CHATBOT = ROOT / "examples" / "customer-service-chatbot.yaml"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "compliance", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


# --------------------------------------------------------------------------- attribution


def _eu_kr_descriptor() -> Descriptor:
    _, data = load_scenario(EU_KR)
    return Descriptor.model_validate(data)


def test_eu_and_korea_duties_are_attributed_to_their_own_jurisdiction(rulebook) -> None:
    descriptor = _eu_kr_descriptor()
    day = dt.date(2026, 8, 2)
    selection = select_jurisdictions(descriptor, rulebook, day)
    chosen = sorted(s.code for s in selection if s.selected)
    assert "eu" in chosen and "kr" in chosen and "cn" not in chosen
    assessment = assess(descriptor, rulebook, day, chosen, selection=selection)
    by_code = {j.jurisdiction.code: j for j in assessment.jurisdictions}
    applying = {code: {o.id for o in j.obligations if o.verdict.value == "applies"} for code, j in by_code.items()}
    assert "kr.ai_basic_act.art_31_1_advance_notice" in applying["kr"]
    assert "kr.ai_basic_act.art_36_1_domestic_representative" in applying["kr"]
    assert "eu.ai_act.art_50_1_inform_ai_interaction" in applying["eu"]
    for code, ids in applying.items():
        assert all(i.startswith(code + ".") for i in ids), (code, ids)


def test_korea_is_not_evaluated_for_an_eu_only_system(rulebook) -> None:
    descriptor = _eu_kr_descriptor()
    data = descriptor.model_dump(mode="json", exclude_none=True)
    data["system"]["markets"] = ["EU"]
    selection = select_jurisdictions(Descriptor.model_validate(data), rulebook, dt.date(2026, 8, 2))
    assert {s.code: s.selected for s in selection}["kr"] is False


def test_obligations_command_groups_korea_and_eu(tmp_path: Path) -> None:
    _, data = load_scenario(EU_KR)
    path = tmp_path / "eu-kr.json.yaml"
    path.write_text(json.dumps(data, default=str), encoding="utf-8")  # JSON is YAML
    result = run("obligations", str(path), "--as-of", "2026-01-22", "--format", "json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    text = json.dumps(out)
    assert "kr.ai_basic_act.art_31_2_label_generative_outputs" in text
    assert "eu.ai_act.art_50_2_mark_synthetic_content" in text


# --------------------------------------------------------------------------- descriptor checks


@pytest.mark.parametrize(("patch", "needle"), [
    ({"system": {"use_cases": [{"id": "u", "high_impact_domains": ["student_assessment"]}]}},
     "significant_impact_on_life_safety_or_rights"),
    ({"system": {"markets": ["CN"], "features": {"synthetic_content": ["image"]}}},
     "system.public_service_markets is not stated"),
])
def test_asia_checks_warn_about_missing_facts(tmp_path: Path, patch: dict, needle: str) -> None:
    doc = {"schema_version": 1, "organisation": {"name": "X"}, "system": {"id": "s", "name": "S"}}
    doc["system"].update(patch["system"])
    path = tmp_path / "ai-system.yaml"
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = run("validate", str(path), "--as-of", "2026-03-01")
    assert needle in result.stdout, result.stdout
    assert "warning" in result.stdout


# --------------------------------------------------------------------------- crosswalk data


def test_crosswalks_are_not_loaded_as_rules(rulebook) -> None:
    assert "_crosswalks" not in rulebook.jurisdictions
    assert not [r for r in rulebook.rules if r.startswith("_")]
    assert crosswalk_files(JURISDICTIONS) == [CROSSWALK]


def test_every_eu_obligation_named_by_the_crosswalk_exists(rulebook) -> None:
    cw = load_crosswalk(CROSSWALK)
    named = [rid for row in cw.rows for rid in row.provision.obligations]
    assert named
    missing = [rid for rid in named if rid not in rulebook.rules
               or rulebook.rules[rid].rule.kind.value != "obligation"]
    assert not missing
    assert all(PINPOINT.match(row.provision.pinpoint) for row in cw.rows)


def test_framework_vocabularies_match_the_published_structure() -> None:
    cw = load_crosswalk(CROSSWALK)
    nist = cw.frameworks["nist_ai_rmf"].ids
    iso = cw.frameworks["iso_42001"].ids
    assert len(nist) == 72  # AI RMF 1.0: 4 functions, 19 categories, 72 subcategories
    assert len(iso) == 38   # ISO/IEC 42001:2023 Annex A: 38 controls
    per_function = {f: sum(1 for k in nist if k.startswith(f + " ")) for f in ("GOVERN", "MAP", "MEASURE", "MANAGE")}
    assert per_function == {"GOVERN": 19, "MAP": 18, "MEASURE": 22, "MANAGE": 13}
    # every row is the project's own mapping: no published EU crosswalk exists
    assert {row.source for row in cw.rows} == {"project"}
    (pairs,) = cw.published_pairs
    assert set(pairs.pairs) == set(nist)
    assert pairs.pairs["MANAGE 4.1"] == ["A.6.2.6", "A.8.3", "A.10.4"]


def test_published_support_only_reports_pairs_inside_the_row() -> None:
    cw = load_crosswalk(CROSSWALK)
    for row in cw.rows:
        for support in published_support(cw, row):
            assert support["nist_ai_rmf"] in row.frameworks["nist_ai_rmf"]
            assert set(support["iso_42001"]) <= set(row.frameworks["iso_42001"])


def _copy_rules(tmp_path: Path) -> Path:
    root = tmp_path / "jurisdictions"
    shutil.copytree(JURISDICTIONS, root)
    return root


def test_lint_reports_an_unknown_obligation_id(tmp_path: Path) -> None:
    root = _copy_rules(tmp_path)
    path = root / "_crosswalks" / "eu_ai_act.yaml"
    path.write_text(path.read_text("utf-8").replace("eu.ai_act.art_04_ai_literacy", "eu.ai_act.art_04_no_such_rule"),
                    encoding="utf-8")
    findings, _ = lint(root, ["crosswalk-references"])
    assert any("art_04_no_such_rule is not an obligation" in f for f in findings), findings


def test_unknown_framework_id_is_a_located_data_error(tmp_path: Path) -> None:
    root = _copy_rules(tmp_path)
    path = root / "_crosswalks" / "eu_ai_act.yaml"
    path.write_text(path.read_text("utf-8").replace("- MEASURE 2.13\n", "- MEASURE 2.14\n", 1), encoding="utf-8")
    with pytest.raises(RuleDataError, match="MEASURE 2.14"):
        load_crosswalk(path)
    findings, _ = lint(root, ["crosswalk-references"])
    assert findings and "MEASURE 2.14" in findings[0]


def test_pinpoint_regex_accepts_standards_and_keeps_eu_forms() -> None:
    for ok in ("Art. 31(1)", "Annex III(4)(a)", "Art. 6(3) last subpara.", "GB 45438-2025 cl. 5.1",
               "GB 45438-2025 cl. 6.1", "GB/T 45654-2025"):
        assert PINPOINT.match(ok), ok
    for bad in ("article five", "GB45438", "GB 45438 cl. 5"):
        assert not PINPOINT.match(bad), bad


@settings(max_examples=25, deadline=None)
@given(st.dates(min_value=dt.date(2024, 8, 1), max_value=dt.date(2031, 12, 31)))
def test_selected_rows_are_those_with_an_applying_obligation(rulebook, day: dt.date) -> None:
    from compliance.descriptor.validation import load_descriptor_file

    cw = load_crosswalk(CROSSWALK)
    descriptor = load_descriptor_file(CHATBOT).descriptor
    assessment = assess(descriptor, rulebook, day, ["eu"])
    selected = select_rows(cw, assessment)
    everything = select_rows(cw, assessment, include_all=True)
    assert len(everything) == len(cw.rows)
    assert {s.row.id for s in selected} <= {s.row.id for s in everything}
    for s in everything:
        applies = any(state in ("in_force", "upcoming") for _, state in s.obligations)
        assert applies == (s in selected)


# --------------------------------------------------------------------------- command


def test_crosswalk_command_text_and_json_are_deterministic() -> None:
    args = ("crosswalk", str(CHATBOT), "--as-of", "2026-11-25")
    first, second = run(*args, "--format", "json"), run(*args, "--format", "json")
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    data = json.loads(first.stdout)
    assert [r["id"] for r in data["rows"]] == ["art_04_ai_literacy", "art_50_transparency"]
    art50 = data["rows"][1]
    assert {"id": "eu.ai_act.art_50_1_inform_ai_interaction", "state": "upcoming"} not in art50["obligations"]
    assert any(o["state"] == "in_force" for o in art50["obligations"])
    assert art50["source"] == "project"
    text = run(*args)
    assert text.returncode == 0
    assert "GOVERN 4.2 ↔ A.8.5" in text.stdout and "not legal advice" in text.stdout


def test_crosswalk_command_usage_errors() -> None:
    result = run("crosswalk", str(CHATBOT), "--crosswalk", "nope")
    assert result.returncode == 2 and "unknown crosswalk" in result.stderr
    result = run("crosswalk", str(CHATBOT), "--as-of", "2026-13-01")
    assert result.returncode == 2 and "Traceback" not in result.stderr
