"""The fact view: the descriptor as plain data, plus a few derived facts the rules read.

Derived facts are arithmetic and date bookkeeping, never legal conclusions; those are
classifications in the rule data. Every derived fact is listed in :data:`DERIVED_FACTS` so the
rule lint can check fact paths.
"""

from __future__ import annotations

from typing import Any

from .models.descriptor import Descriptor

# Training compute of a dense transformer is about 6 FLOP per parameter per token
# (forward + backward pass; Kaplan et al. 2020, used in the Commission's GPAI guidelines).
COMPUTE_ESTIMATE_FACTOR = 6.0

DERIVED_FACTS: dict[str, str] = {
    "system.lifecycle.first_placed": "earliest actual EU placement or putting into service",
    "system.lifecycle.first_placed_or_planned": "first_placed, else the planned placement",
    "model.training_compute_flop": "stated training compute, else 6 x parameters x tokens",
    "model.training_compute_estimated": "true when training_compute_flop is the 6*N*D estimate",
    "model.cumulative_compute_flop": "stated cumulative compute, else training_compute_flop",
    "model.first_placed_or_planned": "actual EU placement date, else the planned one",
}


def estimate_training_compute(parameters: int | None, tokens: int | None) -> float | None:
    if parameters is None or tokens is None:
        return None
    return COMPUTE_ESTIMATE_FACTOR * parameters * tokens


def _model_facts(model: dict[str, Any]) -> dict[str, Any]:
    compute = model.get("training_compute") or {}
    stated = compute.get("flop")
    estimate = estimate_training_compute(model.get("parameters"), compute.get("training_tokens"))
    flop = stated if stated is not None else estimate
    model["training_compute_flop"] = flop
    model["training_compute_estimated"] = None if flop is None else stated is None
    cumulative = compute.get("cumulative_flop")
    model["cumulative_compute_flop"] = cumulative if cumulative is not None else flop
    model["first_placed_or_planned"] = model.get("eu_placed_on_market") or model.get(
        "planned_eu_placement"
    )
    return model


def fact_view(descriptor: Descriptor) -> dict[str, Any]:
    """Plain JSON-like data (dates as ISO strings) with derived facts filled in."""
    facts: dict[str, Any] = descriptor.model_dump(mode="json")
    lifecycle = (facts.get("system") or {}).get("lifecycle")
    if lifecycle is not None:
        actual = [d for d in (lifecycle.get("eu_placed_on_market"), lifecycle.get("eu_put_into_service")) if d]
        lifecycle["first_placed"] = min(actual) if actual else None
        lifecycle["first_placed_or_planned"] = lifecycle["first_placed"] or lifecycle.get(
            "planned_eu_placement"
        )
    facts["models"] = [_model_facts(m) for m in facts.get("models") or []] if facts.get(
        "models"
    ) is not None else None
    return facts
