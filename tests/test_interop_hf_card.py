"""`compliance import hf-card`: drafts from Hugging Face model cards, never guessed facts."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from _interop import rich_descriptor
from hypothesis import given, settings
from hypothesis import strategies as st

from compliance.descriptor.model import Modality
from compliance.descriptor.validation import parse_descriptor
from compliance.descriptor.yamlio import load_text
from compliance.interop.hf_card import (
    HF_LICENCES,
    PIPELINE_MODALITIES,
    PIPELINE_UNSETTLED,
    PLACEHOLDER,
    CardError,
    card_to_descriptor,
    render,
)

ROOT = Path(__file__).resolve().parent.parent
CARDS = ROOT / "tests" / "data" / "hf_cards"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "compliance", *args], check=False,
                          capture_output=True,
                          text=True, cwd=cwd or ROOT, timeout=120)


def draft(name: str) -> tuple[str, dict[str, Any]]:
    result = card_to_descriptor((CARDS / name).read_bytes())
    text = render(result, name)
    return text, load_text(text).data


def flat(text: str) -> str:
    """The comment block with wrapped lines joined, for substring checks."""
    return re.sub(r"\n#     +", " ", text)


def model_of(data: dict[str, Any]) -> dict[str, Any]:
    assert len(data["models"]) == 1
    return data["models"][0]


def assert_valid(text: str) -> None:
    loaded = parse_descriptor(text.encode(), "draft.yaml", None)
    assert not loaded.errors, [p.format() for p in loaded.errors]


# --------------------------------------------------------------------------- realistic cards


def test_llama_31_finetune_card() -> None:
    text, data = draft("llama31-finetune.md")
    assert_valid(text)
    model = model_of(data)
    assert model["licence"] == {"id": "LicenseRef-Llama3.1",
                                "name": "Llama 3.1 Community License Agreement"}
    assert model["origin"] == "modified_third_party"
    assert model["base_model"] == {"id": "meta-llama/Llama-3.1-8B-Instruct"}
    assert model["input_modalities"] == ["text"] and model["output_modalities"] == ["text"]
    assert model["languages"] == ["en", "de", "fr"]
    assert model["name"] == "Acme-Support-Llama-3.1-8B"
    assert model["training_data"] == {"sources": [
        {"name": "HuggingFaceH4/ultrachat_200k",
         "url": "https://huggingface.co/datasets/HuggingFaceH4/ultrachat_200k"},
        {"name": "acme-support/tickets-2025-redacted",
         "url": "https://huggingface.co/datasets/acme-support/tickets-2025-redacted"},
    ]}
    # Two numeric results; the "N/A" one is not imported and is reported.
    assert [(e["metric"], e["value"], e.get("split")) for e in model["evaluations"]] == [
        ("strict accuracy", 76.4, "train"), ("accuracy", 31.9, "test")]
    assert "model-index: 1 metric(s) without a numeric value" in flat(text)
    # Nothing the card does not state: no provider, compute, weights, booleans at all.
    for absent in ("provider", "parameters", "training_compute", "weights_public", "energy",
                   "documentation_url"):
        assert absent not in model
    assert data["organisation"] == {"name": PLACEHOLDER}
    assert data["system"] == {"id": PLACEHOLDER, "name": PLACEHOLDER}
    # The comment block names the placeholders, the CO2 figure it did not convert, and checks.
    assert "# PLACEHOLDERS" in text and "organisation.name: REPLACE-ME" in text
    assert "co2_eq_emissions: CO2-equivalent emissions" in flat(text)
    assert "if your organisation provides that base model itself, change it to own" in flat(text)
    header = text.split("schema_version:")[0]
    assert all(line.startswith("#") for line in header.splitlines())


def test_mit_text_classifier_card() -> None:
    text, data = draft("mit-text-classifier.md")
    assert_valid(text)
    model = model_of(data)
    assert model["licence"]["id"] == "MIT"
    assert "origin" not in model and "base_model" not in model  # no base model named
    assert model["input_modalities"] == ["text"]
    assert model["output_modalities"] == ["structured"]
    assert model["languages"] == ["en"]  # a single string becomes a one-item list
    assert [e["value"] for e in model["evaluations"]] == [0.9312, 0.9307]
    assert "metrics: metric names without values" in flat(text)
    assert "UNRECOGNISED LICENCES" not in text


def test_custom_licence_and_merge() -> None:
    text, data = draft("other-licence-merge.md")
    assert_valid(text)
    model = model_of(data)
    assert model["licence"] == {"id": "LicenseRef-coqui-public-model-license",
                                "name": "coqui-public-model-license",
                                "url": "https://coqui.ai/cpml"}
    assert "# UNRECOGNISED LICENCES" in text
    assert "coqui-public-model-license (license: other)" in flat(text)
    # Several base models: the descriptor holds one, so none is picked.
    assert model["origin"] == "modified_third_party" and "base_model" not in model
    assert "names several base models" in flat(text)
    # any-to-any does not settle modalities.
    assert "input_modalities" not in model and "output_modalities" not in model
    assert model["languages"] == ["no", "sv"]  # Norwegian stays the string "no"
    assert model["id"] == "model" and "models[0].id: model" in text


def test_unknown_hub_licence_is_kept_as_licenseref_and_listed(tmp_path: Path) -> None:
    card = tmp_path / "README.md"
    card.write_text("---\nlicense: apple-amlr\n---\n")
    text = render(card_to_descriptor(card.read_bytes()), "README.md")
    assert_valid(text)
    assert model_of(load_text(text).data)["licence"]["id"] == "LicenseRef-HF-apple-amlr"
    assert "apple-amlr (not in the Hub licence table this tool knows)" in flat(text)


def test_licence_family_is_not_given_a_version(tmp_path: Path) -> None:
    card = tmp_path / "README.md"
    card.write_text("---\nlicense: gpl\n---\n")
    text = render(card_to_descriptor(card.read_bytes()), "README.md")
    assert model_of(load_text(text).data)["licence"]["id"] == "LicenseRef-HF-gpl"
    assert "a licence family: the version cannot be derived" in flat(text)


def test_license_unknown_stays_unknown(tmp_path: Path) -> None:
    card = tmp_path / "README.md"
    card.write_text("---\nlicense: unknown\npipeline_tag: text-to-image\n---\n")
    text = render(card_to_descriptor(card.read_bytes()), "README.md")
    model = model_of(load_text(text).data)
    assert "licence" not in model
    assert model["output_modalities"] == ["image"]
    assert "the card says license: unknown" in flat(text)


# --------------------------------------------------------------------------- bad cards


def test_no_front_matter_exit_1_located() -> None:
    card = CARDS / "no-front-matter.md"
    result = run("import", "hf-card", str(card))
    assert result.returncode == 1
    assert f"{card}:1:1: error: the model card has no YAML front matter" in result.stdout
    assert "hint:" in result.stdout
    assert "Traceback" not in result.stderr


def test_malformed_yaml_exit_1_at_card_line() -> None:
    card = CARDS / "malformed-yaml.md"
    result = run("import", "hf-card", str(card))
    assert result.returncode == 1
    # The bad list item is on line 6 of the card (line 5 of the front matter).
    assert f"{card}:6:2: error: YAML syntax error" in result.stdout
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("body", "line", "message"), [
    ("---\nlicense: mit\nlicense: apache-2.0\n---\n", 3, "duplicate key 'license'"),
    ("---\nlicense: mit\n", 1, "never closed"),
    ("---\n---\n# empty\n", 2, "front matter is empty"),
    ("---\n- a\n- b\n---\n", 2, "must be a YAML mapping"),
    ("---\nlicense:\n  - mit\n  - apache-2.0\n---\n", 3, "'license' must be a single value"),
    ("---\nbase_model:\n  id: x\n---\n", 3, "'base_model' entries must be plain values"),
    ("---\nlicense: !!python/name:os.system mit\n---\n", 2, "unsupported YAML tag"),
    ("---\nmodel-index: {name: x}\n---\n", 2, "'model-index' must be a list"),
])
def test_bad_cards_are_located(body: str, line: int, message: str) -> None:
    with pytest.raises(CardError) as info:
        card_to_descriptor(body.encode())
    assert info.value.line == line
    assert message in info.value.message


def test_binary_card_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    card = tmp_path / "README.md"
    card.write_bytes(b"---\nlicense: \xff\xfe\n---\n")
    result = run("import", "hf-card", str(card))
    assert result.returncode == 1
    assert "not valid UTF-8" in result.stdout
    assert "Traceback" not in result.stderr


# --------------------------------------------------------------------------- the command


def test_cli_writes_a_draft_that_validates(tmp_path: Path) -> None:
    out = tmp_path / "ai-system.yaml"
    result = run("import", "hf-card", str(CARDS / "llama31-finetune.md"), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "placeholder(s) to replace" in result.stderr
    check = run("validate", str(out))
    assert check.returncode == 0, check.stdout
    assert " error:" not in check.stdout
    # Refuses to overwrite without --force (usage error), overwrites with it.
    again = run("import", "hf-card", str(CARDS / "llama31-finetune.md"), "-o", str(out))
    assert again.returncode == 2 and "already exists" in again.stderr
    forced = run("import", "hf-card", str(CARDS / "mit-text-classifier.md"), "-o", str(out),
                 "--force")
    assert forced.returncode == 0
    assert "tiny-sentiment-distilbert" in out.read_text()


def test_cli_prints_to_stdout_deterministically() -> None:
    first = run("import", "hf-card", str(CARDS / "llama31-finetune.md"))
    second = run("import", "hf-card", str(CARDS / "llama31-finetune.md"))
    assert first.returncode == 0
    assert first.stdout == second.stdout
    assert first.stdout.startswith("# Draft descriptor imported from the Hugging Face model card")


# --------------------------------------------------------------------------- the tables


def test_licence_table_ids_are_well_formed_and_spdx_ids_are_listed() -> None:
    from cyclonedx import spdx

    pattern = re.compile(r"^(LicenseRef-[A-Za-z0-9.\-]+|[A-Za-z0-9][A-Za-z0-9.+\-]*)$")
    for hub_id, (licence_id, name) in HF_LICENCES.items():
        assert pattern.match(licence_id), hub_id
        assert name
        if not licence_id.startswith("LicenseRef-"):
            # Cross-check against the SPDX licence list shipped with cyclonedx-python-lib.
            assert spdx.is_supported_id(licence_id), (hub_id, licence_id)


def test_licence_table_agrees_with_the_licence_catalogue() -> None:
    """The importer looks licences up in the rule data's catalogue first; its own table must
    give the same id for every Hub id the catalogue knows."""
    from compliance.law.licences import load_catalogue
    from compliance.paths import rules_dir

    catalogue = load_catalogue(rules_dir())
    checked = 0
    for entry in catalogue.entries.values():
        if entry.hf_id and entry.hf_id.lower() in HF_LICENCES:
            assert HF_LICENCES[entry.hf_id.lower()][0] == entry.id, entry.hf_id
            checked += 1
    assert checked >= 10


def test_custom_licence_known_to_the_catalogue_by_name(tmp_path: Path) -> None:
    card = tmp_path / "README.md"
    card.write_text("---\nlicense: other\nlicense_name: qwen\n"
                    "license_link: https://huggingface.co/Qwen/Qwen2.5-72B/blob/main/LICENSE\n---\n")
    text = render(card_to_descriptor(card.read_bytes()), "README.md")
    assert_valid(text)
    licence = model_of(load_text(text).data)["licence"]
    assert licence["id"] == "LicenseRef-Qwen"
    assert licence["url"] == "https://huggingface.co/Qwen/Qwen2.5-72B/blob/main/LICENSE"
    assert "found in the licence catalogue" in flat(text)
    assert "UNRECOGNISED LICENCES" not in text


def test_pipeline_table_uses_the_descriptor_vocabulary() -> None:
    vocabulary = {m.value for m in Modality}
    assert not set(PIPELINE_MODALITIES) & PIPELINE_UNSETTLED
    for tag, (inputs, outputs) in PIPELINE_MODALITIES.items():
        assert set(inputs) <= vocabulary and set(outputs) <= vocabulary, tag
        assert inputs or outputs, tag


# --------------------------------------------------------------------------- invariants

hub_ids = st.from_regex(r"[a-z][a-z0-9-]{0,10}(/[A-Za-z0-9][A-Za-z0-9._-]{0,12})?", fullmatch=True)
card_values = st.fixed_dictionaries({}, optional={
    "license": st.sampled_from([*HF_LICENCES, "other", "unknown", "gpl", "weird-licence"]),
    "license_name": st.from_regex(r"[a-z][a-z0-9 -]{0,20}", fullmatch=True),
    "license_link": st.just("https://example.org/licence"),
    "base_model": st.one_of(hub_ids, st.lists(hub_ids, min_size=1, max_size=3)),
    "base_model_relation": st.sampled_from(["adapter", "merge", "quantized", "finetune"]),
    "datasets": st.lists(hub_ids, max_size=3),
    "pipeline_tag": st.sampled_from([*PIPELINE_MODALITIES, *PIPELINE_UNSETTLED, "new-task"]),
    "language": st.one_of(st.sampled_from(["en", "no", "de"]),
                          st.lists(st.sampled_from(["en", "fr", "no", "yes", "on"]), max_size=3)),
    "tags": st.lists(st.sampled_from(["a", "b"]), max_size=2),
    "co2_eq_emissions": st.fixed_dictionaries({"emissions": st.integers(0, 10**6)}),
    "model-index": st.lists(st.fixed_dictionaries({
        "name": st.from_regex(r"[A-Za-z][A-Za-z0-9 ._-]{0,20}", fullmatch=True),
        "results": st.lists(st.fixed_dictionaries({
            "task": st.fixed_dictionaries({"type": st.just("text-generation")}),
            "dataset": st.fixed_dictionaries({"name": st.just("ds"), "type": st.just("ds")}),
            "metrics": st.lists(st.fixed_dictionaries({
                "type": st.sampled_from(["acc", "f1"]),
                "value": st.one_of(st.floats(-1e6, 1e6, allow_nan=False), st.just("N/A")),
            }), max_size=3),
        }), max_size=2),
    }), max_size=2),
})


def _booleans(value: Any) -> list[bool]:
    if isinstance(value, bool):
        return [value]
    if isinstance(value, dict):
        return [b for v in value.values() for b in _booleans(v)]
    if isinstance(value, list):
        return [b for v in value for b in _booleans(v)]
    return []


@settings(max_examples=150, deadline=None)
@given(card_values)
def test_any_card_gives_a_valid_draft_with_only_card_facts(meta: dict[str, Any]) -> None:
    from compliance.descriptor.yamlio import dump

    raw = ("---\n" + (dump(meta) if meta else "{}\n") + "---\n# card\n").encode()
    result = card_to_descriptor(raw)
    text = render(result, "README.md")
    assert_valid(text)
    data = load_text(text).data
    model = model_of(data)
    # A card states no yes/no fact the descriptor records: the draft contains no booleans.
    assert _booleans(data) == []
    # Each model fact traces back to the card field it comes from.
    assert ("licence" in model) <= ("license" in meta or "license_name" in meta)
    assert ("origin" in model) == bool(meta.get("base_model"))
    bases = meta.get("base_model") or []
    bases = [bases] if isinstance(bases, str) else bases
    assert ("base_model" in model) == (len(set(bases)) == 1)
    assert ("training_data" in model) == bool(meta.get("datasets"))
    has_modalities = "input_modalities" in model or "output_modalities" in model
    assert has_modalities == (meta.get("pipeline_tag") in PIPELINE_MODALITIES)
    assert ("evaluations" in model) <= ("model-index" in meta)
    assert set(model) <= {"id", "name", "origin", "base_model", "input_modalities",
                          "output_modalities", "training_data", "licence", "languages",
                          "evaluations"}
    # Placeholders are exactly the required fields the card cannot supply.
    assert data["organisation"] == {"name": PLACEHOLDER}
    assert data["system"] == {"id": PLACEHOLDER, "name": PLACEHOLDER}


# --------------------------------------------------------------------------- huggingface_hub


def test_front_matter_is_found_the_way_the_hub_finds_it() -> None:
    # Blank lines before the opening '---' are allowed by the Hub's rule; the location moves.
    text = render(card_to_descriptor(b"\n\n---\nlicense: mit\n---\n"), "README.md")
    assert model_of(load_text(text).data)["licence"]["id"] == "MIT"
    with pytest.raises(CardError) as info:
        card_to_descriptor(b"\n---\nlicense: mit\nlicense: x\n---\n")
    assert info.value.line == 4 and "duplicate key" in info.value.message
    # The Hub does not read '...' as the closing line, nor an opening line with trailing blanks.
    with pytest.raises(CardError) as info:
        card_to_descriptor(b"---\nlicense: mit\n...\n# body\n")
    assert "never closed" in info.value.message and "'...'" in (info.value.hint or "")
    with pytest.raises(CardError) as info:
        card_to_descriptor(b"--- \nlicense: mit\n---\n")
    assert (info.value.line, info.value.column) == (1, 4)


def test_the_strict_loader_still_guards_the_front_matter() -> None:
    """huggingface_hub parses with yaml.safe_load (YAML 1.1, no node limit, duplicate keys win);
    the importer keeps the project's loader: alias bombs fail fast, `no` stays a string."""
    bomb = "---\na: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{n}: &{n} [{', '.join(['*' + p] * 10)}]\n" for p, n in zip("abcdef", "bcdefg", strict=True))
    with pytest.raises(CardError) as info:
        card_to_descriptor((bomb + "---\n").encode())
    assert "nodes" in info.value.message and info.value.line > 1
    text = render(card_to_descriptor(b"---\nlanguage: [no, on, yes]\n---\n"), "README.md")
    assert model_of(load_text(text).data)["languages"] == ["no", "on", "yes"]


