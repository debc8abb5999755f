"""Scenario files (jurisdictions/*/*/tests/*.yaml): facts, as-of dates and expected verdicts
that pin the law. Used by the test suite and by `compliance rules test`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from compliance.law.engine.results import Assessment, ObligationResult
from compliance.law.rulebook import Rulebook

TruthValue = Literal["true", "false", "unknown"]
# An obligation expectation in short form: a verdict, or a status (which implies "applies").
ShortObligation = Literal["applies", "does_not_apply", "undetermined", "in_force", "upcoming"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ExpectedObligation(_Strict):
    verdict: Literal["applies", "does_not_apply", "undetermined"]
    status: Literal["in_force", "upcoming"] | None = None
    applies_from: dt.date | None = None
    citation: str | None = None
    """The rule's pinpoint citation, exactly (e.g. ``Art. 26(6)``): pins the provision too."""


class Expectation(_Strict):
    classifications: dict[str, bool | TruthValue] | None = None
    obligations: dict[str, ExpectedObligation | ShortObligation] | None = None
    tier: str | None = None


class Case(_Strict):
    as_of: dt.date
    name: str | None = None
    expect: Expectation


class ScenarioFile(_Strict):
    name: str
    description: str | None = None
    strict: bool = True
    """Every obligation that applies, in each jurisdiction the expectations name, must be listed
    in each case, and every listed obligation gives its citation (and, when it applies, its
    date): an obligation that starts to apply unnoticed, or moves, fails the scenario."""
    descriptor: dict[str, Any] | None = None
    descriptor_file: str | None = None
    cases: list[Case] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_descriptor(self) -> ScenarioFile:
        if (self.descriptor is None) == (self.descriptor_file is None):
            raise ValueError("give exactly one of 'descriptor' or 'descriptor_file'")
        return self


def _truth(value: bool | str) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else value


def _expected_obligation(value: ExpectedObligation | ShortObligation) -> ExpectedObligation:
    """A short-form expectation ("applies", "in_force", ...) as the full object."""
    if value == "in_force" or value == "upcoming":
        return ExpectedObligation(verdict="applies", status=value)
    if isinstance(value, str):
        return ExpectedObligation(verdict=value)
    return value


def _subject_of(key: str) -> tuple[str, str]:
    if "@" in key:
        rule, subject = key.split("@", 1)
        return rule, subject
    return key, ""


def check_case(assessment: Assessment, expect: Expectation, *, strict: bool = False) -> list[str]:
    """Differences between an assessment and the expectation (empty when it matches). ``strict``:
    an obligation that applies in a jurisdiction the expectations name, but is not listed, is a
    difference too."""
    problems: list[str] = []
    classes = {(c.id, c.subject): c for c in assessment.classifications()}
    for key, wanted in (expect.classifications or {}).items():
        rule, subject = _subject_of(key)
        matches = [c for (cid, subj), c in classes.items() if cid == rule
                   and (not subject or subj.split(":", 1)[-1] == subject)]
        if not matches:
            problems.append(f"classification {key}: not evaluated (unknown id?)")
            continue
        for c in matches:
            if c.truth.value != _truth(wanted):
                problems.append(f"classification {key} [{c.subject}]: expected {_truth(wanted)}, got "
                                f"{c.truth.value} ({'; '.join(s.text for s in c.steps)[:400]})")
    obligations = {o.id: o for o in assessment.obligations()}
    for key, expected in (expect.obligations or {}).items():
        o = obligations.get(key)
        if o is None:
            problems.append(f"obligation {key}: not evaluated (unknown id?)")
            continue
        want = _expected_obligation(expected)
        got = (o.verdict.value, o.status.value if o.status else None, o.applies_from)
        detail = "; ".join(f"{s.text}={s.truth.value}" for s in o.steps)[:500]
        if o.verdict.value != want.verdict:
            problems.append(f"obligation {key}: expected {want.verdict}, got {got[0]} ({detail})")
        elif want.status and got[1] != want.status:
            problems.append(f"obligation {key}: expected status {want.status}, got {got[1]}")
        elif want.applies_from and got[2] != want.applies_from:
            problems.append(f"obligation {key}: expected from {want.applies_from}, got {got[2]}")
        if want.citation is not None and want.citation != o.rule.citation.pinpoint:
            problems.append(f"obligation {key}: expected citation {want.citation!r}, got {o.rule.citation.pinpoint!r}")
    if strict:
        for key, expected in (expect.obligations or {}).items():
            want = _expected_obligation(expected)
            missing = [name for name, value in (("citation", want.citation),
                                                ("applies_from", want.applies_from if want.verdict == "applies" else True))
                       if value is None]
            if missing:
                problems.append(f"obligation {key}: give {' and '.join(missing)} (strict)")
        for o in unlisted_applying(assessment, expect):
            problems.append(f"obligation {o.id} ({o.rule.citation.pinpoint}) applies but the scenario "
                            "does not list it (strict)")
    if expect.tier is not None:
        tiers = [j.tier.id for j in assessment.jurisdictions if j.tier]
        if expect.tier not in tiers:
            problems.append(f"tier: expected {expect.tier}, got {', '.join(tiers) or 'none'}")
    return problems


