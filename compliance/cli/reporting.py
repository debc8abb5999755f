"""Renderers for validation results and assessments: text, JSON and SARIF 2.1.0.

Text output passes :func:`~compliance.io.textsafe.printable` and JSON output
:func:`~compliance.io.textsafe.json_safe` on the way out, so input that holds terminal escapes or
bidirectional overrides is shown escaped, never acted on (see :mod:`compliance.io.textsafe`).
"""

from __future__ import annotations

import json
from collections import Counter
from typing import TYPE_CHECKING, Any

from compliance.descriptor.problems import Problem, Severity
from compliance.io.textsafe import json_safe, printable
from compliance.version import __version__

if TYPE_CHECKING:
    from collections.abc import Callable

    from compliance.descriptor.validation import LoadResult
    from compliance.law.engine.results import Assessment, ObligationResult
    from compliance.law.models.rule import Rule


def to_json_text(data: Any) -> str:
    """Indented JSON, non-ASCII text kept readable; control and bidi characters as ``\\uXXXX``."""
    return json_safe(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False)) + "\n"


def _problem_json(p: Problem) -> dict[str, Any]:
    return {
        "file": p.file, "line": p.line, "column": p.column, "severity": p.severity.value,
        "check": p.check, "path": p.path, "message": p.message, "hint": p.hint,
    }


def _summary(results: list[LoadResult], strict: bool) -> str:
    errors = sum(len(r.errors) for r in results)
    warnings = sum(len(r.warnings) for r in results)
    failed = sum(1 for r in results if r.errors or (strict and r.warnings))
    files = f"{len(results)} file{'s' if len(results) != 1 else ''}"
    counts = f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}"
    if failed:
        return f"✗ {failed} of {files} invalid ({counts})\n"
    extra = f" ({warnings} warning{'s' if warnings != 1 else ''})" if warnings else ""
    return f"✓ {files} valid{extra}\n"


def _sarif(results: list[LoadResult], strict: bool) -> dict[str, Any]:
    problems = [p for r in results for p in sorted(r.problems)]
    rules = sorted({p.check for p in problems})
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "compliance",
                "version": __version__,
                "informationUri": "https://github.com/compliance-tool/compliance",
                "rules": [{"id": rule, "shortDescription": {"text": rule}} for rule in rules],
            }},
            "results": [{
                "ruleId": p.check,
                "level": "error" if (p.severity is Severity.error or strict) else "warning",
                "message": {"text": p.message + (f" (hint: {p.hint})" if p.hint else "")},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": p.file.replace("\\", "/")},
                    "region": {"startLine": p.line, "startColumn": p.column},
                }}],
            } for p in problems],
        }],
    }


def render_validation(results: list[LoadResult], fmt: str, *, strict: bool, quiet: bool) -> str:
    if fmt == "json":
        return to_json_text({
            "valid": not any(r.errors or (strict and r.warnings) for r in results),
            "files": [{"file": r.file, "valid": not (r.errors or (strict and r.warnings)),
                       "problems": [_problem_json(p) for p in sorted(r.problems)]} for r in results],
        })
    if fmt == "sarif":
        return to_json_text(_sarif(results, strict))
    lines = [p.format() for r in results for p in sorted(r.problems)]
    text = "\n".join(lines) + ("\n" if lines else "")
    return printable(text if quiet else text + _summary(results, strict))


# --------------------------------------------------------------------------- assessment text

_GROUPS = (
    ("in_force", "In force"),
    ("upcoming", "Upcoming"),
    ("undetermined", "Undetermined (facts missing)"),
    ("does_not_apply", "Does not apply"),
)


def _group(o: ObligationResult) -> str:
    if o.verdict.value == "applies":
        return o.status.value if o.status else "in_force"
    return o.verdict.value


def _line(o: ObligationResult, ids: bool, cite_of: Callable[[Rule], str]) -> str:
    subject = "" if o.subject == "system" else f" [{o.subject}]"
    when = ""
    if o.applies_from:
        when = f" — from {o.applies_from.isoformat()}"
    cite = cite_of(o.rule)
    text = f"  {cite:<24} {o.rule.title}{subject}{when}"
    if ids:
        text += f"\n  {'':<24} id: {o.id}"
    if o.verdict.value == "undetermined" and o.missing:
        text += f"\n  {'':<24} missing: {', '.join(o.missing)}"
    return text


#: Undetermined obligations that lack exactly the same facts are shown as one line from this many.
_COLLAPSE_FROM = 4