def test_model_index_through_eval_results_keeps_every_stated_metric() -> None:
    card = (b"---\nmodel-index:\n- results:\n  - metrics:\n    - {name: acc, value: 0.5}\n"
            b"    - just-a-string\n"
            b"  - task: {type: text-generation}\n    dataset: {name: D, type: d, split: test}\n"
            b"    source: {name: Leaderboard}\n    metrics:\n    - {type: f1, value: '0.25'}\n"
            b"    - {type: big, value: .inf}\n"
            b"    - {type: huge, value: 1" + b"0" * 400 + b"}\n---\n")
    text = render(card_to_descriptor(card), "README.md")
    assert_valid(text)
    assert model_of(load_text(text).data)["evaluations"] == [
        {"metric": "acc", "value": 0.5},
        {"metric": "f1", "value": 0.25, "dataset": "D", "split": "test",
         "task": "text-generation", "source": "Leaderboard"}]
    assert "model-index: 3 metric(s) without a numeric value or a name" in flat(text)


def test_card_keys_cannot_reach_the_library_s_own_attributes() -> None:
    card = b"---\nget: 1\nto_dict: 2\nignore_metadata_errors: true\nlicense: mit\n---\n"
    text = render(card_to_descriptor(card), "README.md")
    assert model_of(load_text(text).data)["licence"]["id"] == "MIT"
    assert "ignore_metadata_errors: no descriptor field" in flat(text)


