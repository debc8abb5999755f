"""JSON Schema of `compliance obligations --format json` (and obligations.json in audit packs)."""

from __future__ import annotations

from typing import Any

_STR_OR_NULL: dict[str, Any] = {"type": ["string", "null"]}
_DATE_OR_NULL: dict[str, Any] = {"type": ["string", "null"], "format": "date"}
_STRINGS: dict[str, Any] = {"type": "array", "items": {"type": "string"}}
_PLAIN: dict[str, Any] = {
    **_STRINGS,
    "description": ("The reasons as plain sentences that state each finding (\"The system does not perform "
                    "profiling of natural persons.\", \"It is not stated whether ...\"), in the order of "
                    "reasons; for people to read, not to parse (steps holds the tests and truth values)."),
}
_STEPS: dict[str, Any] = {
    "type": "array",
    "description": "The decisive tests, in order: each fact comparison or classification and its truth value.",
    "items": {
        "type": "object",
        "required": ["text", "truth"],
        "properties": {
            "text": {"type": "string"},
            "truth": {"enum": ["true", "false", "unknown"]},
            "fact": {"type": "string"},
            "classification": {"type": "string"},
            "missing": _STRINGS,
        },
    },
}
_VERIFICATION: dict[str, Any] = {
    "type": "object",
    "required": ["status", "checked_against", "checked_on"],
    "properties": {
        "status": {"enum": ["verified", "interpretation", "contested"]},
        "checked_against": {"type": "string"},
        "checked_on": {"type": "string", "format": "date"},
        "alternative_reading": _STR_OR_NULL,
    },
}

OBLIGATIONS_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://compliance.invalid/schemas/obligations.schema.json",
    "$comment": "Maintained in compliance/law/output_schema.py; written by `compliance schema --write schemas`. Do not edit.",
    "title": "Obligations assessment (compliance obligations --format json)",
    "type": "object",
    "required": ["format_version", "tool", "as_of", "system", "jurisdictions"],
    "properties": {
        "format_version": {"const": 1},
        "tool": {"type": "object", "required": ["name", "version"]},
        "notice": {"type": "string"},
        "as_of": {"type": "string", "format": "date", "description": "The date the law was evaluated at."},
        "rules_digest": {"type": "string", "description": "SHA-256 over the rule data used."},
        "system": {"type": "object", "required": ["id", "name"]},
        "selection": {
            "type": "array",
            "description": "Why each jurisdiction was evaluated or left out (by the descriptor's markets; --jurisdiction overrides).",
            "items": {"type": "object", "required": ["jurisdiction", "selected", "reason"],
                      "properties": {"jurisdiction": {"type": "string"}, "selected": {"type": "boolean"},
                                     "reason": {"type": "string"},
                                     "pending_on": {**_STRINGS, "description": (
                                         "Selected only because its selection condition is unknown: the facts "
                                         "that decide whether this law reaches the system at all.")}}},
        },
        "blocking": {
            "type": "array",
            "description": (
                "Jurisdictions whose law bars the system (e.g. a prohibited practice classified as present); "
                "listed first: every duty in the jurisdictions below is secondary to it."),
            "items": {"type": "object", "required": ["jurisdiction", "tier", "label", "consequence"],
                      "properties": {"jurisdiction": {"type": "string"}, "tier": {"type": "string"},
                                     "label": {"type": "string"}, "consequence": {"type": "string"},
                                     "reasons": _STRINGS, "reasons_plain": _PLAIN}},
        },
        "deciding_facts": {
            "type": "array",
            "description": (
                "Deciding questions: the unstated facts that decide the most undetermined obligations, best "
                "first (greedy: each fact decides the obligations with nothing left missing once it and the "
                "facts before it are stated; a list or group fact may reveal further questions)."),
            "items": {"type": "object", "required": ["fact", "blocks", "decides", "obligations_decided"],
                      "properties": {"fact": {"type": "string"},
                                     "derived_from": {**_STR_OR_NULL, "description": "For a fact the tool derives: what to state instead."},
                                     "blocks": {"type": "integer", "description": "Undetermined obligations lacking this fact."},
                                     "decides": {"type": "integer"},
                                     "obligations_decided": _STRINGS}},
        },
        "jurisdictions": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["code", "name", "rules_version", "classifications", "obligations"],
                "properties": {
                    "code": {"type": "string"},
                    "name": {"type": "string"},
                    "rules_version": {"type": "string"},
                    "disclaimer": _STR_OR_NULL,
                    "tier": {
                        "type": ["object", "null"],
                        "properties": {"id": {"type": "string"}, "label": {"type": "string"},
                                       "blocking": _STR_OR_NULL, "reasons": _STRINGS, "reasons_plain": _PLAIN, "caveats": _STRINGS},
                    },
                    "highlights": {
                        "type": "array",
                        "description": ("The jurisdiction's highlighted classifications that hold (least to most "
                                        "significant); documents lead with the last headline."),
                        "items": {"type": "object", "required": ["id", "label"],
                                  "properties": {"id": {"type": "string"}, "label": {"type": "string"},
                                                 "headline": _STR_OR_NULL}},
                    },
                    "classifications": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["id", "title", "subject", "value", "citation", "reasons"],
                            "properties": {
                                "id": {"type": "string"},
                                "title": {"type": "string"},
                                "subject": {"type": "string", "description": "system, model:<id> or use_case:<id>"},
                                "value": {"enum": ["true", "false", "unknown"]},
                                "from": _DATE_OR_NULL,
                                "upcoming_from": _DATE_OR_NULL,
                                "citation": {"type": "string"},
                                "reasons": _STRINGS, "reasons_plain": _PLAIN,
                                "missing_facts": _STRINGS,
                                "steps": _STEPS,
                                "verification": _VERIFICATION,
                            },
                        },
                    },
                    "obligations": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["id", "jurisdiction", "citation", "title", "role", "verdict",
                                         "status", "applies_from", "reasons"],
                            "properties": {
                                "id": {"type": "string", "description": "Rule id, with @<model or use-case id> for per-subject rules."},
                                "rule": {"type": "string"},
                                "subject": {"type": "string"},
                                "jurisdiction": {"type": "string"},
                                "citation": {"type": "string", "description": "Canonical pinpoint, e.g. Art. 26(1)."},
                                "instrument": {"type": "string"},
                                "citation_text": {"type": "string"},
                                "citation_verbatim": {"type": "boolean"},
                                "citation_url": _STR_OR_NULL,
                                "title": {"type": "string"},
                                "summary": {"type": "string"},
                                "role": {**_STRINGS, "description": "Roles the organisation holds that owe this obligation (the rule's addressees when undetermined)."},
                                "addressees": _STRINGS,
                                "verdict": {"enum": ["applies", "does_not_apply", "undetermined"]},
                                "status": {"enum": ["in_force", "upcoming", None]},
                                "applies_from": _DATE_OR_NULL,
                                "date_basis": _STR_OR_NULL,
                                "current_wording_from": {**_DATE_OR_NULL, "description": "Where the provision was amended without a break in application: when the current wording took effect."},
                                "reasons": _STRINGS, "reasons_plain": _PLAIN,
                                "missing_facts": _STRINGS,
                                "steps": _STEPS,
                                "documents": _STRINGS,
                                "depends_on": _STRINGS,
                                "verification": _VERIFICATION,
                            },
                        },
                    },
                },
            },
        },
    },
}
