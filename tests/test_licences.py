"""The licence catalogue, the catalogue-driven open-source exemption, openness and licence findings."""

from __future__ import annotations

import copy
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from compliance.descriptor.model import Descriptor
from compliance.descriptor.validation import parse_descriptor
from compliance.law.checks import add_licence_checks
from compliance.law.engine import assess
from compliance.law.explain import explain_text
from compliance.law.facts import fact_view
from compliance.law.licences import licence_facts, load_catalogue
from compliance.law.openness import openness
from compliance.law.rulebook import load_rulebook
from compliance.paths import rules_dir

ROOT = rules_dir()
AS_OF = dt.date(2026, 11, 25)

# Every catalogue entry's verdict on the AI Act licence test (GL ¶76-84). A new entry must be
# added here: the test fails for entries without an expectation.
EXPECTED = {
    "Apache-2.0": "yes", "MIT": "yes", "BSD-3-Clause": "yes", "BSD-2-Clause": "yes",
    "CC-BY-4.0": "yes", "OpenMDW-1.0": "yes", "CC0-1.0": "yes", "CDLA-Permissive-2.0": "yes",
    "CC-BY-NC-4.0": "no", "CC-BY-NC-SA-4.0": "no", "CC-BY-NC-ND-4.0": "no", "CC-BY-ND-4.0": "no",
    "LicenseRef-OpenRAIL-M": "uncertain", "LicenseRef-BigScience-BLOOM-RAIL-1.0": "uncertain",
    "LicenseRef-BigScience-OpenRAIL-M": "uncertain", "LicenseRef-CreativeML-OpenRAIL-M": "uncertain",
    "LicenseRef-BigCode-OpenRAIL-M": "uncertain", "LicenseRef-OpenRAIL-PlusPlus": "uncertain",
    "LicenseRef-Llama2": "no", "LicenseRef-Llama3": "no", "LicenseRef-Llama3.1": "no",
    "LicenseRef-Llama3.2": "no", "LicenseRef-Llama3.3": "no", "LicenseRef-Llama4": "no",
    "LicenseRef-Gemma": "uncertain", "LicenseRef-MRL-0.1": "no", "LicenseRef-MNPL-0.1": "no",
    "LicenseRef-Qwen": "no", "LicenseRef-Qwen-Research": "no",
    "LicenseRef-DeepSeek-License-1.0": "uncertain", "LicenseRef-Falcon-180B-TII-1.0": "uncertain",
    "LicenseRef-TII-Falcon-2.0": "uncertain", "LicenseRef-NVIDIA-Open-Model-License": "uncertain",
    "LicenseRef-AI2-ImpACT-LR": "uncertain", "LicenseRef-AI2-ImpACT-MR": "no",
    "LicenseRef-AI2-ImpACT-HR": "no", "LicenseRef-Tencent-Hunyuan-Community": "no",
    "LicenseRef-Proprietary": "no",
}


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(ROOT)


@pytest.fixture(scope="module")
def book():
    return load_rulebook(ROOT)


# --------------------------------------------------------------------------- catalogue


def test_catalogue_covers_the_table(catalogue) -> None:
    assert sorted(catalogue.entries) == sorted(EXPECTED)


@pytest.mark.parametrize("ident", sorted(EXPECTED))
def test_entry_verdict(catalogue, ident: str) -> None:
    entry = catalogue.entries[ident]
    assert entry.aia_foss.verdict.value == EXPECTED[ident]
    assert entry.aia_foss.rests_on.startswith("GL ¶")
    # consistency of the verdict with the recorded terms (GL ¶83 disqualifiers)
    t = entry.terms
    if not t.commercial_use or t.user_threshold or not t.distribution_allowed or t.territorial_exclusions:
        assert entry.aia_foss.verdict.value == "no"
    if entry.aia_foss.verdict.value == "yes":
        assert t.use_restrictions == "none" and t.commercial_use and not t.fee
        assert t.derivatives.value == "any_terms"
    if t.use_restrictions != "none" and entry.aia_foss.verdict.value != "no":
        assert entry.aia_foss.verdict.value == "uncertain"  # GL ¶84 is a legal judgement
    if entry.osd_conformant == "yes":
        assert t.use_restrictions == "none" and t.commercial_use