def test_import_never_opens_a_socket(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the importer tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    result = card_to_descriptor((CARDS / "llama31-finetune.md").read_bytes())
    assert result.data["models"][0]["name"] == "Acme-Support-Llama-3.1-8B"
    import huggingface_hub.constants

    assert huggingface_hub.constants.HF_HUB_OFFLINE is True


def test_huggingface_hub_stays_off_the_validate_path() -> None:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "compliance", "validate",
         str(ROOT / "examples" / "customer-service-chatbot.yaml")],
        check=False, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stdout
    assert "huggingface_hub" not in result.stderr
    assert "spdx_python_model" not in result.stderr


# --------------------------------------------------------------------------- export hf-card

EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def _exported_then_imported(descriptor: Any, model_id: str | None = None) -> tuple[str, Any]:
    from compliance.interop.hf_card_export import export_hf_card

    card = export_hf_card(descriptor, model_id)
    text = render(card_to_descriptor(card.encode()), "README.md")
    assert_valid(text)
    return card, model_of(load_text(text).data)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_exported_card_imports_back_to_the_facts_it_carries(path: Path) -> None:
    from compliance.descriptor.validation import load_descriptor_file

    descriptor = load_descriptor_file(path).descriptor
    assert descriptor is not None
    model = (descriptor.models or [])[0]
    card, back = _exported_then_imported(descriptor)
    assert card.startswith("---\n") and "Not legal advice." in card
    assert back["name"] == (model.name or model.id)
    if model.licence is not None:
        assert back["licence"]["id"] == model.licence.id
    if model.base_model is not None and "/" in model.base_model.id:
        assert back["base_model"] == {"id": model.base_model.id}
    assert back.get("languages") == model.languages
    stated = [(e.metric, e.value) for e in model.evaluations or [] if e.task and e.dataset]
    assert [(e["metric"], e["value"]) for e in back.get("evaluations", [])] == stated


