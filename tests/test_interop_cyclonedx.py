"""`compliance export cyclonedx`: a CycloneDX 1.6 ML-BOM, valid against the 1.6 JSON schema
shipped with cyclonedx-python-lib (no network), deterministic, stated facts only."""

from __future__ import annotations

import copy
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from _interop import rich_descriptor
from hypothesis import HealthCheck, given, settings

from compliance.descriptor.model import Descriptor
from compliance.descriptor.validation import load_descriptor_file, parse_descriptor
from compliance.interop.cyclonedx import build_bom, dumps, export_cyclonedx
from compliance.interop.hf_card import card_to_descriptor, render

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
CARDS = ROOT / "tests" / "data" / "hf_cards"


@pytest.fixture(scope="module")
def validator() -> Any:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    return JsonStrictValidator(SchemaVersion.V1_6)


def load(path: Path) -> Descriptor:
    result = load_descriptor_file(path)
    assert result.descriptor is not None, [p.format() for p in result.errors]
    return result.descriptor


def imported(card: str) -> Descriptor:
    text = render(card_to_descriptor((CARDS / card).read_bytes()), card)
    result = parse_descriptor(text.encode(), card, None)
    assert result.descriptor is not None
    return result.descriptor


def assert_schema_valid(validator: Any, text: str) -> None:
    error = validator.validate_str(text)
    assert error is None, str(error)


def by_ref(bom: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["bom-ref"]: c for c in bom.get("components", [])}


def props(component: dict[str, Any]) -> dict[str, str]:
    return {p["name"]: p["value"] for p in component.get("properties", [])}


# --------------------------------------------------------------------------- schema validity


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_examples_export_valid_cyclonedx_16(validator: Any, path: Path) -> None:
    text = export_cyclonedx(load(path), dt.datetime(2026, 11, 25, tzinfo=dt.UTC))
    assert_schema_valid(validator, text)
    bom = json.loads(text)
    assert bom["specVersion"] == "1.6" and bom["bomFormat"] == "CycloneDX"


@pytest.mark.parametrize("card", ["llama31-finetune.md", "mit-text-classifier.md",
                                  "other-licence-merge.md"])
def test_imported_drafts_export_valid_cyclonedx(validator: Any, card: str) -> None:
    assert_schema_valid(validator, export_cyclonedx(imported(card), None))


def test_the_validator_rejects_what_the_schema_forbids(validator: Any) -> None:
    """The schema check is real: a key the 1.6 model card does not define fails it."""
    bom = build_bom(load(ROOT / "examples" / "fine-tuner.yaml"), None)
    broken = copy.deepcopy(bom)
    model = by_ref(broken)["model:werkbank-solstice-13b-ft"]
    model["modelCard"]["modelParameters"]["trainingCompute"] = "2.4e23"
    assert validator.validate_str(dumps(broken)) is not None
    broken = copy.deepcopy(bom)
    by_ref(broken)["data:werkbank-solstice-13b-ft:1"]["data"][0]["type"] = "corpus"
    assert validator.validate_str(dumps(broken)) is not None


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rich_descriptor)
def test_any_valid_descriptor_exports_a_valid_bom(validator: Any, data: dict[str, Any]) -> None:
    descriptor = Descriptor.model_validate(data)
    assert_schema_valid(validator, export_cyclonedx(descriptor, None))


# --------------------------------------------------------------------------- content