def test_llama_versions_differ_where_the_texts_do(catalogue) -> None:
    assert catalogue.entries["LicenseRef-Llama3"].terms.improve_other_models == "banned"
    assert catalogue.entries["LicenseRef-Llama3.1"].terms.improve_other_models == "conditional"
    assert catalogue.entries["LicenseRef-Llama3"].terms.built_with_notice == "Built with Meta Llama 3"
    assert catalogue.entries["LicenseRef-Llama3.3"].terms.name_prefix == "Llama"
    assert catalogue.entries["LicenseRef-Llama2"].terms.name_prefix is None
    eu = {i for i, e in catalogue.entries.items() if any(x.region == "EU" for x in e.terms.territorial_exclusions)}
    assert eu == {"LicenseRef-Llama3.2", "LicenseRef-Llama4", "LicenseRef-Tencent-Hunyuan-Community"}


@pytest.mark.parametrize("spelling,ident", [
    ("apache-2.0", "Apache-2.0"), ("APACHE-2.0", "Apache-2.0"), ("llama3.1", "LicenseRef-Llama3.1"),
    ("openrail", "LicenseRef-OpenRAIL-M"), ("tongyi-qianwen", "LicenseRef-Qwen"), ("cc-by-nc-4.0", "CC-BY-NC-4.0"),
    ("gemma", "LicenseRef-Gemma"), ("mnpl", "LicenseRef-MNPL-0.1"),
])
def test_lookup_by_hub_and_spdx_spellings(catalogue, spelling: str, ident: str) -> None:
    assert catalogue.lookup(spelling).id == ident


def test_unknown_licence_is_not_catalogued_never_not_open(catalogue) -> None:
    assert catalogue.lookup("LicenseRef-Acme-Open-1.0") is None
    assert catalogue.lookup("other") is None
    facts = licence_facts(catalogue, "LicenseRef-Acme-Open-1.0")
    assert facts["known"] is False and facts["aia_foss"] == "not_catalogued"
    assert catalogue.suggest("llama-3.1")[0] == "LicenseRef-Llama3.1"


def test_catalogue_files_are_not_rules(book) -> None:
    assert not any("_licences" in str(r.path) for r in book.rules.values())
    assert "_licences" not in book.jurisdictions
    assert book.licences is not None and len(book.licences) == len(EXPECTED)


