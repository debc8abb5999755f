"""`compliance export spdx`: SPDX 3.0.1 JSON-LD with the AI and Dataset profiles.

No PyPI package ships the official SPDX 3 JSON schema for offline use (checked 2026-11-25:
spdx-python-model 0.0.6, spdx-tools 0.8.5, spdx3-validate 0.0.7 fetches it from spdx.org), so
every document is checked twice, independently:
1. loaded with spdx-python-model's SHACL-generated 3.0.1 bindings and serialised again (unknown
   classes or properties, wrong enumeration values, missing required properties all fail);
2. validated against tests/data/spdx-3.0.1-subset.schema.json, a hand-written, closed subset
   schema of the classes the export emits (property types, IRIs, date-time format).
Plus referential integrity: every IRI the document uses names an element in it.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from _interop import rich_descriptor
from hypothesis import HealthCheck, given, settings

from compliance.descriptor.model import Descriptor
from compliance.descriptor.validation import load_descriptor_file, parse_descriptor
from compliance.interop.hf_card import card_to_descriptor, render
from compliance.interop.spdx import build_document, export_spdx

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
CARDS = ROOT / "tests" / "data" / "hf_cards"
SUBSET_SCHEMA = ROOT / "tests" / "data" / "spdx-3.0.1-subset.schema.json"
WHEN = dt.datetime(2026, 11, 25, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def subset_validator() -> Any:
    import jsonschema

    schema = json.loads(SUBSET_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def load(path: Path) -> Descriptor:
    result = load_descriptor_file(path)
    assert result.descriptor is not None, [p.format() for p in result.errors]
    return result.descriptor


def imported(card: str) -> Descriptor:
    text = render(card_to_descriptor((CARDS / card).read_bytes()), card)
    result = parse_descriptor(text.encode(), card, None)
    assert result.descriptor is not None
    return result.descriptor


def check_with_bindings(document: dict[str, Any]) -> None:
    import spdx_python_model
    from spdx_python_model import v3_0_1 as model

    version, objects = spdx_python_model.load_data(copy.deepcopy(document))
    assert version is model
    model.JSONLDSerializer().serialize_data(objects)  # enforces required properties
    assert not objects.missing_ids


def referenced_iris(value: Any, key: str = "") -> set[str]:
    refs: set[str] = set()
    if isinstance(value, dict):
        for k, v in value.items():
            if k not in ("spdxId", "@id", "@context"):
                refs |= referenced_iris(v, k)
    elif isinstance(value, list):
        for item in value:
            refs |= referenced_iris(item, key)
    elif isinstance(value, str) and key in ("from", "to", "rootElement", "element", "suppliedBy",
                                            "createdBy", "createdUsing", "creationInfo"):
        refs.add(value)
    return refs


def assert_valid(document: dict[str, Any], validator: Any) -> None:
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message[:200]}" for e in errors[:5]]
    check_with_bindings(document)
    graph = document["@graph"]
    ids = [e.get("spdxId") or e.get("@id") for e in graph]
    assert len(ids) == len(set(ids)), "duplicate element ids"
    assert referenced_iris(graph) <= set(ids)
    doc = next(e for e in graph if e["type"] == "SpdxDocument")
    # the one blank node: the serializer names it (_:CreationInfo0) and puts it first
    creation = graph[0]
    assert creation["type"] == "CreationInfo" and creation["@id"].startswith("_:")
    assert set(doc["element"]) == set(ids) - {doc["spdxId"], creation["@id"]}


def of_type(document: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e for e in document["@graph"] if e["type"] == kind]


def relations(document: dict[str, Any], kind: str) -> dict[str, list[str]]:
    return {r["from"]: r["to"] for r in of_type(document, "Relationship")
            if r["relationshipType"] == kind}


# --------------------------------------------------------------------------- validity


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_examples_export_valid_spdx(subset_validator: Any, path: Path) -> None:
    assert_valid(build_document(load(path), WHEN), subset_validator)


@pytest.mark.parametrize("card", ["llama31-finetune.md", "mit-text-classifier.md",
                                  "other-licence-merge.md"])
def test_imported_drafts_export_valid_spdx(subset_validator: Any, card: str) -> None:
    assert_valid(build_document(imported(card), WHEN), subset_validator)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rich_descriptor)
def test_any_valid_descriptor_exports_valid_spdx(subset_validator: Any,
                                                 data: dict[str, Any]) -> None:
    assert_valid(build_document(Descriptor.model_validate(data), WHEN), subset_validator)


@pytest.mark.parametrize(("mutate", "caught_by"), [
    (lambda d: of_type(d, "ai_AIPackage")[0].__setitem__("ai_trainingCompute", "1e23"), "both"),
    (lambda d: of_type(d, "dataset_DatasetPackage")[0].__setitem__(
        "dataset_hasSensitivePersonalInformation", "maybe"), "both"),
    (lambda d: of_type(d, "dataset_DatasetPackage")[0].pop("dataset_datasetType"), "both"),
    (lambda d: of_type(d, "Relationship")[0].__setitem__("relationshipType", "trainedWith"),
     "both"),
    (lambda d: of_type(d, "ai_AIPackage")[0].__setitem__("ai_typeOfModel", "transformer"),
     "schema"),
    (lambda d: of_type(d, "CreationInfo")[0].__setitem__("created", "2026-11-25"), "both"),
])
def test_the_checks_reject_broken_documents(subset_validator: Any, mutate: Any,
                                            caught_by: str) -> None:
    document = build_document(load(ROOT / "examples" / "fine-tuner.yaml"), WHEN)
    mutate(document)
    assert list(subset_validator.iter_errors(document)), "subset schema accepted it"
    if caught_by == "both":
        with pytest.raises(Exception):  # noqa: B017 - the bindings raise several types
            check_with_bindings(document)


# --------------------------------------------------------------------------- content


def test_fine_tuner_ai_and_dataset_profiles() -> None:
    document = build_document(load(ROOT / "examples" / "fine-tuner.yaml"), WHEN)
    creation = of_type(document, "CreationInfo")[0]
    assert creation["created"] == "2026-11-25T00:00:00Z" and creation["specVersion"] == "3.0.1"
    doc = of_type(document, "SpdxDocument")[0]
    assert {"ai", "dataset", "software", "core"} <= set(doc["profileConformance"])
    system = of_type(document, "software_Package")[0]
    assert doc["rootElement"] == [system["spdxId"]]
    assert system["software_primaryPurpose"] == "application"
    models = {m["name"]: m for m in of_type(document, "ai_AIPackage")}
    model = models["Werkbank Solstice-13B fine-tune"]
    base = models["northwind/solstice-13b-base"]
    assert model["software_primaryPurpose"] == "model"
    assert model["ai_useSensitivePersonalInformation"] == "yes"  # the tickets hold personal data
    assert {"type": "DictionaryEntry", "key": "parameters", "value": "13000000000"} in \
        model["ai_hyperparameter"]
    props = {p["extension_cdxPropName"]: p["extension_cdxPropValue"]
             for p in model["extension"][0]["extension_cdxProperty"]}
    assert props["compliance:modification_compute_flop"] == "1.8e+21"
    datasets = {d["spdxId"]: d for d in of_type(document, "dataset_DatasetPackage")}
    assert sorted(relations(document, "trainedOn")[model["spdxId"]]) == sorted(datasets)
    assert sorted(d["dataset_hasSensitivePersonalInformation"] for d in datasets.values()) == \
        ["no", "yes"]
    assert all(d["dataset_datasetType"] == ["text"] for d in datasets.values())
    assert relations(document, "descendantOf")[model["spdxId"]] == [base["spdxId"]]
    assert relations(document, "contains")[system["spdxId"]] == [model["spdxId"]]
    licences = {e["spdxId"]: e["simplelicensing_licenseExpression"]
                for e in of_type(document, "simplelicensing_LicenseExpression")}
    declared = {r["from"]: licences[r["to"][0]] for r in of_type(document, "Relationship")
                if r["relationshipType"] == "hasDeclaredLicense"}
    assert declared == {model["spdxId"]: "LicenseRef-Werkstattwissen-Proprietary",
                        base["spdxId"]: "Apache-2.0"}


def test_model_level_facts_in_the_ai_profile() -> None:
    """Intended tasks are ai_domain, integration targets ai_informationAboutApplication, the
    first release releaseTime; the rest travels as compliance:* properties."""
    document = build_document(load(ROOT / "examples" / "open-weights-gpai-community-licence.yaml"),
                              WHEN)
    model = next(m for m in of_type(document, "ai_AIPackage") if m["name"] == "Halcyon-70B-Instruct")
    assert model["ai_domain"] == [
        "General-purpose instruction following in English and the main EU languages: question "
        "answering, drafting, summarising and translating text, and writing and explaining code. "
        "Not intended for medical, legal or financial advice without human review, or for uses "
        "the acceptable-use policy prohibits."]
    assert model["ai_informationAboutApplication"].startswith("Chat assistants, retrieval-augmented")
    assert model["releaseTime"] == "2026-03-10T00:00:00Z"
    # the descriptor states no standard compliance or limitation of a model
    assert "ai_standardCompliance" not in model and "ai_limitation" not in model
    props = {p["extension_cdxPropName"]: p["extension_cdxPropValue"]
             for p in model["extension"][0]["extension_cdxProperty"]}
    assert "compliance:release_date" not in props  # it is releaseTime
    assert props["compliance:releases"].startswith("hub 2026-03-10 (worldwide, click-through")
    assert props["compliance:max_output_sizes"] == ("text: 8192 tokens per response; "
                                                    "code: 8192 tokens per response")
    assert props["compliance:documentation_version"] == "1.1"
    assert props["compliance:training_data.languages"] == "en, de, fr, es, it, pt, nl, pl"
    assert props["compliance:training_data.latest_collection_date"] == "2025-06"


def test_evaluations_become_ai_metrics() -> None:
    document = build_document(imported("mit-text-classifier.md"), WHEN)
    model = of_type(document, "ai_AIPackage")[0]
    assert model["ai_metric"] == [
        {"type": "DictionaryEntry", "key": "accuracy (IMDB / test)", "value": "0.9312"},
        {"type": "DictionaryEntry", "key": "f1 (IMDB / test)", "value": "0.9307"}]


def test_unknown_facts_are_absent_not_false() -> None:
    document = build_document(imported("llama31-finetune.md"), WHEN)
    model = next(m for m in of_type(document, "ai_AIPackage")
                 if m["name"] == "Acme-Support-Llama-3.1-8B")
    # personal_data of the sources is unknown, so is the model's use of personal information.
    assert "ai_useSensitivePersonalInformation" not in model
    assert "suppliedBy" not in model and "ai_hyperparameter" not in model
    for absent in ("ai_domain", "ai_informationAboutApplication", "releaseTime"):
        assert absent not in model
    for dataset in of_type(document, "dataset_DatasetPackage"):
        assert "dataset_hasSensitivePersonalInformation" not in dataset
        assert dataset["dataset_datasetType"] == ["noAssertion"]  # modalities unknown


# --------------------------------------------------------------------------- determinism


def test_export_is_deterministic_and_ids_track_the_facts() -> None:
    descriptor = load(ROOT / "examples" / "fine-tuner.yaml")
    first = export_spdx(descriptor, WHEN)
    assert first == export_spdx(descriptor, WHEN)
    other = load(ROOT / "examples" / "small-permissive-open-model.yaml")
    first_doc = of_type(json.loads(first), "SpdxDocument")[0]["spdxId"]
    assert first_doc != of_type(json.loads(export_spdx(other, WHEN)), "SpdxDocument")[0]["spdxId"]
    assert first.replace("2026-11-25", "2027-01-01") == export_spdx(
        descriptor, dt.datetime(2027, 1, 1, tzinfo=dt.UTC))


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "compliance", *args], check=False,
                          capture_output=True,
                          text=True, cwd=ROOT, timeout=120, env=full_env)


def test_cli_created_time(tmp_path: Path) -> None:
    example = str(ROOT / "examples" / "fine-tuner.yaml")
    dated = run("export", "spdx", example, "--as-of", "2026-11-25")
    assert dated.returncode == 0, dated.stderr
    assert json.loads(dated.stdout)["@graph"][0]["created"] == "2026-11-25T00:00:00Z"
    epoch = run("export", "spdx", example, env={"SOURCE_DATE_EPOCH": "1764028800"})
    assert json.loads(epoch.stdout)["@graph"][0]["created"] == "2025-11-25T00:00:00Z"
    assert epoch.stdout == run("export", "spdx", example,
                               env={"SOURCE_DATE_EPOCH": "1764028800"}).stdout
    undated = run("export", "spdx", example)
    assert undated.returncode == 0
    assert "SPDX needs a creation time; using today" in undated.stderr
    bad_epoch = run("export", "spdx", example, env={"SOURCE_DATE_EPOCH": "yesterday"})
    assert bad_epoch.returncode == 2 and "SOURCE_DATE_EPOCH" in bad_epoch.stderr
    out = tmp_path / "doc.spdx.json"
    assert run("export", "spdx", example, "--as-of", "2026-11-25", "-o", str(out)).returncode == 0
    assert out.read_text() == dated.stdout
