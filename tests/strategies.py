"""Hypothesis strategies for valid descriptors (as plain data, the way a user writes them)."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from compliance.descriptor.model import (
    Channel,
    Modality,
    Monetisation,
    Role,
    Setting,
    SizeClass,
    Stage,
    SyntheticContent,
)

ids = st.from_regex(r"[a-z][a-z0-9-]{0,12}", fullmatch=True)
text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=40
).map(str.strip).filter(bool)
dates = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2032, 12, 31))
maybe_bool = st.one_of(st.none(), st.booleans())
flop_value = st.floats(min_value=1e18, max_value=1e27, allow_nan=False)
flop = st.one_of(st.none(), flop_value)


def enum_values(enum):  # type: ignore[no-untyped-def]
    """A list of distinct values of ``enum`` (never None)."""
    return st.lists(st.sampled_from([e.value for e in enum]), unique=True)


def enum_list(enum):  # type: ignore[no-untyped-def]
    """Like enum_values, or None. Do not ``.filter(lambda v: v is not None)`` it: Hypothesis
    pushes the filter into each branch, and every draw of the None branch then aborts the
    whole example (biasing what gets generated against the mappings holding such a key)."""
    return st.one_of(st.none(), enum_values(enum))


def optional(d: dict) -> st.SearchStrategy[dict]:
    """A fixed dict where each None-able entry may be dropped (unstated fact)."""
    return st.fixed_dictionaries({}, optional=d)


annex_iii_points = st.sampled_from(
    ["1(a)", "1(b)", "1(c)", "2", "3(a)", "3(b)", "3(c)", "3(d)", "4(a)", "4(b)", "5(a)", "5(b)",
     "5(c)", "5(d)", "6(a)", "6(b)", "6(c)", "6(d)", "6(e)", "7(a)", "7(b)", "7(c)", "7(d)", "8(a)", "8(b)"]
)

use_case = st.builds(
    lambda ident, extra: {"id": ident, **extra},
    ids,
    optional({
        "description": text,
        "annex_iii": st.lists(annex_iii_points, unique=True, max_size=2),
        "annex_i": st.lists(optional({
            "is_product": st.booleans(),
            "safety_component": st.booleans(),
            "third_party_conformity_assessment": st.booleans(),
        }).map(lambda d: {"legislation": "A(11)", **d}), max_size=1),
        "settings": enum_values(Setting),
        "profiling": st.booleans(),
        "decisions_about_natural_persons": st.booleans(),
        "derogation": st.builds(lambda c, conds: {"claimed": c, "conditions": conds},
                                st.booleans(), st.lists(st.sampled_from("abcd"), unique=True, max_size=2)),
    }),
)

model = st.builds(
    lambda ident, extra: {"id": ident, **extra},
    ids,
    optional({
        "origin": st.sampled_from(["own", "third_party", "modified_third_party"]),
        "parameters": st.integers(min_value=1, max_value=2 * 10**12),
        "output_modalities": enum_values(Modality),
        "training_compute": optional({"flop": flop_value}),
        "licence": st.sampled_from([{"id": "MIT"}, {"id": "Apache-2.0"}, {"id": "LicenseRef-custom"}]),
        "weights_public": st.booleans(),
        "monetised": st.booleans(),
        "monetisation": enum_values(Monetisation),
        "distribution_channels": enum_values(Channel),
        "eu_placed_on_market": dates,
        "narrow_task_only": st.booleans(),
        "significant_generality": st.booleans(),
        "systemic_risk": optional({"designated": st.booleans(),
                                   "rebuttal": st.sampled_from(["none", "pending", "accepted", "rejected"])}),
    }),
)

descriptor = st.builds(
    lambda org, system, models: {"schema_version": 1, "organisation": org, "system": system,
                                 **({"models": models} if models is not None else {})},
    st.builds(lambda name, extra: {"name": name, **extra}, text, optional({
        "country": st.sampled_from(["DE", "FR", "US", "GB", "NO", "IE"]),
        "roles": enum_values(Role),
        "size": st.sampled_from([e.value for e in SizeClass]),
        "public_authority": st.booleans(),
        "financial_institution": st.booleans(),
    })),
    st.builds(lambda ident, name, extra: {"id": ident, "name": name, **extra}, ids, text, optional({
        "intended_purpose": text,
        "markets": st.lists(st.sampled_from(["EU", "US-CA", "KR", "CN"]), unique=True),
        "lifecycle": optional({"stage": st.sampled_from([e.value for e in Stage]),
                               "eu_placed_on_market": dates, "planned_eu_placement": dates,
                               "intended_for_public_authorities": st.booleans()}),
        "features": optional({"interacts_directly_with_natural_persons": st.booleans(),
                              "synthetic_content": enum_values(SyntheticContent),
                              "emotion_recognition": st.booleans(),
                              "deep_fakes": st.booleans()}),
        "use_cases": st.lists(use_case, max_size=3, unique_by=lambda u: u["id"]),
        "prohibited_practices": optional({"social_scoring_with_detrimental_treatment": st.booleans(),
                                          "untargeted_facial_image_scraping": st.booleans()}),
    })),
    st.one_of(st.none(), st.lists(model, max_size=2, unique_by=lambda m: m["id"])),
)
