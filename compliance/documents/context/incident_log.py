"""The incident log: per incident a timeline and every applicable reporting deadline with its
status, the incident register's verification result and the head hash of its chain.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from compliance.descriptor.model import Descriptor
from compliance.documents.context.base import PackInfo, _base_context, _ob_ref
from compliance.documents.selection import Decision

_DUE_LABELS = {
    "met": "met", "late": "missed (reported late)", "overdue": "MISSED — overdue", "open": "open",
    "due_immediately": "due immediately", "no_limit": "open (no time limit)", "not_due": "not due",
    "not_started": "not started", "undetermined": "undetermined",
}


#: What the record of a serious incident states (the contents of a report to the market
#: surveillance authority and of the provider's investigation): incident field -> label.
_RECORD_ITEMS = (
    ("persons_affected", "Number of persons affected"),
    ("member_states", "Member States where it occurred"),
    ("investigation", "Investigation, risk assessment and findings"),
    ("corrective_measures", "Corrective action"),
    ("altered_before_informing", "Whether the system was altered before the authorities were informed"),
)


def _art_73_record(record: Mapping[str, Any], reports: list[Mapping[str, Any]]) -> dict[str, Any]:
    """The serious-incident record: each item as stated (None when not stated), and every report
    made, with its kind, recipient authority, reference and time."""
    return {
        "items": [{"key": key, "label": label, "value": record.get(key)} for key, label in _RECORD_ITEMS],
        "reports": [{"kind": r.get("kind", ""), "recipient": r.get("recipient", ""),
                     "reference": r.get("reference") or "", "submitted_at": r.get("submitted_at", "")}
                    for r in reports],
    }


def _record_gaps(incident: str, record: Mapping[str, Any], blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A serious incident's record items that are not stated: each a gap of the log."""
    return [{"where": f"incident {incident}: {key}", "fact": key, "citation": "",
             "what": f"{label} (incident {incident})", "blocks": blocks,
             "hint": f"Record it with `compliance incident add <descriptor> --amends {incident}` and the "
                     "field's option (see `compliance incident add --help`)."}
            for key, label in _RECORD_ITEMS if record.get(key) is None]


def incident_log_context(
    decision: Decision,
    descriptor: Descriptor,
    assessment: Mapping[str, Any],
    info: PackInfo,
) -> dict[str, Any]:
    """Per incident a timeline and every applicable reporting deadline with its status, the
    register's verification result and the head hash of its chain."""
    ctx = _base_context(decision, descriptor, assessment, info)
    data = {"stated": False, "path": None, "missing": False, "verification": None, "check": None,
            "error": None, **(info.incidents or {})}
    blocks = [_ob_ref(o) for o in decision.applying]
    gaps = []
    if not data.get("stated"):
        gaps.append({"where": "incidents.path", "fact": "incidents.path", "citation": "", "what": "Incident register",
                     "blocks": blocks, "hint": "State where the register lives: incidents: {path: incidents.jsonl}, "
                     "then record incidents with `compliance incident add`."})
    elif data.get("missing"):
        gaps.append({"where": "incidents.path", "fact": "incidents.path", "citation": "",
                     "what": f"Incident register file {data['path']}",
                     "blocks": blocks, "hint": "The descriptor names a register file that does not exist; "
                     "create it with `compliance incident add` or correct the path."})
    clocks = (data.get("check") or {}).get("clocks", {})
    incidents = []
    for inc in (data.get("check") or {}).get("incidents", []):
        record = inc.get("record", {})
        timeline = sorted(
            [(record.get(k), label) for k, label in (("occurred_at", "Occurred"), ("aware_at", "Became aware"),
                                                      ("causal_link_at", "Causal link established"))
             if record.get(k)]
            + [(r.get("submitted_at"), f"Report ({r.get('kind')}) to {r.get('recipient', 'authority')}")
               for r in inc.get("reports", [])],
            key=lambda t: str(t[0]),
        )
        rows = []
        for clock in inc.get("clocks", []):
            if clock.get("applies") == "false":
                continue
            info_c = clocks.get(clock["id"], {})
            for step in clock.get("steps", []):
                for due in step.get("occurrences", []) or [{}]:
                    rows.append({
                        "clock": info_c.get("title", clock["id"]),
                        "citation": step.get("citation") or info_c.get("citation", ""),
                        "step": step.get("title", ""),
                        "voluntary": info_c.get("voluntary"),
                        "applies": clock.get("applies"),
                        "deadline": due.get("deadline_display") or (
                            step["immediately"]["text"] if step.get("immediately") else "—"),
                        "status": _DUE_LABELS.get(due.get("status", "undetermined"), due.get("status", "")),
                        "status_key": due.get("status", "undetermined"),
                        "report": (due.get("report") or {}).get("submitted_at"),
                        "missing": ", ".join(clock.get("missing_facts") or []),
                    })
        not_applicable = [
            {"clock": clocks.get(c["id"], {}).get("title", c["id"]),
             "citation": clocks.get(c["id"], {}).get("citation", ""),
             "reason": "; ".join(c.get("reasons") or [])}
            for c in inc.get("clocks", []) if c.get("applies") == "false"
        ]
        incidents.append({"id": inc["id"], "title": inc.get("title") or inc["id"], "status": inc.get("status"),
                          "timeline": [{"at": at, "what": what} for at, what in timeline], "rows": rows,
                          "not_applicable": not_applicable,
                          "harm": list(record.get("harm") or []),
                          "serious": record.get("serious"),
                          "description": record.get("description"),
                          "record": _art_73_record(record, inc.get("reports", []))})
        if record.get("serious"):
            gaps.extend(_record_gaps(inc["id"], record, blocks))
    ctx.update({
        "register": data,
        "incidents": incidents,
        "gaps": gaps,
        "toc": [
            {"anchor": "register", "citation": "", "heading": "Register and verification", "level": 1},
            {"anchor": "incidents", "citation": "", "heading": "Incidents and reporting deadlines", "level": 1},
        ],
    })
    return ctx
