"""`compliance explain`: the path from stated facts through classifications to an obligation."""

from __future__ import annotations

import difflib
from typing import Any

from compliance.errors import UsageError
from compliance.io.textsafe import printable
from compliance.law.engine.conditions import Step, Truth
from compliance.law.engine.results import Assessment, ClassificationResult, ObligationResult

_MARK = {Truth.true: "✓", Truth.false: "✗", Truth.unknown: "?"}


def find_obligation(assessment: Assessment, ident: str) -> ObligationResult:
    obligations = assessment.obligations()
    exact = [o for o in obligations if o.id == ident]
    if exact:
        return exact[0]
    by_rule = [o for o in obligations if o.loaded.id == ident]
    if len(by_rule) == 1:
        return by_rule[0]
    if by_rule:
        raise UsageError(f"{ident} applies to several subjects",
                         "name one: " + ", ".join(o.id for o in by_rule))
    partial = [o for o in obligations if ident in o.id]
    if len(partial) == 1:
        return partial[0]
    if len(partial) > 1:
        raise UsageError(f"{ident!r} matches several obligations",
                         "name one: " + ", ".join(o.id for o in partial[:8]))
    close = difflib.get_close_matches(ident, [o.id for o in obligations], n=3, cutoff=0.5)
    raise UsageError(f"no obligation {ident!r}",
                     ("did you mean " + " or ".join(close) + "?") if close
                     else "list ids with: compliance obligations FILE --format json")


def _classification(assessment: Assessment, rule_id: str, subject: str) -> ClassificationResult | None:
    candidates = [c for c in assessment.classifications() if c.id == rule_id]
    for c in candidates:
        if c.subject == subject:
            return c
    return candidates[0] if len(candidates) == 1 else None


def _steps(assessment: Assessment, steps: tuple[Step, ...], subject: str, depth: int,
           seen: set[str], out: list[str]) -> None:
    pad = "    " * depth
    for step in steps:
        found = _classification(assessment, step.classification, subject) if step.classification else None
        text = step.text
        if found is not None and text in (step.classification, found.rule.title):
            text = f"{found.rule.title} ({found.rule.citation.pinpoint})"
        out.append(f"{pad}{_MARK[step.truth]} {text}")
        if found is not None and step.classification not in seen:
            seen.add(step.classification or "")
            if text == step.text and not step.text.startswith("not (") and step.text != found.rule.title:
                # the step used its own label: name the classification it rests on
                out.append(f"{pad}    ↳ {found.rule.title} — {found.rule.citation.pinpoint} ({found.truth.value})")
            _steps(assessment, found.steps, subject, depth + 1, seen, out)


def explain_text(assessment: Assessment, ident: str) -> str:
    o = find_obligation(assessment, ident)
    rule = o.rule
    out = [
        f"{o.id}",
        f"{rule.title} — {rule.citation.pinpoint} ({rule.citation.instrument})",
        f"as of {assessment.as_of.isoformat()}: {o.verdict.value}"
        + (f", {o.status.value}" if o.status else "")
        + (f" from {o.applies_from.isoformat()}" if o.applies_from else ""),
    ]
    if o.arm is not None and o.applies_from:
        out.append(f"date set by: {o.arm.basis}")
    out.append("")
    out.append("Why:")
    _steps(assessment, o.steps, o.subject, 1, set(), out)
    if o.missing:
        out.append("")
        out.append("Missing facts (state them in the descriptor to decide): " + ", ".join(o.missing))
    v = rule.verification
    out.append("")
    out.append(f"Provision: {rule.citation.text.strip()}")
    out.append(f"Checked against: {v.checked_against.strip()} ({v.checked_on}; {v.status.value})")
    if v.alternative_reading:
        out.append(f"Other reading: {v.alternative_reading.strip()}")
    out.append("Not legal advice.")
    return printable("\n".join(out) + "\n")


def _steps_json(assessment: Assessment, steps: tuple[Step, ...], subject: str,
                seen: set[str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for step in steps:
        found = _classification(assessment, step.classification, subject) if step.classification else None
        node: dict[str, Any] = {"text": step.text, "truth": step.truth.value}
        if step.fact:
            node["fact"] = step.fact
        if found is not None:
            node["classification"] = {"id": found.id, "title": found.rule.title,
                                      "citation": found.rule.citation.pinpoint,
                                      "value": found.truth.value}
            if step.classification not in seen:
                seen.add(step.classification or "")
                node["because"] = _steps_json(assessment, found.steps, subject, seen)
        out.append(node)
    return out


def explain_json(assessment: Assessment, ident: str) -> dict[str, Any]:
    """The same derivation as :func:`explain_text`, as data (``explain --format json``)."""
    o = find_obligation(assessment, ident)
    rule = o.rule
    v = rule.verification
    return {
        "id": o.id,
        "title": rule.title,
        "citation": rule.citation.pinpoint,
        "instrument": rule.citation.instrument,
        "as_of": assessment.as_of.isoformat(),
        "verdict": o.verdict.value,
        "status": o.status.value if o.status else None,
        "applies_from": o.applies_from.isoformat() if o.applies_from else None,
        "date_basis": o.arm.basis if o.arm is not None and o.applies_from else None,
        "why": _steps_json(assessment, o.steps, o.subject, set()),
        "missing_facts": o.missing,
        "provision": rule.citation.text.strip(),
        "verification": {"status": v.status.value, "checked_against": v.checked_against.strip(),
                         "checked_on": str(v.checked_on),
                         "alternative_reading": v.alternative_reading.strip()
                         if v.alternative_reading else None},
        "notice": "Not legal advice.",
    }
