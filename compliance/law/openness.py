"""Openness of each model: category, OSI Open Source AI Definition 1.0 checklist, Model Openness
Framework class, and the licence's AI Act verdict from the catalogue.

:func:`openness` returns plain data (dicts, lists, strings, booleans, None) for the CLI and the
transparency report. A fact that is not stated gives ``None`` ("unknown"), never False. The AI
Act exemption itself is decided by the rule data (``eu.ai_act.gpai_open_source_exemption``);
this module only describes openness.

The framework definitions below are not law: they transcribe the MOF component list and class
requirements as implemented by the LF AI & Data Model Openness Tool
(lfai/model_openness_tool, web/modules/mof/config/install/mof.settings.yml) and the three
OSAID 1.0 components (https://opensource.org/ai/open-source-ai-definition).
"""

from __future__ import annotations

from typing import Any

from compliance.descriptor.model import AIModel, Descriptor
from compliance.law.licences import Catalogue

# MOF component -> (class, required, content types accepted for its licence)
MOF_COMPONENTS: dict[str, tuple[int, bool, tuple[str, ...]]] = {
    "model_architecture": (3, True, ("code",)),
    "model_parameters_final": (3, True, ("data", "code")),
    "model_card": (3, True, ("document", "code")),
    "data_card": (3, True, ("document", "code")),
    "technical_report": (3, True, ("document", "code")),
    "evaluation_results": (3, True, ("document", "code")),
    "sample_model_outputs": (3, False, ("data", "code", "document")),
    "training_code": (2, True, ("code",)),
    "inference_code": (2, True, ("code",)),
    "evaluation_code": (2, True, ("code",)),
    "evaluation_data": (2, True, ("data",)),
    "supporting_libraries_and_tools": (2, False, ("code",)),
    "datasets": (1, True, ("data", "code", "document")),
    "data_preprocessing_code": (1, True, ("code",)),
    "model_parameters_intermediate": (1, True, ("data",)),
    "research_paper": (1, True, ("document",)),
    "model_metadata": (1, False, ("data",)),
}
MOF_LABELS = {1: "Class I - Open Science", 2: "Class II - Open Tooling", 3: "Class III - Open Model"}
# OSAID 1.0 "code" component: the complete code used to process data, train, validate/test and
# run the system, including the model architecture.
OSAID_CODE = ("data_preprocessing_code", "training_code", "evaluation_code", "inference_code",
              "model_architecture")

CATEGORY_LABELS = {
    "open_source": "open source",
    "open_weights": "open weights",
    "research_only": "research-only / non-commercial",
    "closed": "closed",
    None: "unknown",
}


def _licence_summary(catalogue: Catalogue, ident: str | None) -> dict[str, Any] | None:
    if ident is None:
        return None
    entry = catalogue.lookup(ident)
    if entry is None:
        return {"id": ident, "known": False, "suggestions": catalogue.suggest(ident),
                "hint": "not in the licence catalogue: check the spelling, or state "
                        "licence.ai_act_foss with your own assessment"}
    v, t = entry.aia_foss, entry.terms
    return {
        "id": ident, "known": True, "catalogue_id": entry.id, "name": entry.name, "url": entry.url,
        "kind": entry.kind.value, "osi_approved": entry.osi_approved,
        "osd_conformant": entry.osd_conformant, "commercial_use": t.commercial_use,
        "use_restrictions": t.use_restrictions,
        "user_threshold": t.user_threshold.value if t.user_threshold else None,
        "territorial_exclusions": [x.region for x in t.territorial_exclusions],
        "improve_other_models": t.improve_other_models,
        "built_with_notice": t.built_with_notice, "name_prefix": t.name_prefix,
        "aia_foss": {"verdict": v.verdict.value, "reasoning": " ".join(v.reasoning.split()),
                     "rests_on": v.rests_on, "confidence": v.confidence.value},
        "markers": list(entry.verification.markers),
    }


def _components(model: AIModel) -> dict[str, tuple[bool | None, str | None]] | None:
    if model.components is None:
        return None
    return {c.component.value: (c.public, c.licence) for c in model.components}


