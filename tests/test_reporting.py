"""compliance.cli.reporting in-process: the text of `obligations` and the text, JSON and SARIF
of `validate` (the CLI tests reach them only through subprocesses)."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pytest

from compliance.cli.reporting import render_assessment_text, render_validation, to_json_text
from compliance.descriptor.model import Descriptor
from compliance.descriptor.validation import LoadResult, load_valid_descriptor, parse_descriptor
from compliance.law.engine.evaluator import assess_selected
from compliance.version import __version__

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 11, 25)
EXPLAIN = ("Explain a line: compliance explain FILE ID   (show ids with --ids; part of an id is "
           "enough, e.g. art_26_7)")


@pytest.fixture(scope="module")
def recruitment(rulebook):  # type: ignore[no-untyped-def]
    descriptor = load_valid_descriptor(ROOT / "examples" / "recruitment-screening-provider.yaml")
    return assess_selected(descriptor, rulebook, AS_OF)


@pytest.fixture(scope="module")
def lab(rulebook):  # type: ignore[no-untyped-def]
    """EU and Korea, a GPAI model, most facts unstated, a name with a terminal escape and a
    right-to-left override."""
    descriptor = Descriptor.model_validate({
        "schema_version": 1,
        "organisation": {"name": "Lab", "roles": ["provider"], "country": "DE"},
        "system": {"id": "chat", "name": "Chat \x1b[31mred\u202e", "markets": ["EU", "KR"],
                   "is_ai_system": True},
        "models": [{"id": "m1", "origin": "own", "significant_generality": True,
                    "eu_placed_on_market": "2026-01-10", "output_modalities": ["text"]}],
    })
    return assess_selected(descriptor, rulebook, AS_OF)


def _group(o) -> str:  # type: ignore[no-untyped-def]
    return o.status.value if o.verdict.value == "applies" else o.verdict.value


def _block(text: str, header: str) -> list[str]:
    """The lines of ``text`` from the line ``header`` up to the next blank line."""
    lines = text.split("\n")
    start = lines.index(header)
    end = lines.index("", start)
    return lines[start + 1:end]


# --------------------------------------------------------------------------- obligations text


def test_obligations_text_header_and_jurisdictions_left_out(recruitment, rulebook) -> None:  # type: ignore[no-untyped-def]
    text = render_assessment_text(recruitment)
    lines = text.split("\n")
    assert lines[:3] == ["Kandidaatwijzer (kandidaatwijzer, version 3.0.0-rc2)",
                         "as of 2026-11-25 — not legal advice", ""]
    left_out = [f"{code} ({reason})" for code, chosen, reason in recruitment.selection if not chosen]
    assert "us_ca (not offered in US-CA)" in left_out and len(left_out) == 7
    assert lines[3] == "Not evaluated: " + "; ".join(left_out) + " — use --jurisdiction to include"
    assert [line for line in lines if line.startswith("== ")] == [
        f"== European Union (eu, rules {rulebook.jurisdictions['eu'].rules_version})"]
    assert "Risk tier: High-risk AI system (Art. 6)" in lines
    assert _block(text, "Classifications that hold:")[:2] == [
        "  Art. 2(1)(b)             Organisation established in the EU",
        "  Art. 6(1)-(3)            High-risk AI system (any route)"]
    assert text.endswith("\n" + EXPLAIN + "\n")


def test_obligations_text_groups_count_and_list_each_obligation(recruitment) -> None:  # type: ignore[no-untyped-def]
    obligations = recruitment.obligations()
    counts = Counter(_group(o) for o in obligations)
    assert counts["in_force"] == 1 and counts["upcoming"] == 45
    text = render_assessment_text(recruitment, ids=True)
    headers = [line for line in text.split("\n") if line.endswith(":") and not line.startswith(" ")]
    assert headers == ["Classifications that hold:", "In force (1):", "Upcoming (45):"]
    assert f"Does not apply: {counts['does_not_apply']} (use --all to list them)" in text
    in_force = _block(text, "In force (1):")
    assert in_force == [
        " as provider:",
        "  Art. 4(1)                Support the AI literacy of staff and others operating the "
        "system — from 2025-02-02",
        "                           id: eu.ai_act.art_04_ai_literacy"]
    upcoming = _block(text, "Upcoming (45):")
    assert upcoming[0] == " as provider:" and len(upcoming) == 1 + 2 * 45
    lines = text.split("\n")
    for o in obligations:
        marker = f"{'':<27}id: {o.id}"
        if o.verdict.value != "applies":
            assert marker not in lines, o.id
            continue
        assert lines.count(marker) == 1, o.id
        assert marker in (in_force if o.status.value == "in_force" else upcoming), o.id
        assert lines[lines.index(marker) - 1] == (
            f"  {o.rule.citation.pinpoint:<24} {o.rule.title} — from {o.applies_from.isoformat()}")


def test_obligations_text_all_lists_what_does_not_apply(recruitment) -> None:  # type: ignore[no-untyped-def]
    text = render_assessment_text(recruitment, show_all=True, ids=True)
    absent = [o for o in recruitment.obligations() if o.verdict.value == "does_not_apply"]
    block = _block(text, f"Does not apply ({len(absent)}):")
    for o in absent:
        assert f"{'':<27}id: {o.id}" in block, o.id
    assert "(use --all to list them)" not in text
    # no "from" date on a line that does not apply
    assert not [line for line in block if " — from " in line]


def test_obligations_text_undetermined_subjects_notes_and_instruments(lab) -> None:  # type: ignore[no-untyped-def]
    text = render_assessment_text(lab)
    eu, kr = lab.jurisdictions
    assert (eu.jurisdiction.code, kr.jurisdiction.code) == ("eu", "kr")
    # the tier is undetermined: each caveat is a note under it
    assert eu.tier is not None and eu.tier.caveats
    tier_line = f"Risk tier: {eu.tier.label}"
    assert text.split("\n")[text.split("\n").index(tier_line) + 1:][:len(eu.tier.caveats)] == [
        f"  note: {c}" for c in eu.tier.caveats]
    # model-scoped results name their subject
    assert "  Art. 3(63)               General-purpose AI model [model:m1]" in text
    assert ("  Art. 53(1)(c)            Put in place a policy to comply with EU copyright law "
            "[model:m1] — from 2025-08-02") in text
    # an undetermined obligation lists the facts it is missing, in the order the engine found them
    undetermined = [o for o in eu.obligations if o.verdict.value == "undetermined"]
    assert f"Undetermined (facts missing) ({len(undetermined)}):" in text
    literacy = next(o for o in undetermined if o.id == "eu.ai_act.art_04_ai_literacy")
    assert ("  Art. 4(1)                Support the AI literacy of staff and others operating the "
            f"system\n{'':<27}missing: {', '.join(literacy.missing)}\n") in text
    # Korea's duties come from two instruments: each pinpoint is prefixed with its instrument;
    # the EU's all come from the AI Act, so its pinpoints are not (listed one by one: --all)
    full = render_assessment_text(lab, show_all=True)
    assert "\n  AI Basic Act Art. 31(1)  Tell users in advance" in full
    assert "\n  Enforcement Decree Art. 27(1) Publish the main contents" in full
    assert "AI Act Art." not in full and "AI Act Art." not in text


def test_obligations_text_shows_terminal_controls_escaped(lab) -> None:  # type: ignore[no-untyped-def]
    text = render_assessment_text(lab)
    assert text.startswith("Chat \\x1b[31mred\\u202e (chat)\n")
    assert "\x1b" not in text and "\u202e" not in text


# --------------------------------------------------------------------------- validation reports

VALID = b"schema_version: 1\norganisation: {name: X}\nsystem: {id: s, name: S}\n"
# an unknown key (error, with a hint)
INVALID = b"schema_version: 1\norganisation:\n  name: X\n  rolez: [provider]\nsystem: {id: s, name: S}\n"
# a planned placement after the actual one (warning)
WARNING = (b"schema_version: 1\norganisation: {name: X}\nsystem:\n  id: s\n  name: S\n"
           b"  lifecycle:\n    eu_placed_on_market: 2026-01-01\n    planned_eu_placement: 2026-06-01\n")


def _results(*files: tuple[str, bytes]) -> list[LoadResult]:
    return [parse_descriptor(raw, name, None) for name, raw in files]


def test_parsed_inputs_have_the_intended_problems() -> None:
    valid, invalid, warning = _results(("v.yaml", VALID), ("i.yaml", INVALID), ("w.yaml", WARNING))
    assert not valid.problems
    assert [(p.severity.value, p.check, p.line, p.column) for p in invalid.problems] == [
        ("error", "schema", 4, 3)]
    assert invalid.problems[0].hint and "roles" in invalid.problems[0].hint
    assert [(p.severity.value, p.check, p.line) for p in warning.problems] == [
        ("warning", "dates-in-order", 8)]


def test_validation_text_lists_problems_then_a_summary() -> None:
    results = _results(("v.yaml", VALID), ("i.yaml", INVALID), ("w.yaml", WARNING))
    problems = [p for r in results for p in sorted(r.problems)]
    text = render_validation(results, "text", strict=False, quiet=False)
    assert text == "\n".join(p.format() for p in problems) + "\n" + \
        "✗ 1 of 3 files invalid (1 error, 1 warning)\n"
    assert text.startswith("i.yaml:4:3: error: unknown key 'rolez'")
    assert "\n  hint: " in text
    # quiet: the problems only
    assert render_validation(results, "text", strict=False, quiet=True) == \
        "\n".join(p.format() for p in problems) + "\n"


@pytest.mark.parametrize(("files", "strict", "summary"), [
    ((("v.yaml", VALID),), False, "✓ 1 file valid\n"),
    ((("v.yaml", VALID), ("v2.yaml", VALID)), False, "✓ 2 files valid\n"),
    ((("w.yaml", WARNING),), False, "✓ 1 file valid (1 warning)\n"),
    ((("w.yaml", WARNING),), True, "✗ 1 of 1 file invalid (0 errors, 1 warning)\n"),
    ((("i.yaml", INVALID), ("w.yaml", WARNING)), True, "✗ 2 of 2 files invalid (1 error, 1 warning)\n"),
])
def test_validation_summary(files: tuple[tuple[str, bytes], ...], strict: bool, summary: str) -> None:
    text = render_validation(_results(*files), "text", strict=strict, quiet=False)
    assert text.split("\n")[-2] + "\n" == summary
    if summary.startswith("✓ 1 file valid\n") or summary.startswith("✓ 2"):
        assert text == summary  # nothing else is printed for clean files
    assert render_validation(_results(*files), "text", strict=strict, quiet=True).count("✓") == 0


def test_validation_json() -> None:
    results = _results(("v.yaml", VALID), ("i.yaml", INVALID), ("w.yaml", WARNING))
    data = json.loads(render_validation(results, "json", strict=False, quiet=False))
    assert data["valid"] is False
    assert [(f["file"], f["valid"], len(f["problems"])) for f in data["files"]] == [
        ("v.yaml", True, 0), ("i.yaml", False, 1), ("w.yaml", True, 1)]
    (problem,) = data["files"][1]["problems"]
    assert set(problem) == {"file", "line", "column", "severity", "check", "path", "message", "hint"}
    assert (problem["file"], problem["line"], problem["column"], problem["severity"],
            problem["check"]) == ("i.yaml", 4, 3, "error", "schema")
    assert problem["path"] == "organisation.rolez" and "rolez" in problem["message"]
    # strict: the warning makes its file (and the run) invalid
    strict = json.loads(render_validation(_results(("w.yaml", WARNING)), "json", strict=True, quiet=False))
    assert strict["valid"] is False and strict["files"][0]["valid"] is False
    relaxed = json.loads(render_validation(_results(("w.yaml", WARNING)), "json", strict=False, quiet=False))
    assert relaxed["valid"] is True and relaxed["files"][0]["problems"][0]["severity"] == "warning"


def test_validation_sarif() -> None:
    results = _results(("dir\\i.yaml", INVALID), ("w.yaml", WARNING), ("v.yaml", VALID))
    sarif = json.loads(render_validation(results, "sarif", strict=False, quiet=False))
    assert sarif["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert sarif["version"] == "2.1.0"
    (run,) = sarif["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("compliance", __version__)
    assert driver["rules"] == [{"id": "dates-in-order", "shortDescription": {"text": "dates-in-order"}},
                               {"id": "schema", "shortDescription": {"text": "schema"}}]
    error, warning = run["results"]
    assert error["ruleId"] == "schema" and error["level"] == "error"
    hint = results[0].problems[0].hint
    assert error["message"]["text"] == f"{results[0].problems[0].message} (hint: {hint})"
    assert error["locations"] == [{"physicalLocation": {
        "artifactLocation": {"uri": "dir/i.yaml"},  # a Windows separator becomes "/"
        "region": {"startLine": 4, "startColumn": 3}}}]
    assert warning["ruleId"] == "dates-in-order" and warning["level"] == "warning"
    assert warning["locations"][0]["physicalLocation"]["region"]["startLine"] == 8
    strict = json.loads(render_validation(results, "sarif", strict=True, quiet=False))
    assert [r["level"] for r in strict["runs"][0]["results"]] == ["error", "error"]
    clean = json.loads(render_validation(_results(("v.yaml", VALID)), "sarif", strict=False, quiet=False))
    assert clean["runs"][0]["results"] == [] and clean["runs"][0]["tool"]["driver"]["rules"] == []


def test_reports_escape_controls_from_input() -> None:
    raw = b"schema_version: 1\norganisation: {name: X}\nsystem: {id: s, name: S, \"zz\\e[2J\": 1}\n"
    (result,) = _results(("evil\x1b[2J.yaml", raw))
    assert result.errors
    text = render_validation([result], "text", strict=False, quiet=False)
    assert "\x1b" not in text and "evil\\x1b[2J.yaml:3:" in text
    for fmt in ("json", "sarif"):
        out = render_validation([result], fmt, strict=False, quiet=False)
        assert "\x1b" not in out and "\\u001b" in out
        json.loads(out)  # still valid JSON
    assert to_json_text({"a": "é\u202e"}) == '{\n  "a": "é\\u202e"\n}\n'
