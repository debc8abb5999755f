"""The pack's transparency report (always present): one-page summary, classification,
obligations register per jurisdiction, Art. 50 disclosures, openness and licence status, the
documents of the pack, the evidence, a summary of the pack's gaps (each listed once in the gap
dashboard, :mod:`compliance.documents.context.gaps`), and the crosswalk appendices.

Not to be confused with documents that the law itself calls a transparency report (California
SB 53): those are structure-driven (compliance.documents.context.structured).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from compliance.descriptor.model import Descriptor
from compliance.documents.context.base import PackInfo, _base_context, _classification_values
from compliance.documents.context.formatting import (
    STATUS_LABELS,
    VALUE_LABELS,
    VERDICT_LABELS,
    _plain,
    format_value,
)
from compliance.documents.context.gaps import Dashboard
from compliance.documents.selection import Decision, tag_matches


def _obligation_rows(
    obligations: Sequence[Mapping[str, Any]], evidence: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    rows = []
    for ob in obligations:
        linked = [e for e in evidence if ob["id"] in e["obligations"]
                  or ob.get("rule") in e["obligations"]]
        if ob.get("verdict") != "applies":
            ev_status = "—"
        elif not linked:
            ev_status = "None linked"
        elif all(e["status"] == "present" for e in linked):
            ev_status = f"{len(linked)} linked"
        else:
            ev_status = f"{len(linked)} linked, {sum(e['status'] != 'present' for e in linked)} missing"
        verification = ob.get("verification") or {}
        rows.append(
            {
                "id": ob["id"],
                "title": ob.get("title", ""),
                "summary": ob.get("summary", ""),
                "citation": ob["citation"],
                "documents": list(ob.get("documents") or []),
                "instrument_key": ob.get("instrument") or "",
                "instrument": "",
                "citation_url": ob.get("citation_url") or "",
                "subject": ob.get("subject") or "system",
                "roles": ", ".join(ob.get("roles") or ob.get("role") or []),
                "verdict": ob.get("verdict", "undetermined"),
                "verdict_label": VERDICT_LABELS.get(ob.get("verdict", ""), ob.get("verdict", "")),
                "status": STATUS_LABELS.get(ob.get("status"), "—"),
                "applies_from": ob.get("applies_from") or "—",
                "date_basis": ob.get("date_basis") or "",
                "reasons": _reasons(ob),
                "missing_facts": list(ob.get("missing_facts") or []),
                "evidence_status": ev_status,
                "verification": verification.get("status") or "",
                "alternative_reading": verification.get("alternative_reading") or "",
            }
        )
    return sorted(rows, key=_verdict_order)


def _reasons(item: Mapping[str, Any]) -> list[str]:
    """Why: the engine's plain sentences (``reasons_plain``: "The system does not perform
    profiling of natural persons."); an assessment without them shows its ``reasons``."""
    plain = item.get("reasons_plain")
    return list(dict.fromkeys(plain if plain is not None else item.get("reasons") or []))


_VERDICT_ORDER = {"applies": 0, "undetermined": 1, "does_not_apply": 2}


def _verdict_order(row: Mapping[str, Any]) -> int:
    return _VERDICT_ORDER.get(row.get("verdict", "undetermined"), 3)


# a rule-data tag naming a section of the report, not a document: the report does not itself
# discharge these duties, it only lists them
DISCLOSURES_TAG = "disclosure_register"