def unlisted_applying(assessment: Assessment, expect: Expectation) -> list[ObligationResult]:
    """Obligations that apply, in a jurisdiction the expectations name, but are not listed."""
    listed = set(expect.obligations or {})
    named = {key.split(".", 1)[0] for key in [*listed, *(expect.classifications or {})]}
    return [o for o in assessment.obligations()
            if o.verdict.value == "applies" and o.loaded.jurisdiction in named and o.id not in listed]


def pinned(o: ObligationResult) -> dict[str, Any]:
    """The full expectation that pins an obligation result as it stands (for a reviewer to check
    and paste; never written into a scenario file unseen)."""
    entry: dict[str, Any] = {"verdict": o.verdict.value}
    if o.verdict.value == "applies":
        if o.status is not None:
            entry["status"] = o.status.value
        entry["applies_from"] = o.applies_from
    entry["citation"] = o.rule.citation.pinpoint
    return entry


def load_scenario(path: Path) -> tuple[ScenarioFile, dict[str, Any]]:
    """The scenario and the descriptor data it names."""
    from compliance.descriptor.yamlio import MAX_BYTES, load_bytes
    from compliance.io.fsutil import read_input

    scenario = ScenarioFile.model_validate(load_bytes(read_input(path, MAX_BYTES, what="scenario")).data)
    if scenario.descriptor is not None:
        return scenario, scenario.descriptor
    assert scenario.descriptor_file is not None
    target = (path.parent / scenario.descriptor_file).resolve()
    return scenario, load_bytes(read_input(target, MAX_BYTES, what="descriptor")).data


def scenario_files(root: Path) -> list[Path]:
    """The scenario files of a rule-data folder: ``<code>/<instrument>/tests/*.yaml``."""
    return sorted(root.glob("*/*/tests/*.yaml"))


def run_case(scenario: ScenarioFile, data: dict[str, Any], index: int, book: Rulebook) -> list[str]:
    """The differences for one case of a scenario (empty when it matches)."""
    from compliance.descriptor.model import Descriptor
    from compliance.law.engine import assess

    case = scenario.cases[index]
    assessment = assess(Descriptor.model_validate(data), book, case.as_of)
    return check_case(assessment, case.expect, strict=scenario.strict)


def suggested_entries(scenario: ScenarioFile, data: dict[str, Any], index: int, book: Rulebook) -> dict[str, dict[str, Any]]:
    """For one case: the obligations that apply but are not listed, pinned as they stand now,
    for a reviewer to check against the law before adding them."""
    from compliance.descriptor.model import Descriptor
    from compliance.law.engine import assess

    case = scenario.cases[index]
    assessment = assess(Descriptor.model_validate(data), book, case.as_of)
    return {o.id: pinned(o) for o in sorted(unlisted_applying(assessment, case.expect), key=lambda o: o.id)}