@settings(max_examples=60, deadline=None)
@given(rich_descriptor)
def test_any_descriptor_exports_a_card_the_importer_reads(data: dict[str, Any]) -> None:
    from compliance.descriptor.model import Descriptor
    from compliance.interop.hf_card_export import ModelChoiceError, export_hf_card

    descriptor = Descriptor.model_validate(data)
    models = descriptor.models or []
    if not models:
        with pytest.raises(ModelChoiceError):
            export_hf_card(descriptor)
        return
    card, back = _exported_then_imported(descriptor, models[-1].id)
    if models[-1].licence is not None:
        assert "licence" in back
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", card)


def test_cli_export_hf_card(tmp_path: Path) -> None:
    out = tmp_path / "README.md"
    result = run("export", "hf-card", str(ROOT / "examples" / "fine-tuner.yaml"), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "base_model: northwind/solstice-13b-base" in out.read_text()
    again = run("export", "hf-card", str(ROOT / "examples" / "fine-tuner.yaml"), "-o", str(out))
    assert again.returncode == 2 and "already exists" in again.stderr
    wrong = run("export", "hf-card", str(ROOT / "examples" / "fine-tuner.yaml"), "--model", "x")
    assert wrong.returncode == 2 and "has no model 'x'" in wrong.stderr
    assert "Traceback" not in wrong.stderr
    back = run("import", "hf-card", str(out))
    assert back.returncode == 0 and "LicenseRef-Werkstattwissen-Proprietary" in back.stdout


def test_exported_card_text_is_inert() -> None:
    from compliance.descriptor.model import Descriptor
    from compliance.interop.hf_card_export import export_hf_card

    data = load_text((ROOT / "examples" / "fine-tuner.yaml").read_text()).data
    data["models"][0]["name"] = "Evil\x1b[2J <script>x</script> | [link](http://x)\u202e"
    data["models"][0]["architecture"] = "line one\n---\nlicense: mit"
    card = export_hf_card(Descriptor.model_validate(data))
    assert "\x1b" not in card and "\u202e" not in card
    body = card.split("\n---\n", 1)[1]  # the front matter holds it as a YAML string value
    assert "<script>" not in body and "\\<script\\>" in body and "\\[link\\]" in body
    assert card.count("\n---\n") == 1  # the front matter's closing line, nothing from the body