def transparency_context(
    decision: Decision,
    descriptor: Descriptor,
    assessment: Mapping[str, Any],
    info: PackInfo,
    evidence: Sequence[Mapping[str, Any]],
    decisions: Sequence[Decision],
    dashboard: Dashboard,
) -> dict[str, Any]:
    """The one-page summary, classification, obligations register, Art. 50 disclosures,
    openness and licence status, and a summary of the pack's gaps (the gap dashboard lists
    them; a missing fact is named by its dashboard item)."""
    ctx = _base_context(decision, descriptor, assessment, info)
    jurisdictions = []
    all_rows: list[dict[str, Any]] = []
    for j in assessment.get("jurisdictions", []):
        rows = _obligation_rows(j.get("obligations", []), evidence)
        shorts = (info.instruments or {}).get(j.get("code", ""), {})
        for row in rows:
            short = shorts.get(row["instrument_key"], "")
            row["instrument"] = "" if not short or row["citation"].startswith(short) else short
        all_rows.extend(rows)
        classifications = [
            {
                "id": c["id"],
                "title": c.get("title", c["id"]),
                "subject": c.get("subject", "system"),
                "value": VALUE_LABELS.get(c.get("value", "unknown"), c.get("value")),
                "value_raw": c.get("value", "unknown"),
                "from": c.get("from") or "",
                "citation": c.get("citation", ""),
                "reasons": _reasons(c),
                "missing_facts": list(c.get("missing_facts") or []),
            }
            for c in j.get("classifications", [])
        ]
        jurisdictions.append(
            {
                "code": j.get("code", ""),
                "anchor": f"register-{j.get('code', '')}",
                "name": j.get("name", ""),
                "rules_version": j.get("rules_version", ""),
                "tier": {**j["tier"], "reasons": _reasons(j["tier"])} if j.get("tier")
                else {"id": "", "label": "Not determined", "reasons": []},
                # the most significant highlight's headline (data), ahead of the system's tier
                "headline": next((h["headline"] for h in reversed(j.get("highlights") or [])
                                  if h.get("headline")), ""),
                "classifications": [c for c in classifications if c["value_raw"] != "false"],
                "classifications_false": [c for c in classifications
                                          if c["value_raw"] == "false"],
                "disclaimer": j.get("disclaimer") or "",
                "obligations_open": [r for r in rows if r["verdict"] != "does_not_apply"],
                "obligations_not": [r for r in rows if r["verdict"] == "does_not_apply"],
                "obligations": rows,
            }
        )
    counts = {
        "applies": sum(r["verdict"] == "applies" for r in all_rows),
        "in_force": sum(r["verdict"] == "applies" and r["status"] == "In force" for r in all_rows),
        "upcoming": sum(r["verdict"] == "applies" and r["status"] == "Upcoming" for r in all_rows),
        "undetermined": sum(r["verdict"] == "undetermined" for r in all_rows),
        "does_not_apply": sum(r["verdict"] == "does_not_apply" for r in all_rows),
    }
    upcoming = sorted(
        (r for r in all_rows if r["verdict"] == "applies" and r["status"] == "Upcoming"),
        key=lambda r: r["applies_from"],
    )
    # disclosure and labelling duties: the rule data tags them (disclosure_register)
    disclosures = [r for r in all_rows
                   if any(tag_matches(t, DISCLOSURES_TAG) for t in r.get("documents", []))]
    features = _plain(descriptor.system.features) if descriptor.system.features else {}
    openness = []
    details = {o["model"]: o for o in (info.openness or {}).get("models", [])}
    for m in descriptor.models or []:
        exemption = _classification_values(assessment, f"model:{m.id}")
        detail = details.get(m.id) or {}
        verdict = ((detail.get("licence") or {}).get("aia_foss") or {})
        openness.append(
            {
                "id": m.id,
                "name": m.name or m.id,
                "licence": format_value(m.licence)[0] if m.licence else "",
                "weights_public": _tri(m.weights_public),
                "architecture_public": _tri(m.architecture_public),
                "usage_information_public": _tri(m.usage_information_public),
                "monetised": _tri(m.monetised),
                "classifications": [
                    {"title": c["title"], "value": c["value"], "citation": c["citation"]}
                    for j in jurisdictions for c in j["classifications"]
                    if c["subject"] == f"model:{m.id}"
                ],
                "has_values": bool(exemption),
                "category": detail.get("category_label"),
                "category_reason": detail.get("category_reason"),
                "mof": (detail.get("mof") or {}).get("label"),
                "osaid": (detail.get("osaid") or {}).get("conformant"),
                "licence_known": (detail.get("licence") or {}).get("known"),
                "aia_verdict": verdict.get("verdict"),
                "aia_reasoning": verdict.get("reasoning"),
                "aia_rests_on": verdict.get("rests_on"),
                "aia_confidence": verdict.get("confidence"),
            }
        )
    for row in all_rows:
        row["missing_items"], row["missing_facts"] = dashboard.items_for(row["missing_facts"], row["subject"])
    for j in jurisdictions:
        for c in [*j["classifications"], *j["classifications_false"]]:
            c["missing_items"], c["missing_facts"] = dashboard.items_for(c["missing_facts"], c["subject"])
    missing_evidence = [e for e in evidence if e["status"] != "present"]
    # several jurisdictions with duties: the report condenses what does not bind (obligations
    # that do not apply, classifications that do not hold) to citations; obligations.json keeps
    # every verdict with its reasons
    applying_jurisdictions = [j["name"] for j in jurisdictions
                              if any(r["verdict"] == "applies" for r in j["obligations"])]
    condensed = len(applying_jurisdictions) > 1
    crosswalks = _crosswalk_appendices(info.crosswalks or [],
                                       {j["code"]: j["name"] for j in jurisdictions})
    ctx.update(
        {
            "jurisdictions": jurisdictions,
            "condensed": condensed,
            # the condensed form shows the first reasons of a classification or disclosure duty
            "reasons_cap": 3,
            "applying_jurisdictions": applying_jurisdictions,
            "counts": counts,
            "upcoming": upcoming[:5],
            "disclosures": disclosures,
            "features": [
                {"label": k.replace("_", " "), "value": ", ".join(format_value(v)) or "none"}
                for k, v in features.items()
            ],
            "openness": openness,
            "documents": [
                {"title": d.spec.title + (f" — model {d.model_id}" if d.model_id else ""),
                 "file": f"{d.stem}.pdf" if d.present else "",
                 "present": d.present, "reason": d.reason}
                for d in decisions
            ],
            "evidence": list(evidence),
            "missing_evidence": missing_evidence,
            "gaps": dashboard.data["items"],
            "dashboard": dashboard.data,
            "sections": [],
            "toc": [
                {"anchor": "summary", "citation": "", "heading": "Summary", "level": 1},
                {"anchor": "classification", "citation": "", "heading": "Classification",
                 "level": 1},
                {"anchor": "register", "citation": "", "heading": "Obligations register",
                 "level": 1},
                *({"anchor": j["anchor"], "citation": "", "heading": j["name"], "level": 2}
                  for j in jurisdictions),
                {"anchor": "art50", "citation": "", "heading": "Transparency disclosures",
                 "level": 1},
                {"anchor": "openness", "citation": "", "heading": "Openness and licences",
                 "level": 1},
                {"anchor": "documents", "citation": "", "heading": "Documents in this pack",
                 "level": 1},
                {"anchor": "evidence", "citation": "", "heading": "Evidence", "level": 1},
                *({"anchor": c["anchor"], "citation": "", "heading": c["heading"], "level": 1}
                  for c in crosswalks),
            ],
            "crosswalks": crosswalks,
        }
    )
    return ctx


