"""The fact view: the descriptor as plain data, plus a few derived facts the rules read.

Derived facts are arithmetic and date bookkeeping, never legal conclusions; those are
classifications in the rule data. Every derived fact is listed in :data:`DERIVED_FACTS` so the
rule lint can check fact paths.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from compliance.descriptor.compute import estimate_training_compute
from compliance.descriptor.model import Descriptor

if TYPE_CHECKING:
    from compliance.law.licences import Catalogue

DERIVED_FACTS: dict[str, str] = {
    "system.lifecycle.first_placed": "earliest actual EU placement or putting into service",
    "system.lifecycle.first_placed_or_planned": "first_placed, else the planned placement",
    "model.training_compute_flop": "stated training compute, else 6 x parameters x tokens",
    "model.training_compute_estimated": "true when training_compute_flop is the 6*N*D estimate",
    "model.cumulative_compute_flop": ("stated cumulative compute; else, for a modified model with no stated "
                                      "training compute, the base model's training compute plus the modification "
                                      "compute (weight initialisation counts the base's compute, GPAI Guidelines "
                                      "Annex A.1); else training_compute_flop"),
    "model.first_placed_or_planned": "actual EU placement date, else the planned one",
}
#: Where a derived fact comes from in the descriptor: the fields to state, in the order to ask
#: them (the first one answered settles it). ``compliance ask`` asks these instead.
DERIVED_FROM: dict[str, tuple[str, ...]] = {
    "system.lifecycle.first_placed": ("system.lifecycle.eu_placed_on_market", "system.lifecycle.eu_put_into_service"),
    "system.lifecycle.first_placed_or_planned": ("system.lifecycle.eu_placed_on_market",
                                                 "system.lifecycle.eu_put_into_service",
                                                 "system.lifecycle.planned_eu_placement"),
    "model.training_compute_flop": ("model.training_compute.flop",),
    "model.cumulative_compute_flop": ("model.training_compute.cumulative_flop", "model.training_compute.flop"),
    "model.first_placed_or_planned": ("model.eu_placed_on_market", "model.planned_eu_placement"),
}


def generic_fact(path: str) -> tuple[str, str]:
    """A fact path as DERIVED_FACTS and DERIVED_FROM name it, and the subject prefix it drops:
    ``models[m1].training_compute_flop`` -> (``model.training_compute_flop``, ``models[m1].``)."""
    if path.startswith("models[") and "]." in path:
        owner, rest = path.split("].", 1)
        return "model." + rest, owner + "]."
    return path, ""


# Facts read from the licence catalogue (jurisdictions/_licences) for a stated licence id; set
# only when the catalogue is passed to fact_view. An id the catalogue does not know gives
# known: false and aia_foss: not_catalogued (never "not open").
LICENCE_CATALOGUE_FACTS: dict[str, str] = {
    "known": "the licence id is in the licence catalogue",
    "id": "the catalogue's canonical id for the licence",
    "aia_foss": "catalogue verdict on the AI Act licence test: yes | no | uncertain | not_catalogued",
    "reasoning": "the verdict with its reasoning, paragraph and confidence (for explanations)",
    "commercial_use": "the licence permits commercial use",
    "use_restrictions": "the licence carries use-based restrictions",
    "user_threshold": "user count above which a further licence is needed",
    "excludes_eu": "the licence excludes EU licensees or EU use (for some or all models)",
    "improve_other_models": "allowed | banned | conditional",
    "osd_conformant": "the terms meet the Open Source Definition: yes | no | uncertain",
    "built_with_notice": "notice products built on the model must display",
    "name_prefix": "prefix names of derived models must begin with",
    "derivatives": "what derivatives must carry: any_terms | keep_restrictions | same_licence",
}
for _owner in ("model.licence", "model.base_model.licence"):
    for _name, _meaning in LICENCE_CATALOGUE_FACTS.items():
        DERIVED_FACTS[f"{_owner}.catalogue.{_name}"] = f"licence catalogue: {_meaning}"



def _licence_facts(model: dict[str, Any], catalogue: Catalogue | None) -> None:
    if catalogue is None:
        return
    from compliance.law.licences import licence_facts

    for licence in (model.get("licence"), (model.get("base_model") or {}).get("licence")):
        if licence and licence.get("id"):
            licence["catalogue"] = licence_facts(catalogue, licence["id"])


def _model_facts(model: dict[str, Any], catalogue: Catalogue | None = None) -> dict[str, Any]:
    _licence_facts(model, catalogue)
    compute = model.get("training_compute") or {}
    stated = compute.get("flop")
    estimate = estimate_training_compute(model.get("parameters"), compute.get("training_tokens"))
    flop = stated if stated is not None else estimate
    model["training_compute_flop"] = flop
    model["training_compute_estimated"] = None if flop is None else stated is None
    cumulative = compute.get("cumulative_flop")
    if cumulative is None and stated is None:
        # a model initialised from another counts that model's training compute too (arithmetic
        # only: the counting rule is cited in DERIVED_FACTS and the rules that read the fact)
        base = (model.get("base_model") or {}).get("training_compute_flop")
        modification = model.get("modification_compute_flop")
        if base is not None and modification is not None:
            cumulative = base + modification
    model["cumulative_compute_flop"] = cumulative if cumulative is not None else flop
    model["first_placed_or_planned"] = model.get("eu_placed_on_market") or model.get(
        "planned_eu_placement"
    )
    return model


def fact_view(descriptor: Descriptor, catalogue: Catalogue | None = None) -> dict[str, Any]:
    """Plain JSON-like data (dates as ISO strings) with derived facts filled in; licence
    catalogue facts only when ``catalogue`` is given."""
    facts: dict[str, Any] = descriptor.model_dump(mode="json")
    lifecycle = (facts.get("system") or {}).get("lifecycle")
    if lifecycle is not None:
        actual = [d for d in (lifecycle.get("eu_placed_on_market"), lifecycle.get("eu_put_into_service")) if d]
        lifecycle["first_placed"] = min(actual) if actual else None
        lifecycle["first_placed_or_planned"] = lifecycle["first_placed"] or lifecycle.get(
            "planned_eu_placement"
        )
    facts["models"] = [_model_facts(m, catalogue) for m in facts.get("models") or []] if facts.get(
        "models"
    ) is not None else None
    return facts
