"""`compliance diff`: what changed between two versions of a descriptor — facts, classifications
and obligations (added, removed, re-dated) at one as-of date. Pure: takes two assessments."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from compliance.io.textsafe import printable
from compliance.law.engine.results import Assessment, ObligationResult, Verdict


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """``{"a": {"b": [1]}}`` → ``{"a.b[0]": 1}``; lists of mappings with ids are keyed by id."""
    out: dict[str, Any] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            out.update(flatten(value, f"{prefix}.{key}" if prefix else key))
    elif isinstance(data, list) and data and all(isinstance(v, dict) and "id" in v for v in data):
        for value in data:
            out.update(flatten({k: v for k, v in value.items() if k != "id"}, f"{prefix}[{value['id']}]"))
            out[f"{prefix}[{value['id']}]"] = "present"
    elif isinstance(data, list):
        out[prefix] = data
    else:
        out[prefix] = data
    return out


@dataclass
class Diff:
    facts: list[dict[str, Any]] = field(default_factory=list)
    classifications: list[dict[str, Any]] = field(default_factory=list)
    added: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    redated: list[dict[str, Any]] = field(default_factory=list)
    undetermined: list[dict[str, Any]] = field(default_factory=list)

    @property
    def new_obligations(self) -> bool:
        return bool(self.added)

    def to_json(self, as_of: str) -> dict[str, Any]:
        return {
            "as_of": as_of,
            "facts_changed": self.facts,
            "classifications_changed": self.classifications,
            "obligations_added": self.added,
            "obligations_removed": self.removed,
            "obligations_redated": self.redated,
            "obligations_now_undetermined": self.undetermined,
            "new_obligations": self.new_obligations,
        }


def _brief(o: ObligationResult) -> dict[str, Any]:
    return {
        "id": o.id,
        "citation": o.rule.citation.pinpoint,
        "title": o.rule.title,
        "verdict": o.verdict.value,
        "status": o.status.value if o.status else None,
        "applies_from": o.applies_from.isoformat() if o.applies_from else None,
    }


def compare(old: Assessment, new: Assessment) -> Diff:
    result = Diff()
    before = flatten(old.descriptor.model_dump(mode="json", exclude_none=True))
    after = flatten(new.descriptor.model_dump(mode="json", exclude_none=True))
    for path in sorted(before.keys() | after.keys()):
        if before.get(path) != after.get(path):
            result.facts.append({"fact": path, "old": before.get(path), "new": after.get(path)})
    old_c = {(c.id, c.subject): c for c in old.classifications()}
    new_c = {(c.id, c.subject): c for c in new.classifications()}
    for key in sorted(old_c.keys() | new_c.keys()):
        was_truth = old_c[key].truth.value if key in old_c else None
        now_truth = new_c[key].truth.value if key in new_c else None
        if was_truth != now_truth:
            rule = (new_c.get(key) or old_c[key]).rule
            result.classifications.append({"id": key[0], "subject": key[1], "citation": rule.citation.pinpoint,
                                           "title": rule.title, "old": was_truth, "new": now_truth})
    old_o = {o.id: o for o in old.obligations()}
    new_o = {o.id: o for o in new.obligations()}
    for ident in sorted(old_o.keys() | new_o.keys()):
        was, now = old_o.get(ident), new_o.get(ident)
        was_applies = was is not None and was.verdict is Verdict.applies
        now_applies = now is not None and now.verdict is Verdict.applies
        if now_applies and not was_applies:
            assert now is not None
            result.added.append(_brief(now))
        elif was_applies and not now_applies:
            assert was is not None
            entry = _brief(was)
            entry["now"] = now.verdict.value if now else "not evaluated"
            (result.undetermined if now is not None and now.verdict is Verdict.undetermined
             else result.removed).append(entry)
        elif was_applies and now_applies:
            assert was is not None and now is not None
            if (was.applies_from, was.status) != (now.applies_from, now.status):
                entry = _brief(now)
                entry["old_applies_from"] = was.applies_from.isoformat() if was.applies_from else None
                entry["old_status"] = was.status.value if was.status else None
                result.redated.append(entry)
        elif now is not None and now.verdict is Verdict.undetermined and (
            was is None or was.verdict is not Verdict.undetermined
        ):
            result.undetermined.append(_brief(now))
    return result


def yaml_value(value: Any) -> str:
    """A fact's value as the descriptor would spell it (YAML flow style: ``true``, ``[a, b]``,
    ``'yes'`` quoted where YAML would misread it); an unstated fact reads ``(not stated)``."""
    import yaml

    if value is None:
        return "(not stated)"
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10**9,
                          sort_keys=True).strip()
    return text.removesuffix("\n...").strip()


def render_text(diff: Diff, as_of: str) -> str:
    out = [f"Changes as of {as_of} (not legal advice)", ""]

    def section(title: str, rows: list[str]) -> None:
        if rows:
            out.append(f"{title} ({len(rows)}):")
            out.extend(rows)
            out.append("")

    section("Facts changed", [f"  {f['fact']}: {yaml_value(f['old'])} → {yaml_value(f['new'])}" for f in diff.facts])
    section("Classifications changed", [
        f"  {c['citation']:<22} {c['title']} [{c['subject']}]: {c['old']} → {c['new']}"
        for c in diff.classifications])
    section("New obligations", [
        f"  + {o['citation']:<22} {o['title']} ({o['status']} from {o['applies_from']})" for o in diff.added])
    section("Obligations that no longer apply", [
        f"  - {o['citation']:<22} {o['title']} (now {o['now']})" for o in diff.removed])
    section("Obligations re-dated", [
        f"  ~ {o['citation']:<22} {o['title']}: {o['old_status']} from {o['old_applies_from']} → "
        f"{o['status']} from {o['applies_from']}" for o in diff.redated])
    section("Now undetermined (facts missing)", [
        f"  ? {o['citation']:<22} {o['title']}" for o in diff.undetermined])
    if len(out) == 2:
        out.append("No changes in facts, classifications or obligations.")
    elif diff.new_obligations:
        out.append("New obligations appeared: a fresh sign-off is needed (exit code 1).")
    return printable("\n".join(out).rstrip() + "\n")