def _crosswalk_appendices(data: Sequence[Mapping[str, Any]],
                          names: Mapping[str, str]) -> list[dict[str, Any]]:
    """Crosswalk rows (compliance.law.crosswalk.crosswalk_json) as display data for the appendix."""
    appendices = []
    for index, cw in enumerate(data):
        sources = {s["id"]: s.get("title", s["id"]) for s in cw.get("sources", [])}
        columns = [{"key": k, "title": f["title"].split(":")[0].split(" (")[0]}
                   for k, f in cw.get("frameworks", {}).items()]
        rows = []
        for row in cw.get("rows", []):
            own = row.get("source") == "project"
            rows.append({
                "provision": row["provision"],
                "topic": row["topic"],
                "obligations": [
                    {"id": o["id"], "state": STATUS_LABELS.get(o["state"], o["state"])}
                    for o in row.get("obligations", []) if o["state"] in ("in_force", "upcoming")
                ],
                "cells": [
                    [f"{m['id']} — {m['title']}" for m in row.get("mappings", {}).get(c["key"], [])]
                    for c in columns
                ],
                "origin": "Project's own mapping" if own else "Published crosswalk",
                "origin_source": "" if own else sources.get(row.get("source_ref"), row.get("source_ref")),
                "own": own,
                "support": [
                    {"source": sources.get(src, src),
                     "pairs": "; ".join(
                         " ↔ ".join(v if isinstance(v, str) else ", ".join(v)
                                    for k, v in sup.items() if k != "source")
                         for sup in row.get("published_support", []) if sup["source"] == src)}
                    for src in dict.fromkeys(
                        sup["source"] for sup in row.get("published_support", []))
                ],
                "note": row.get("note") or "",
            })
        appendices.append({
            "anchor": f"crosswalk-{index + 1}",
            "heading": f"Appendix {chr(ord('A') + index)}: crosswalk of the "
                       f"{names.get(cw.get('jurisdiction', ''), cw.get('jurisdiction', ''))} obligations",
            "title": cw["title"],
            "disclaimer": cw.get("disclaimer", ""),
            "columns": columns,
            "rows": rows,
            "own_rows": sum(r["own"] for r in rows),
        })
    return appendices


def _tri(value: bool | None) -> str:
    return "Unknown" if value is None else ("Yes" if value else "No")
