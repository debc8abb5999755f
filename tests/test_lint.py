"""`compliance rules lint` finds defects in rule data: each named check on a broken copy."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from compliance.law.lint import LINT_CHECKS, lint

FAKE = Path(__file__).parent / "data" / "fake_rules"


@pytest.fixture()
def rules(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(FAKE, target)
    return target


def write(rules: Path, rel: str, text: str) -> None:
    (rules / rel).write_text(text, "utf-8")


def test_fake_rules_are_clean(rules: Path) -> None:
    findings, count = lint(rules)
    assert findings == [] and count == 4


def test_every_check_has_a_description() -> None:
    assert all((fn.__doc__ or "").strip() for fn in LINT_CHECKS.values())


def _rule(condition: str, extra: str = "") -> str:
    return (
        "format_version: 1\nkind: obligation\ntitle: T\nsummary: S\naddressees: [provider]\n"
        "citation: {instrument: act, pinpoint: Art. 5, text: T}\n"
        f"condition: {condition}\n{extra}"
        "verification: {checked_against: x, checked_on: 2026-11-25, status: verified}\n"
    )


ARM = "effective:\n  - {from: 2025-01-01, basis: Art. 9}\n"


@pytest.mark.parametrize(("text", "needle"), [
    (_rule("{classification: zz.act.nope}", ARM), "unknown classification zz.act.nope"),
    (_rule("{fact: system.nope, equals: true}", ARM), "fact path 'system.nope' does not exist"),
    (_rule("{fact: system.name, equals: x}", ARM.replace("Art. 9", "somewhere")), "date basis"),
    (_rule("{fact: system.name, equals: x}", ARM + "  - {from: 2025-06-01, basis: Art. 10}\n"), "can both be active"),
    (_rule("{fact: system.name, equals: x}", ARM).replace("pinpoint: Art. 5", "pinpoint: article five"), "not canonical"),
    (_rule("{fact: system.name, equals: x}", ARM).replace("[provider]", "[boss]"), "not a role"),
    (_rule("{fact: system.name, equals: x}", ARM + "depends_on: [zz.act.gone]\n"), "does not exist"),
    (_rule("{some: system.use_cases, where: {not: {some: system.use_cases, where: {fact: .profiling, equals: true}}}}",
           ARM), "'some: system.use_cases' is evaluated once per item"),
])
def test_lint_finds(rules: Path, text: str, needle: str) -> None:
    write(rules, "zz/act/obligations/art_05_x.yaml", text)
    findings, _ = lint(rules)
    assert any(needle in f for f in findings), findings


def test_relative_and_bound_quantifiers_are_linear(rules: Path) -> None:
    nested = ("{some: models, where: {some: .training_data.sources, where: {fact: .kind, equals: web}}}")
    write(rules, "zz/act/obligations/art_05_x.yaml", _rule(nested, ARM))
    findings, _ = lint(rules)
    assert not any("evaluated once per item" in f for f in findings), findings


def test_exclusive_arms_pass(rules: Path) -> None:
    public = "{fact: organisation.public_authority, equals: true, label: the organisation is a public body}"
    arms = (f"effective:\n  - {{from: 2025-01-01, when: {public}, basis: Art. 9}}\n"
            f"  - {{from: 2025-06-01, when: {{not: {public}}}, basis: Art. 10}}\n")
    write(rules, "zz/act/obligations/art_05_x.yaml", _rule("{fact: system.name, equals: x, label: the system is x}", arms))
    assert lint(rules)[0] == ["jurisdictions/zz/act/coverage: rule zz.act.art_05_x (Art. 5) is not named by "
                              "any provision of the map [coverage]"]


COVERAGE = "zz/act/coverage/map.yaml"


@pytest.mark.parametrize(("old", "new", "needle"), [
    ("  ranges:\n", "  extra: [Art. 6]\n  ranges:\n",
     "unit 'Art. 6' of the structure is missing (list its provisions or say why not)"),
    ("  - unit: Art. 5\n", "  - unit: Art. 7\n", "unit 'Art. 7' is not in the declared structure"),
    ("rules: [zz.act.art_03_public]", "rules: [zz.act.art_03_publik]", "rule zz.act.art_03_publik does not exist"),
    ("rules: [zz.act.art_03_public]", "facts: [system.no_such_fact]",
     "fact path 'system.no_such_fact' does not exist in the descriptor model"),
    ("{pinpoint: Art. 3,", "{pinpoint: Art. 30,", "Art. 30: the pinpoint is not inside unit 'Art. 3'"),
    ("{pinpoint: Art. 3,", "{pinpoint: Article 3,", "Article 3: pinpoint is not canonical"),
    ("rules: [zz.act.art_03_public]", "documents: [nowhere]", "document tag 'nowhere' is not used by any rule"),
    ("rules: [zz.act.art_03_public]", "documents: [nowhere]",
     "rule zz.act.art_03_public (Art. 3) is not named by any provision of the map"),
    ("rules: [zz.act.art_03_public]", "rules: [zz.act.art_03_public], not_modelled: {reason: not_yet, note: x}",
     "give either rules/documents/facts (how it is encoded) or not_modelled (why not)"),
    ("structure:\n", "xstructure:\n", "map.yaml:5:1: error: unknown key 'xstructure'"),
])
def test_coverage_defects_are_found(rules: Path, old: str, new: str, needle: str) -> None:
    text = (rules / COVERAGE).read_text("utf-8")
    assert old in text
    write(rules, COVERAGE, text.replace(old, new, 1))
    findings, _ = lint(rules, ["coverage"])
    assert any(needle in f for f in findings), findings


def test_a_binding_instrument_without_a_map_is_found(rules: Path) -> None:
    shutil.rmtree(rules / "zz/act/coverage")
    findings, _ = lint(rules, ["coverage"])
    assert findings == ["jurisdictions/zz/act/coverage/: no coverage map for instrument 'act' (4 rules cite it) "
                        "[coverage]"]
    manifest = rules / "zz/jurisdiction.yaml"
    manifest.write_text(manifest.read_text("utf-8").replace("short: TA}", "short: TA, binding: false}"), "utf-8")
    assert lint(rules, ["coverage"])[0] == []


def test_cycle_is_found(rules: Path) -> None:
    write(rules, "zz/act/classifications/a.yaml", _rule("{classification: zz.act.b}").replace(
        "kind: obligation", "kind: classification").replace("addressees: [provider]\n", ""))
    write(rules, "zz/act/classifications/b.yaml", _rule("{classification: zz.act.a}").replace(
        "kind: obligation", "kind: classification").replace("addressees: [provider]\n", ""))
    findings, _ = lint(rules)
    assert any("cycle" in f for f in findings), findings


def test_an_unlabelled_fact_test_is_found_with_its_line(rules: Path) -> None:
    condition = ("\n  all:\n  - {fact: system.name, equals: x}\n"
                 "  - not: {fact: organisation.public_authority, equals: true}\n"
                 "    label: the organisation is not a public body\n")
    arms = "effective:\n  - {from: 2025-01-01, basis: Art. 9, when: {fact: system.lifecycle.first_placed, lt: 2025-01-01}}\n"
    write(rules, "zz/act/obligations/art_05_x.yaml", _rule(condition, arms))
    findings, _ = lint(rules, ["labels"])
    assert [f.split(" has no label")[0] for f in findings] == [
        "rules/zz/act/obligations/art_05_x.yaml:9:5: fact test 'system.name'",
        "rules/zz/act/obligations/art_05_x.yaml:14:45: fact test 'system.lifecycle.first_placed'",
    ], findings  # file:line:column; the test under a labelled not: reads through that label
    assert all("add `label:`" in f and "sentence(label" in f and f.endswith("[labels]") for f in findings)
    labelled = (_rule(condition.replace("equals: x}", "equals: x, label: the system is called x}"), arms)
                .replace("lt: 2025-01-01}", "lt: 2025-01-01, label: the system was first placed before 2025}"))
    write(rules, "zz/act/obligations/art_05_x.yaml", labelled)
    assert lint(rules, ["labels"])[0] == []


def test_a_classification_title_that_is_no_clause_needs_a_label(rules: Path) -> None:
    special = rules / "zz/act/classifications/special.yaml"
    special.write_text(special.read_text("utf-8").replace("label: the system is a special system\n", ""), "utf-8")
    assert lint(rules, ["labels"])[0] == [
        "rules/zz/act/classifications/special.yaml: the title 'Special system' is not a clause and reads "
        "'Not special system.' where a condition refers to it; add a classification `label:` (\"the system is "
        "…\") [labels]"]


def test_schema_errors_are_located(rules: Path) -> None:
    write(rules, "zz/act/obligations/art_05_x.yaml", "format_version: 1\nkind: obligation\ntitel: T\n")
    findings, _ = lint(rules)
    assert any("art_05_x.yaml:3:1" in f and "did you mean 'title'" in f for f in findings), findings
