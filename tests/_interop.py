"""Shared helpers for the interop tests: descriptors with the model facts the exports map
(base models, training-data sources, evaluations, energy), on top of tests/strategies.py."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from strategies import descriptor, enum_list, optional, text

from compliance.descriptor.model import Modality

source = st.builds(lambda name, extra: {"name": name, **extra}, text, optional({
    "type": st.sampled_from(["public_dataset", "web_crawl", "licensed", "user_data", "synthetic",
                             "proprietary", "other"]),
    "modalities": enum_list(Modality).filter(lambda v: v is not None),
    "size": text,
    "provenance": text,
    "personal_data": st.booleans(),
    "url": st.one_of(st.sampled_from(["https://huggingface.co/datasets/x/y",
                                      "https://example.org/d", "see the data sheet, p. 4"]),
                     text),
}))

model_extras = optional({
    "name": text,
    "version": text,
    "provider": text,
    "architecture": text,
    "context_window": st.integers(min_value=0, max_value=10**7),
    "input_modalities": enum_list(Modality).filter(lambda v: v is not None),
    "base_model": st.builds(lambda ident, extra: {"id": ident, **extra}, text, optional({
        "provider": text,
        "training_compute_flop": st.floats(min_value=1e18, max_value=1e27, allow_nan=False),
        "systemic_risk": st.booleans(),
        "licence": st.sampled_from([{"id": "Apache-2.0"}, {"id": "LicenseRef-Llama3.1",
                                                            "url": "https://example.org/l"}]),
    })),
    "training_data": optional({"sources": st.lists(source, max_size=3), "description": text,
                               "curation": text}),
    "energy": optional({"training_kwh": st.floats(min_value=0, max_value=1e9, allow_nan=False),
                        "method": text}),
    "evaluations": st.lists(st.builds(lambda m, v, extra: {"metric": m, "value": v, **extra},
                                      text, st.floats(-1e6, 1e6, allow_nan=False),
                                      optional({"dataset": text, "split": text})), max_size=3),
    "documentation_url": st.just("https://example.org/model-card"),
    "languages": st.lists(st.sampled_from(["en", "de", "no"]), unique=True),
})


def _merge(data: dict[str, Any], extras: list[dict[str, Any]]) -> dict[str, Any]:
    models = data.get("models") or []
    data = dict(data)
    if models:
        data["models"] = [{**m, **e} for m, e in zip(models, extras + [{}] * len(models), strict=False)]
    return data


rich_descriptor = st.builds(_merge, descriptor, st.lists(model_extras, max_size=2))
