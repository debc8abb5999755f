"""The pack index's "Questions that decide the most": the deciding facts of the assessment
(:mod:`compliance.law.deciding`, ranked from the obligations' ``missing_facts`` in the engine's
JSON, so a pack built from a given assessment shows the same questions), each with a
plain-language label (the descriptor field's description in the published JSON Schema), the
descriptor path to state, how many undetermined obligations it decides and their citations.
Plain data, stable order, no dates.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from compliance.documents.context.base import PackInfo

#: Citations listed per question; the rest are counted ("… and 4 more").
MAX_CITATIONS = 8

_SEGMENT = re.compile(r"^([a-z_][a-z0-9_]*)(?:\[[^\]]*\])?$")


@functools.cache
def _schema() -> Mapping[str, Any]:
    """The descriptor's JSON Schema (field descriptions); empty when it cannot be read: the
    labels are a convenience, never a reason for a pack to fail."""
    from compliance.errors import ComplianceError
    from compliance.io.fsutil import read_input
    from compliance.paths import schemas_dir

    try:
        raw = read_input(schemas_dir() / "ai-system.schema.json", 4 * 1024 * 1024, what="schema")
        data = json.loads(raw)
    except (ComplianceError, OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _resolve(node: Any, defs: Mapping[str, Any]) -> Mapping[str, Any]:
    """``node`` with ``$ref`` followed and a nullable ``anyOf`` reduced to its non-null branch."""
    for _ in range(8):
        if not isinstance(node, Mapping):
            return {}
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            node = defs.get(ref.removeprefix("#/$defs/"), {})
            continue
        branches = [b for b in node.get("anyOf") or [] if isinstance(b, Mapping) and b.get("type") != "null"]
        if "properties" not in node and "items" not in node and len(branches) == 1:
            node = branches[0]
            continue
        return node
    return {}


def field_label(path: str) -> str:
    """The schema's description of the descriptor field at ``path`` ("" when it has none).
    ``model.x`` (a fact as the engine names it for every model) is read as ``models[].x``."""
    schema = _schema()
    defs = schema.get("$defs") or {}
    if path.startswith("model."):
        path = "models[]." + path.removeprefix("model.")
    node: Mapping[str, Any] = schema
    description = ""
    for part in path.split("."):
        match = _SEGMENT.match(part)
        properties = _resolve(node, defs).get("properties") or {}
        if match is None or match.group(1) not in properties:
            return ""
        field = properties[match.group(1)]
        description = str(_resolve(field, defs).get("description") or field.get("description") or "")
        node = field
        if "[" in part:
            node = _resolve(field, defs).get("items") or {}
    return " ".join(description.split())


def _to_state(fact: str) -> list[str]:
    """For a derived fact, the descriptor fields that state it (as ``compliance ask`` asks them)."""
    from compliance.law.facts import DERIVED_FROM, generic_fact

    generic, owner = generic_fact(fact)
    return [owner + s.removeprefix("model.") if owner else s for s in DERIVED_FROM.get(generic, ())]


def _citations(ids: Iterable[str], obligations: Mapping[str, Mapping[str, Any]],
               prefix: Mapping[tuple[str, str], str]) -> list[str]:
    """Citations of ``ids`` in the assessment's order, each once."""
    wanted = set(ids)
    seen: dict[str, None] = {}
    for ident, o in obligations.items():
        if ident in wanted:
            key = (str(o.get("jurisdiction") or ""), str(o.get("instrument") or ""))
            seen.setdefault(prefix.get(key, "") + str(o.get("citation") or ident), None)
    return list(seen)


def deciding_context(assessment: Mapping[str, Any], info: PackInfo) -> dict[str, Any]:
    """The index page's deciding questions (see the module docstring)."""
    from compliance.law.deciding import deciding_facts

    names = {str(j.get("code")): str(j.get("name") or j.get("code")) for j in assessment.get("jurisdictions", [])}
    pending = [{"jurisdiction": s.get("jurisdiction", ""), "name": names.get(str(s.get("jurisdiction")), ""),
                "facts": [str(f) for f in s.get("pending_on") or []]}
               for s in assessment.get("selection") or [] if s.get("pending_on")]
    held_back = {p["jurisdiction"] for p in pending}
    obligations = {str(o["id"]): {**o, "jurisdiction": o.get("jurisdiction") or j.get("code")}
                   for j in assessment.get("jurisdictions", []) if j.get("code") not in held_back
                   for o in j.get("obligations", [])}
    undetermined = [(i, o.get("missing_facts") or []) for i, o in obligations.items()
                    if o.get("verdict") == "undetermined"]
    questions = deciding_facts(undetermined)
    # several instruments among the citations shown: name the instrument before each pinpoint
    shown = {i for q in questions for i in (q.decides or q.blocks)}
    used = {(str(obligations[i].get("jurisdiction") or ""), str(obligations[i].get("instrument") or ""))
            for i in shown}
    shorts = info.instruments or {}
    prefix = ({(code, key): f"{shorts.get(code, {}).get(key) or code} " for code, key in used}
              if len(used) > 1 else {})
    rows = []
    for q in questions:
        cites = _citations(q.decides or q.blocks, obligations, prefix)
        fields = _to_state(q.fact)
        rows.append({
            "fact": q.fact,
            "label": field_label(q.fact) or (field_label(fields[0]) if fields else "")
            or (f"Derived: {q.derived}." if q.derived else ""),
            "state": fields,
            "decides": len(q.decides),
            "blocks": len(q.blocks),
            "citations": cites[:MAX_CITATIONS],
            "more": max(0, len(cites) - MAX_CITATIONS),
        })
    return {
        "questions": rows,
        "decided": sum(r["decides"] for r in rows),
        "undetermined": len(undetermined),
        "pending": pending,
        "descriptor": info.descriptor_name,
    }