def test_catalogue_load_is_light() -> None:
    code = ("import sys; from compliance.law.licences import load_catalogue; from compliance.paths import rules_dir;"
            "load_catalogue(rules_dir());"
            "print(sorted(m for m in ('networkx','jinja2','weasyprint') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_fact_view_needs_the_catalogue(catalogue) -> None:
    d = _descriptor([_model("m", licence={"id": "mit"})])
    assert "catalogue" not in fact_view(d)["models"][0]["licence"]
    facts = fact_view(d, catalogue)["models"][0]["licence"]["catalogue"]
    assert facts["known"] and facts["id"] == "MIT" and facts["aia_foss"] == "yes"


# --------------------------------------------------------------------------- exemption


def _model(ident: str, **over: object) -> dict:
    base = {
        "id": ident, "origin": "own", "input_modalities": ["text"], "output_modalities": ["text"],
        "narrow_task_only": False, "sole_purpose_scientific_rnd": False,
        "eu_placed_on_market": "2026-03-01", "licence": {"id": "MIT"}, "weights_public": True,
        "architecture_public": True, "usage_information_public": True, "monetised": False,
        "monetisation": [], "distribution_channels": ["hub", "download"],
        "training_compute": {"flop": 8.0e23},
    }
    base.update(over)
    return base


def _descriptor(models: list[dict], **org: object) -> Descriptor:
    return Descriptor.model_validate({
        "schema_version": 1,
        "organisation": {"name": "Lab", "country": "DE", "roles": ["provider"], **org},
        "system": {"id": "s", "name": "S", "is_ai_system": True, "markets": ["EU"],
                   "output_used_in_eu": True, "exclusively_military_defence_or_national_security": False,
                   "sole_purpose_scientific_rnd": False, "released_under_free_open_source_licence": False},
        "models": models,
    })


BOUNDARY = {
    "open-mit": ({}, "true"),
    "paid-api-only": ({"monetised": True, "monetisation": ["exclusive_paid_hosting"],
                       "distribution_channels": ["api"]}, "false"),
    "architecture-not-public": ({"architecture_public": False}, "false"),
    "systemic-risk": ({"training_compute": {"flop": 2.0e25}}, "false"),
    "personal-data-gated": ({"monetised": True, "monetisation": ["personal_data_condition"]}, "false"),
    "unknown-licence": ({"licence": {"id": "LicenseRef-Acme-Open-1.0"}}, "unknown"),
    "unknown-licence-assessed": ({"licence": {"id": "LicenseRef-Acme-Open-1.0", "ai_act_foss": True}}, "true"),
    "llama-claimed-foss": ({"licence": {"id": "llama3.3", "ai_act_foss": True}}, "false"),
    "gemma-not-assessed": ({"licence": {"id": "gemma"}}, "unknown"),
    "gemma-assessed": ({"licence": {"id": "gemma", "ai_act_foss": True}}, "true"),
    "cc-by-nc": ({"licence": {"id": "cc-by-nc-4.0"}}, "false"),
    "licence-not-stated": ({"licence": None}, "unknown"),
}


@pytest.fixture(scope="module")
def boundary_assessment(book):
    models = [_model(ident, **over) for ident, (over, _) in BOUNDARY.items()]
    return assess(_descriptor(models), book, AS_OF)


@pytest.mark.parametrize("ident", sorted(BOUNDARY))
def test_exemption_boundaries(boundary_assessment, ident: str) -> None:
    found = {(c.id, c.subject): c.truth.value for c in boundary_assessment.classifications()}
    assert found[("eu.ai_act.gpai_open_source_exemption", f"model:{ident}")] == BOUNDARY[ident][1]
    ob = {o.id: o.verdict.value for o in boundary_assessment.obligations()}
    expected = {"true": "does_not_apply", "false": "applies", "unknown": "undetermined"}[BOUNDARY[ident][1]]
    assert ob[f"eu.ai_act.art_53_1_a_technical_documentation@{ident}"] == expected
    # the exemption never lifts the copyright policy
    assert ob[f"eu.ai_act.art_53_1_c_copyright_policy@{ident}"] == "applies"


def test_explain_shows_catalogue_reasoning(boundary_assessment) -> None:
    text = explain_text(boundary_assessment, "eu.ai_act.art_53_1_a_technical_documentation@llama-claimed-foss")
    assert "700 million monthly active users" in text and "GL ¶83" in text and "confidence high" in text
    text = explain_text(boundary_assessment, "eu.ai_act.art_53_1_a_technical_documentation@unknown-licence")
    assert "undetermined" in text
    assert "rates LicenseRef-Acme-Open-1.0 free and open-source" in text
    assert "a licence the catalogue does not know" in text and "hint:" in text
    assert "models[unknown-licence].licence.ai_act_foss" in text
    text = explain_text(boundary_assessment, "eu.ai_act.art_53_1_a_technical_documentation@open-mit")
    assert "MIT License (MIT) is rated 'yes'" in text


def test_exemption_is_deterministic(book) -> None:
    d = _descriptor([_model(i, **o) for i, (o, _) in BOUNDARY.items()])
    first = json.dumps(assess(d, book, AS_OF).to_json(), sort_keys=True)
    assert first == json.dumps(assess(copy.deepcopy(d), book, AS_OF).to_json(), sort_keys=True)


# --------------------------------------------------------------------------- openness


@pytest.mark.parametrize("over,category", [
    ({}, "open_source"),
    ({"weights_public": False, "licence": {"id": "LicenseRef-Proprietary"}}, "closed"),
    ({"licence": {"id": "cc-by-nc-4.0"}}, "research_only"),
    ({"licence": {"id": "LicenseRef-MNPL-0.1"}}, "research_only"),
    ({"licence": {"id": "llama3.1"}}, "open_weights"),
    ({"licence": {"id": "creativeml-openrail-m"}}, "open_weights"),
    ({"licence": {"id": "LicenseRef-Acme-Open-1.0"}}, None),
    ({"weights_public": None}, None),
])
def test_openness_category(catalogue, over: dict, category: str | None) -> None:
    data = openness(_descriptor([_model("m", **over)]), catalogue)["models"][0]
    assert data["category"] == category


def _components(*released: str, licence: str = "Apache-2.0") -> list[dict]:
    return [{"component": c, "public": True, "licence": licence} for c in released]


CLASS_III = ("model_architecture", "model_parameters_final", "model_card", "data_card",
             "technical_report", "evaluation_results")
CLASS_II = ("training_code", "inference_code", "evaluation_code")
CLASS_I = ("datasets", "data_preprocessing_code", "model_parameters_intermediate", "research_paper")


@pytest.mark.parametrize("components,mof_class,conditional", [
    (_components(*CLASS_III), "III", False),
    (_components(*CLASS_III, *CLASS_II) + _components("evaluation_data", licence="CDLA-Permissive-2.0"), "II", False),
    (_components(*CLASS_III, *CLASS_II) + _components("evaluation_data", "datasets", "model_parameters_intermediate",
                                                       licence="CDLA-Permissive-2.0")
     + _components("data_preprocessing_code") + _components("research_paper", licence="CC-BY-4.0"), "I", False),
    (_components("model_parameters_final"), None, True),
    (_components(*CLASS_III, licence="LicenseRef-Llama3.1"), None, False),
    ([], None, False),
])
def test_mof_class(catalogue, components: list[dict], mof_class: str | None, conditional: bool) -> None:
    mof = openness(_descriptor([_model("m", components=components)]), catalogue)["models"][0]["mof"]
    assert mof["class"] == mof_class and mof["conditional"] is conditional


def test_mof_unknown_without_components_and_osaid_checklist(catalogue) -> None:
    data = openness(_descriptor([_model("m")]), catalogue)["models"][0]
    assert data["mof"]["class"] is None and data["mof"]["label"] == "Unknown"
    assert data["osaid"]["conformant"] is None
    full = _components(*CLASS_III, *CLASS_II, "data_preprocessing_code")
    data = openness(_descriptor([_model("m", components=full)]), catalogue)["models"][0]
    assert data["osaid"]["conformant"] is True
    llama = openness(_descriptor([_model("m", components=full, licence={"id": "llama3.1"})]), catalogue)
    params = llama["models"][0]["osaid"]["checks"][0]
    assert params["id"] == "parameters" and params["result"] is True  # component licence Apache-2.0 governs
    llama = openness(_descriptor([_model("m", licence={"id": "llama3.1"})]), catalogue)["models"][0]
    assert llama["osaid"]["checks"][0]["result"] is False and llama["osaid"]["conformant"] is False


# --------------------------------------------------------------------------- validate findings


def _findings(catalogue, text: str) -> list:
    result = parse_descriptor(text.encode(), "d.yaml", None)
    assert not result.errors, [p.format() for p in result.errors]
    add_licence_checks(result, catalogue)
    return [p for p in result.problems if p.check.startswith("licence-")]


def _yaml(country: str = "DE", markets: str = "[EU]", model: str = "") -> str:
    return f"""schema_version: 1
organisation:
  name: Lab
  country: {country}
system:
  id: s
  name: S
  markets: {markets}
models:
{model}"""


FINE_TUNE = """  - id: ft
    name: {name}
    origin: modified_third_party
    input_modalities: {modalities}
    licence:
      id: {licence}
    monthly_active_users: {users}
    base_model:
      id: upstream/base
      licence:
        id: {base}
{extra}"""


def _ft(**kw: object) -> str:
    values = {"name": "Llama Acme", "modalities": "[text]", "licence": "llama3.1", "users": 1000,
              "base": "llama3.1", "extra": "    attribution_notices: [Built with Llama]\n"}
    values.update(kw)
    return FINE_TUNE.format(**values)


def test_clean_fine_tune_has_no_findings(catalogue) -> None:
    assert _findings(catalogue, _yaml(model=_ft())) == []


def test_eu_exclusion_located_on_base_licence(catalogue) -> None:
    found = _findings(catalogue, _yaml(model=_ft(licence="llama3.2", base="llama3.2", modalities="[text, image]")))
    assert [(p.check, p.line, p.path) for p in found] == [
        ("licence-territory", 20, "models[0].base_model.licence.id"),
        ("licence-territory", 15, "models[0].licence.id"),
    ]
    # text-only models of Llama 3.2 are not covered by the exclusion
    assert _findings(catalogue, _yaml(model=_ft(licence="llama3.2", base="llama3.2"))) == []
    # a non-EU provider offering a product in the EU: end users are exempt
    assert _findings(catalogue, _yaml(country="US", model=_ft(licence="llama3.2", base="llama3.2",
                                                              modalities="[image]"))) == []


def test_use_in_territory_exclusion_follows_markets(catalogue) -> None:
    model = _ft(licence="LicenseRef-Tencent-Hunyuan-Community", base="LicenseRef-Tencent-Hunyuan-Community",
                extra="", name="Hy")
    found = _findings(catalogue, _yaml(country="US", model=model))
    assert {p.check for p in found} == {"licence-territory"}
    assert _findings(catalogue, _yaml(country="US", markets="[US]", model=model)) == []


def test_fine_tune_relicensed_against_base_terms(catalogue) -> None:
    found = _findings(catalogue, _yaml(model=_ft(licence="Apache-2.0")))
    assert [(p.check, p.line) for p in found] == [("licence-derivative", 15)]
    found = _findings(catalogue, _yaml(model=_ft(licence="MIT", base="creativeml-openrail-m", extra="")))
    assert [p.check for p in found] == ["licence-derivative"]
    # a RAIL derivative under another RAIL licence keeps use restrictions: no finding
    assert _findings(catalogue, _yaml(model=_ft(licence="openrail", base="creativeml-openrail-m", extra=""))) == []
    assert _findings(catalogue, _yaml(model=_ft(licence="Apache-2.0", base="MIT", extra=""))) == []


def test_missing_notice_and_name_prefix(catalogue) -> None:
    found = _findings(catalogue, _yaml(model=_ft(name="Acme Chat", extra="")))
    assert sorted((p.check, p.path) for p in found) == [
        ("licence-attribution", "models[0].base_model.licence.id"),
        ("licence-attribution", "models[0].licence.id"),
        ("licence-attribution", "models[0].name"),
        ("licence-attribution", "models[0].name"),
    ]
    found = _findings(catalogue, _yaml(model=_ft(extra="    attribution_notices: [Powered by Acme]\n")))
    assert {p.path for p in found} == {"models[0].attribution_notices"}
    assert _findings(catalogue, _yaml(model=_ft(name="llama-acme-8b"))) == []


@pytest.mark.parametrize("users,expected", [
    (559_999_999, []), (560_000_000, ["close to"]), (700_000_000, ["close to"]), (700_000_001, ["exceed"]),
])
def test_user_threshold_margin(catalogue, users: int, expected: list[str]) -> None:
    found = _findings(catalogue, _yaml(model=_ft(licence="Apache-2.0", base="MIT", users=users, extra="")))
    assert found == []  # no threshold on permissive licences
    found = [p for p in _findings(catalogue, _yaml(model=_ft(users=users))) if p.path == "models[0].base_model.licence.id"]
    assert [w for p in found for w in ("close to", "exceed") if w in p.message] == expected


def test_typo_in_licence_id_gets_a_hint(catalogue) -> None:
    found = _findings(catalogue, _yaml(model=_ft(licence="LicenseRef-Llama-3.1", base="lama3.1")))
    hints = {p.path: p.hint for p in found if p.check == "licence-unknown"}
    assert "LicenseRef-Llama3.1" in hints["models[0].licence.id"]
    assert "LicenseRef-Llama3.1" in hints["models[0].base_model.licence.id"]
    assert _findings(catalogue, _yaml(model=_ft(licence="LicenseRef-Acme-Custom", base="MIT", extra=""))) == []


# --------------------------------------------------------------------------- CLI


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "compliance", *args], capture_output=True, text=True)