def test_fine_tuner_ml_bom_content() -> None:
    bom = build_bom(load(ROOT / "examples" / "fine-tuner.yaml"), None)
    assert bom["metadata"]["component"]["name"] == "Werkbank Assist"
    assert bom["metadata"]["manufacturer"]["name"] == "Werkstattwissen GmbH"
    components = by_ref(bom)
    model = components["model:werkbank-solstice-13b-ft"]
    assert model["type"] == "machine-learning-model"
    assert model["supplier"]["name"] == "Northwind Open Models Ltd"
    assert model["licenses"] == [{"expression": "LicenseRef-Werkstattwissen-Proprietary"}]
    ancestor = model["pedigree"]["ancestors"][0]
    assert ancestor["name"] == "northwind/solstice-13b-base"
    assert ancestor["licenses"][0]["license"]["id"] == "Apache-2.0"
    assert props(ancestor)["compliance:training_compute.flop"] == "2.4e+23"
    facts = props(model)
    assert facts["compliance:modification_compute_flop"] == "1.8e+21"
    assert facts["compliance:origin"] == "modified_third_party"
    assert facts["compliance:weights_public"] == "false"
    card = model["modelCard"]
    assert card["modelParameters"]["inputs"] == [{"format": "text"}]
    refs = [d["ref"] for d in card["modelParameters"]["datasets"]]
    assert refs == ["data:werkbank-solstice-13b-ft:1", "data:werkbank-solstice-13b-ft:2"]
    for ref in refs:  # every dataset reference resolves to a data component
        assert components[ref]["type"] == "data"
        assert components[ref]["data"][0]["type"] == "dataset"
    tickets = components["data:werkbank-solstice-13b-ft:2"]
    assert tickets["data"][0]["sensitiveData"] == ["personal data"]
    assert props(tickets)["compliance:source.personal_data"] == "true"
    manuals = components["data:werkbank-solstice-13b-ft:1"]
    assert "sensitiveData" not in manuals["data"][0]  # personal_data: false is not "sensitive"
    deps = {d["ref"]: d.get("dependsOn", []) for d in bom["dependencies"]}
    assert deps["system:werkbank-assist"] == ["model:werkbank-solstice-13b-ft"]
    assert deps["model:werkbank-solstice-13b-ft"] == refs


def test_model_level_facts_in_the_model_card_and_properties() -> None:
    """Intended tasks are modelParameters.task, integration targets lead the use cases; the
    facts the 1.6 model card has no field for (releases, size limits, documentation version,
    training-content facts) are compliance:* properties."""
    bom = build_bom(load(ROOT / "examples" / "frontier-model-provider.yaml"), None)
    model = by_ref(bom)["model:sol-3"]
    card = model["modelCard"]
    assert card["modelParameters"]["task"].startswith("General-purpose text, code and image")
    assert card["considerations"]["useCases"] == [
        "Assistants and chat products, coding tools, document-processing and search "
        "applications built on the API; not intended as a safety component of products or for "
        "Annex III uses.",
        "Members of the public and employees of business customers chat with the assistant "
        "and generate text, code and images."]
    facts = props(model)
    assert facts["compliance:release_date"] == "2026-05-12"
    assert facts["compliance:releases"] == (
        "chat_interface 2026-05-12 (Quillmere Chat, worldwide); mobile_app 2026-05-12 "
        "(Quillmere Chat apps); api 2026-05-19 (Quillmere API)")
    assert facts["compliance:documentation_version"] == "3.0.1"
    assert facts["compliance:documentation_updated"] == "2026-11-30"
    assert facts["compliance:training_data.latest_collection_date"] == "2025-12"
    assert facts["compliance:training_data.collection_continues"] == "true"
    assert "compliance:parameter_range" not in facts  # not stated: absent
    halcyon = by_ref(build_bom(load(ROOT / "examples" / "open-weights-gpai-community-licence.yaml"),
                               None))["model:halcyon-70b"]
    facts = props(halcyon)
    assert facts["compliance:max_input_sizes"] == ("text: 131072 tokens (shared with the output); "
                                                   "code: 131072 tokens (shared with the output)")
    assert facts["compliance:training_data.modalities"].startswith(
        "text: 6300000000000 tokens (web pages; books; ")
    assert facts["compliance:training_data.summary_version"] == "1.0"


def test_model_card_quantitative_analysis_from_evaluations() -> None:
    bom = build_bom(imported("mit-text-classifier.md"), None)
    model = by_ref(bom)["model:tiny-sentiment-distilbert"]
    metrics = model["modelCard"]["quantitativeAnalysis"]["performanceMetrics"]
    assert metrics == [{"type": "accuracy", "value": "0.9312", "slice": "IMDB / test"},
                       {"type": "f1", "value": "0.9307", "slice": "IMDB / test"}]
    assert model["licenses"] == [{"license": {"id": "MIT"}}]