def _undetermined_lines(items: list[ObligationResult], ids: bool,
                        cite_of: Callable[[Rule], str]) -> list[str]:
    """Undetermined obligations, those that wait on the same facts collapsed into one line (a
    plain deployer's provider duties all wait on the same value-chain questions)."""
    groups: dict[tuple[str, ...], list[ObligationResult]] = {}
    for o in items:
        groups.setdefault(tuple(o.missing), []).append(o)
    lines: list[str] = []
    for o in items:
        group = groups.get(tuple(o.missing))
        if group is None:
            continue  # already shown with its group
        if len(group) < _COLLAPSE_FROM:
            lines.append(_line(o, ids, cite_of))
            continue
        del groups[tuple(o.missing)]
        cites = ", ".join(cite_of(g.rule) for g in group)
        lines.append(f"  {len(group)} obligations wait on the same facts: {cites}")
        lines.append(f"  {'':<24} missing: {', '.join(o.missing)}   (--all lists them one by one)")
    return lines


def _deciding_lines(assessment: Assessment) -> list[str]:
    """The deciding questions: the facts the undetermined obligations lack most, and how many
    obligations each decides together with the ones listed above it."""
    questions = assessment.deciding_facts()
    if not questions:
        return []
    undetermined = len(assessment.undetermined())
    width = max(len(q.fact) for q in questions)
    lines = [f"Deciding questions: {undetermined} obligations are undetermined; state these facts first.",
             f"  {'fact':<{width}}  lacking in  decided (with the facts above)"]
    total = 0
    for q in questions:
        total += len(q.decides)
        lines.append(f"  {q.fact:<{width}}  {len(q.blocks):>10}  {total}"
                     + (f"  (derived: {q.derived})" if q.derived else ""))
    lines.append("")
    return lines


def render_assessment_text(assessment: Assessment, *, show_all: bool = False, ids: bool = False) -> str:
    d = assessment.descriptor
    out = [
        f"{d.system.name} ({d.system.id}{', version ' + d.system.version if d.system.version else ''})",
        f"as of {assessment.as_of.isoformat()} — not legal advice",
        "",
    ]
    left_out = [f"{code} ({reason})" for code, chosen, reason in assessment.selection if not chosen]
    if left_out:
        out.append("Not evaluated: " + "; ".join(left_out) + " — use --jurisdiction to include")
        out.append("")
    for code, facts in assessment.pending:
        name = next((j.jurisdiction.name for j in assessment.jurisdictions if j.jurisdiction.code == code), code)
        reason = next((r for c, _chosen, r in assessment.selection if c == code), "").removesuffix(" (unknown)")
        out.append(f"First question: does the law of {name} ({code}) reach this system? State "
                   f"{', '.join(facts)} — {reason}.")
        out.append("")
    for j in assessment.blocking():
        assert j.tier is not None
        out.append(f"BARRED in {j.jurisdiction.name} ({j.jurisdiction.code}): {j.tier.label}")
        out.append(f"  {j.tier.blocking}")
        out.append("  Because:")
        out.extend(f"    - {plain}" for plain in dict.fromkeys(s.sentence for s in j.tier.steps))
        out.append("  The duties listed below for this jurisdiction are secondary: they matter only once the "
                   "practice has ended.")
        out.append("")
    out.extend(_deciding_lines(assessment))
    for j in assessment.jurisdictions:
        out.append(f"== {j.jurisdiction.name} ({j.jurisdiction.code}, rules {j.jurisdiction.rules_version})")
        pending = assessment.pending_on(j.jurisdiction.code)
        if pending and not show_all:
            out.append(f"Whether this law reaches the system waits on {', '.join(pending)}: its tier and its "
                       f"{len(j.obligations)} obligations are not shown until then (use --all to show them).")
            out.append("")
            continue
        if j.tier:
            out.append(f"Risk tier: {j.tier.label}")
            out.extend(f"  note: {c}" for c in j.tier.caveats)
        held = [c for c in j.classifications if c.truth.value == "true"]
        if held:
            out.append("Classifications that hold:")
            out.extend(
                f"  {c.rule.citation.pinpoint:<24} {c.rule.title}"
                + ("" if c.subject == "system" else f" [{c.subject}]")
                for c in held
            )
        counts = Counter(_group(o) for o in j.obligations)
        out.append("")
        for key, title in _GROUPS:
            items = [o for o in j.obligations if _group(o) == key]
            if key == "does_not_apply" and not show_all:
                if items:
                    out.append(f"{title}: {len(items)} (use --all to list them)")
                continue
            if not items:
                continue
            out.append(f"{title} ({counts[key]}):")
            roles = sorted({(o.roles or tuple(o.rule.addressees or ()))[0] for o in items})
            for role in roles:
                mine = [o for o in items if (o.roles or tuple(o.rule.addressees or ()))[0] == role]
                if not mine:
                    continue
                out.append(f" as {role}:")
                if key == "undetermined" and not show_all:
                    out.extend(_undetermined_lines(mine, ids, j.shown_pinpoint))
                else:
                    out.extend(_line(o, ids, j.shown_pinpoint) for o in mine)
            out.append("")
    out.append("Explain a line: compliance explain FILE ID   (show ids with --ids; part of an id is enough, e.g. art_26_7)")
    return printable("\n".join(out) + "\n")