def test_openness_command(tmp_path: Path) -> None:
    example = str(Path(__file__).resolve().parent.parent / "examples" / "small-permissive-open-model.yaml")
    first = _cli("openness", example, "--format", "json")
    assert first.returncode == 0, first.stderr
    data = json.loads(first.stdout)
    assert data["models"][0]["category"] == "open_source" and data["models"][0]["mof"]["class"] == "II"
    assert _cli("openness", example, "--format", "json").stdout == first.stdout
    text = _cli("openness", example)
    assert text.returncode == 0 and "Class II - Open Tooling" in text.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 1\norganisation: {}\n", "utf-8")
    broken = _cli("openness", str(bad))
    assert broken.returncode == 1 and "Traceback" not in broken.stderr and "hint:" in broken.stderr


# --------------------------------------------------------------------------- properties

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_CAT = load_catalogue(ROOT)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(_CAT.index)), st.lists(st.booleans(), min_size=60, max_size=60))
def test_lookup_ignores_case(spelling: str, upper: list[bool]) -> None:
    varied = "".join(c.upper() if u else c.lower() for c, u in zip(spelling, upper, strict=False))
    assert _CAT.lookup(varied).id == _CAT.index[spelling]


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"LicenseRef-[A-Za-z0-9.\-]{1,20}", fullmatch=True))
def test_any_licence_id_gives_a_verdict_or_not_catalogued(ident: str) -> None:
    facts = licence_facts(_CAT, ident)
    assert facts["aia_foss"] in {"yes", "no", "uncertain", "not_catalogued"}
    assert (facts["aia_foss"] == "not_catalogued") == (not facts["known"])
    data = openness(_descriptor([_model("m", licence={"id": ident})]), _CAT)["models"][0]
    assert data["category"] is None or data["licence"]["known"]