def test_unknown_facts_are_absent() -> None:
    """A draft from a card states almost nothing: the BOM must not invent the rest."""
    bom = build_bom(imported("other-licence-merge.md"), None)
    model = by_ref(bom)["model:model"]
    assert "supplier" not in model and "pedigree" not in model and "version" not in model
    assert "modelCard" not in model  # no architecture, datasets, modalities or metrics known
    assert set(props(model)) == {"compliance:origin", "compliance:languages"}
    fine_tuner = by_ref(build_bom(load(ROOT / "examples" / "fine-tuner.yaml"), None))
    considerations = fine_tuner["model:werkbank-solstice-13b-ft"]["modelCard"]["considerations"]
    assert "technicalLimitations" not in considerations  # the descriptor states none
    assert "timestamp" not in bom["metadata"]


# --------------------------------------------------------------------------- determinism


def test_export_is_deterministic_and_serial_tracks_the_facts(tmp_path: Path) -> None:
    path = ROOT / "examples" / "fine-tuner.yaml"
    first = export_cyclonedx(load(path), None)
    assert first == export_cyclonedx(load(path), None)
    # Comments and key order do not change the facts, so not the serial number either.
    reordered = tmp_path / "same.yaml"
    reordered.write_text("# a comment\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    assert json.loads(export_cyclonedx(load(reordered), None))["serialNumber"] == \
        json.loads(first)["serialNumber"]
    changed = tmp_path / "changed.yaml"
    changed.write_text(path.read_text(encoding="utf-8").replace(
        "parameters: 13000000000", "parameters: 13500000000"), encoding="utf-8")
    assert json.loads(export_cyclonedx(load(changed), None))["serialNumber"] != \
        json.loads(first)["serialNumber"]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    full_env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "compliance", *args], check=False,
                          capture_output=True,
                          text=True, cwd=ROOT, timeout=120, env=full_env)


def test_cli_timestamps_only_from_as_of_or_source_date_epoch(tmp_path: Path) -> None:
    example = str(ROOT / "examples" / "fine-tuner.yaml")
    plain = run("export", "cyclonedx", example)
    assert plain.returncode == 0, plain.stderr
    assert "timestamp" not in json.loads(plain.stdout)["metadata"]
    dated = run("export", "cyclonedx", example, "--as-of", "2026-11-25")
    assert json.loads(dated.stdout)["metadata"]["timestamp"].startswith("2026-11-25T00:00:00")
    epoch = run("export", "cyclonedx", example, env={"SOURCE_DATE_EPOCH": "1764028800"})
    assert json.loads(epoch.stdout)["metadata"]["timestamp"].startswith("2025-11-25T00:00:00")
    out = tmp_path / "bom.json"
    written = run("export", "cyclonedx", example, "-o", str(out), "--as-of", "2026-11-25")
    assert written.returncode == 0 and out.read_text() == dated.stdout


def test_cli_invalid_descriptor_exit_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 1\norganisation: {name: X}\n")
    result = run("export", "cyclonedx", str(bad))
    assert result.returncode == 1
    assert "is not a valid descriptor" in result.stderr and "Traceback" not in result.stderr
    assert run("export", "cyclonedx", str(bad), "--as-of", "2026-02-30").returncode == 2


def test_validation_path_does_not_import_the_interop_libraries() -> None:
    code = (
        "import sys\n"
        "from compliance.cli import main\n"
        "try:\n"
        f"    main(['validate', '-q', {str(EXAMPLES[0])!r}])\n"
        "except SystemExit:\n"
        "    pass\n"
        "bad = [m for m in ('cyclonedx', 'spdx_python_model', 'compliance.interop') "
        "if m in sys.modules]\n"
        "print(bad)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True,
                            text=True, cwd=ROOT, timeout=120)
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stdout + result.stderr


@pytest.mark.parametrize(("url", "expected"), [
    ("%", "%25"), ("a b", "a%20b"), ("\ue000", "%EE%80%80"), ("%zz", "%25zz"),
    ("https://x.org/a%20b?q=é#f", "https://x.org/a%20b?q=%C3%A9#f"),
])
def test_urls_become_valid_uri_references(url: str, expected: str) -> None:
    """Found by Hypothesis: a private-use character or a lone % in a source URL made the BOM
    invalid (format iri-reference)."""
    from compliance.interop.cyclonedx import _uri

    assert _uri(url) == expected