def _weights_public(model: AIModel, comps: dict[str, tuple[bool | None, str | None]] | None) -> bool | None:
    if model.weights_public is not None:
        return model.weights_public
    if comps is not None and "model_parameters_final" in comps:
        return comps["model_parameters_final"][0]
    return None


def _category(model: AIModel, weights: bool | None, licence: dict[str, Any] | None) -> tuple[str | None, str]:
    if weights is False:
        return "closed", "the parameters (weights) are not publicly available"
    if weights is None:
        return None, "model.weights_public is not stated"
    if licence is None:
        return None, "the weights are public but model.licence is not stated"
    if not licence["known"]:
        return None, f"the weights are public but licence {licence['id']} is not in the catalogue"
    if not licence["commercial_use"]:
        return "research_only", f"{licence['name']} does not permit commercial use"
    if licence["osd_conformant"] == "yes":
        return "open_source", f"public weights under {licence['name']}, which meets the Open Source Definition"
    return "open_weights", (f"public weights under {licence['name']}, which restricts use "
                            "(use policy, user threshold or territory) and is not open source")


def _component_ok(catalogue: Catalogue, name: str, public: bool | None, ident: str | None) -> tuple[bool | None, str]:
    """Whether a component counts as openly released for the MOF: public, under a licence the
    MOF accepts for its content type."""
    if public is False:
        return False, "not public"
    if public is None:
        return None, "public not stated"
    if ident is None:
        return None, "licence not stated"
    entry = catalogue.lookup(ident)
    if entry is None:
        return None, f"licence {ident} not in the catalogue"
    if set(entry.mof_content_types) & set(MOF_COMPONENTS[name][2]):
        return True, f"public under {entry.id}"
    return False, f"{entry.id} is not an open licence the MOF accepts for this component"


def _mof(catalogue: Catalogue, comps: dict[str, tuple[bool | None, str | None]] | None) -> dict[str, Any]:
    if comps is None:
        return {"class": None, "label": "Unknown", "conditional": False,
                "reason": "model.components is not stated", "classes": {}}
    status: dict[str, dict[str, Any]] = {}
    for name, (_, _, _) in MOF_COMPONENTS.items():
        public, ident = comps.get(name, (False, None))
        ok, why = _component_ok(catalogue, name, public, ident) if name in comps else (False, "not listed")
        status[name] = {"ok": ok, "why": why}
    classes: dict[str, dict[str, Any]] = {}
    achieved: int | None = 0
    for level in (3, 2, 1):
        required = [n for n, (c, req, _) in MOF_COMPONENTS.items() if req and c >= level]
        missing = [n for n in required if status[n]["ok"] is False]
        unknown = [n for n in required if status[n]["ok"] is None]
        met: bool | None = False if missing else (None if unknown else True)
        classes[MOF_LABELS[level]] = {"met": met, "missing": missing, "unknown": unknown}
        if met is True and achieved is not None:
            achieved = level
        elif met is None and achieved == 0:
            achieved = None  # a higher class cannot be ruled out or in
        if met is not True:
            break
    final = status["model_parameters_final"]["ok"]
    conditional = bool(achieved == 0 and final is True)
    label = MOF_LABELS.get(achieved or 0, "Unclassified") if achieved is not None else "Unknown"
    if conditional:
        label = "Class III - Open Model (conditional: final parameters under an open licence)"
    return {"class": {1: "I", 2: "II", 3: "III"}.get(achieved or 0) if achieved else None,
            "label": label, "conditional": conditional, "classes": classes,
            "components": status}


