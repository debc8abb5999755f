"""Shared helpers for the interop tests: descriptors with the model facts the exports map
(base models, training-data sources, evaluations, energy, intended tasks, releases, size limits,
the training-content facts), on top of tests/strategies.py."""

from __future__ import annotations

from typing import Any, get_args

from hypothesis import strategies as st
from strategies import dates, descriptor, enum_list, enum_values, optional, text

from compliance.descriptor.model import Channel, Modality, ParameterRange

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


def model_facts_of(words: st.SearchStrategy[str],
                   rows: int = 0) -> dict[str, st.SearchStrategy[Any]]:
    """The model-level facts of the Model Documentation Form and the model card (intended
    tasks, releases, sizes, documentation version), with texts drawn from ``words`` and at
    least ``rows`` entries in each list the card writes as a table."""
    limits = st.builds(lambda m, size: {"modality": m, "max_size": size},
                       st.sampled_from([m.value for m in Modality]), words)
    return {
        "intended_tasks": words,
        "integration_targets": words,
        "parameters": st.integers(min_value=0, max_value=10**13),
        "parameter_range": st.sampled_from(list(get_args(ParameterRange))),
        "context_window": st.integers(min_value=0, max_value=10**7),
        "input_modalities": enum_values(Modality),
        "output_modalities": enum_values(Modality),
        "max_input_sizes": st.lists(limits, min_size=rows, max_size=2),
        "max_output_sizes": st.lists(limits, min_size=rows, max_size=2),
        "release_date": dates,
        "releases": st.lists(st.builds(lambda c, d, extra: {"channel": c, "date": d, **extra},
                                       st.sampled_from([c.value for c in Channel]), dates,
                                       optional({"description": words})),
                             min_size=rows, max_size=3),
        "documentation_version": words,
        "documentation_updated": dates,
    }


def training_facts_of(words: st.SearchStrategy[str],
                      rows: int = 0) -> dict[str, st.SearchStrategy[Any]]:
    """The training-data facts of the training-content summary (see model_facts_of)."""
    return {
        "languages": st.lists(words, max_size=3),
        "latest_collection_date": st.one_of(
            dates, st.from_regex(r"20[0-9]{2}-(0[1-9]|1[0-2])", fullmatch=True)),
        "size_tokens": st.integers(min_value=0, max_value=10**15),
        "modalities": st.lists(st.builds(
            lambda m, size, unit, extra: {"modality": m, "size": size, "unit": unit, **extra},
            st.sampled_from([m.value for m in Modality]),
            st.one_of(st.integers(0, 10**14), st.floats(0, 1e20, allow_nan=False)), words,
            optional({"content_types": st.lists(words, min_size=1, max_size=3)})),
            min_size=rows, max_size=2),
        "collection_continues": st.booleans(),
        "sources_complete": st.booleans(),
    }


model_facts = model_facts_of(text)
training_facts = training_facts_of(text)

model_extras = optional({
    "name": text,
    "version": text,
    "provider": text,
    "architecture": text,
    "base_model": st.builds(lambda ident, extra: {"id": ident, **extra}, text, optional({
        "provider": text,
        "training_compute_flop": st.floats(min_value=1e18, max_value=1e27, allow_nan=False),
        "systemic_risk": st.booleans(),
        "licence": st.sampled_from([{"id": "Apache-2.0"}, {"id": "LicenseRef-Llama3.1",
                                                            "url": "https://example.org/l"}]),
    })),
    "training_data": optional({"sources": st.lists(source, max_size=3), "description": text,
                               "curation": text, **training_facts}),
    "energy": optional({"training_kwh": st.floats(min_value=0, max_value=1e9, allow_nan=False),
                        "method": text}),
    "evaluations": st.lists(st.builds(lambda m, v, extra: {"metric": m, "value": v, **extra},
                                      text, st.floats(-1e6, 1e6, allow_nan=False),
                                      optional({"dataset": text, "split": text})), max_size=3),
    "documentation_url": st.just("https://example.org/model-card"),
    "languages": st.lists(st.sampled_from(["en", "de", "no"]), unique=True),
    **model_facts,
})


def _merge(data: dict[str, Any], extras: list[dict[str, Any]]) -> dict[str, Any]:
    models = data.get("models") or []
    data = dict(data)
    if models:
        data["models"] = [{**m, **e} for m, e in zip(models, extras + [{}] * len(models), strict=False)]
    return data


rich_descriptor = st.builds(_merge, descriptor, st.lists(model_extras, max_size=2))