def _osaid(catalogue: Catalogue, model: AIModel, weights: bool | None, licence: dict[str, Any] | None,
           comps: dict[str, tuple[bool | None, str | None]] | None) -> dict[str, Any]:
    checks: list[dict[str, Any]] = []

    def add(ident: str, label: str, result: bool | None, reason: str) -> None:
        checks.append({"id": ident, "label": label, "result": result, "reason": reason})

    # Parameters: public, under OSD-conformant terms.
    params_licence = comps.get("model_parameters_final", (None, None))[1] if comps else None
    entry = catalogue.lookup(params_licence or (model.licence.id if model.licence else None))
    if weights is False:
        add("parameters", "Parameters (weights) available under OSD-conformant terms", False, "weights not public")
    elif weights is None or entry is None:
        add("parameters", "Parameters (weights) available under OSD-conformant terms", None,
            "weights_public or a catalogued licence is not stated")
    else:
        result = {"yes": True, "no": False}.get(entry.osd_conformant)
        add("parameters", "Parameters (weights) available under OSD-conformant terms", result,
            f"{entry.id}: OSD-conformant {entry.osd_conformant}")
    # Code: complete training and inference code under OSI-approved licences.
    if comps is None:
        add("code", "Complete code (data processing, training, testing, inference, architecture) under OSI-approved licences",
            None, "model.components is not stated")
    else:
        bad, unknown = [], []
        for name in OSAID_CODE:
            public, ident = comps.get(name, (False, None))
            code_entry = catalogue.lookup(ident)
            if public is False:
                bad.append(f"{name} not public")
            elif public is None or ident is None or code_entry is None:
                unknown.append(name)
            elif not code_entry.osi_approved:
                bad.append(f"{name} under {code_entry.id}, not OSI-approved")
        add("code", "Complete code (data processing, training, testing, inference, architecture) under OSI-approved licences",
            False if bad else (None if unknown else True),
            "; ".join(bad) if bad else (f"unknown: {', '.join(unknown)}" if unknown else "all public under OSI-approved licences"))
    # Data information: a complete description of the training data (the data card) under
    # OSD-conformant terms; the data itself need not be released.
    if comps is None:
        add("data_information", "Data information (complete description of training data) under OSD-conformant terms",
            None, "model.components is not stated")
    else:
        public, ident = comps.get("data_card", (False, None))
        card = catalogue.lookup(ident)
        if public is False:
            add("data_information", "Data information (complete description of training data) under OSD-conformant terms",
                False, "no public data card")
        elif public is None or card is None:
            add("data_information", "Data information (complete description of training data) under OSD-conformant terms",
                None, "data card licence not stated or not catalogued")
        else:
            add("data_information", "Data information (complete description of training data) under OSD-conformant terms",
                {"yes": True, "no": False}.get(card.osd_conformant), f"data card under {card.id}")
    results = [c["result"] for c in checks]
    conformant = False if False in results else (None if None in results else True)
    return {"conformant": conformant, "checks": checks,
            "note": "OSI does not certify models; this checklist reads the stated components against OSAID 1.0."}


def model_openness(model: AIModel, catalogue: Catalogue) -> dict[str, Any]:
    comps = _components(model)
    licence = _licence_summary(catalogue, model.licence.id if model.licence else None)
    base = _licence_summary(catalogue, model.base_model.licence.id
                            if model.base_model and model.base_model.licence else None)
    if licence is not None and model.licence is not None:
        licence["own_assessment"] = model.licence.ai_act_foss
    weights = _weights_public(model, comps)
    category, reason = _category(model, weights, licence)
    return {
        "model": model.id,
        "name": model.name,
        "licence": licence,
        "base_model_licence": base,
        "category": category,
        "category_label": CATEGORY_LABELS[category],
        "category_reason": reason,
        "weights_public": weights,
        "architecture_public": model.architecture_public,
        "usage_information_public": model.usage_information_public,
        "osaid": _osaid(catalogue, model, weights, licence, comps),
        "mof": _mof(catalogue, comps),
    }


def openness(descriptor: Descriptor, catalogue: Catalogue) -> dict[str, Any]:
    """Plain data for every model of the descriptor (in descriptor order)."""
    return {
        "system": descriptor.system.id,
        "catalogue_size": len(catalogue),
        "models": [model_openness(m, catalogue) for m in descriptor.models or []],
        "disclaimer": ("Openness categories, the OSAID checklist and the MOF class are information; "
                       "the AI Act exemption is decided by eu.ai_act.gpai_open_source_exemption. "
                       "Not legal advice."),
    }
