"""`compliance export hf-card`: a model card in the sections of the Hub's template that
`huggingface_hub.ModelCard.load` reads and `compliance import hf-card` reads back."""

from __future__ import annotations

import datetime as dt
import socket
from pathlib import Path
from typing import Any

import pytest
from _interop import model_facts_of, training_facts_of
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compliance.descriptor.model import AIModel, Descriptor
from compliance.descriptor.validation import load_descriptor_file, parse_descriptor
from compliance.descriptor.yamlio import load_text
from compliance.interop import _hub  # sets HF_HUB_OFFLINE before huggingface_hub is imported
from compliance.interop.hf_card import card_to_descriptor, render
from compliance.interop.hf_card_export import export_hf_card

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))

# The facts a model card and a descriptor both know, below models[] (the card's metadata
# carries name, licence, base model, languages and evaluations; the body the rest).
SHARED = ("version", "provider", "architecture", "parameters", "parameter_range",
          "input_modalities", "output_modalities", "context_window", "max_input_sizes",
          "max_output_sizes", "intended_tasks", "integration_targets", "release_date",
          "releases", "documentation_url", "documentation_version", "documentation_updated",
          "languages")
SHARED_TRAINING = ("description", "curation", "languages", "latest_collection_date",
                   "size_tokens", "modalities")


def load(path: Path) -> Descriptor:
    result = load_descriptor_file(path)
    assert result.descriptor is not None, [p.format() for p in result.errors]
    return result.descriptor


def imported(card: str) -> AIModel:
    """The model of the draft `import hf-card` writes for ``card`` (the draft must validate)."""
    text = render(card_to_descriptor(card.encode()), "README.md")
    loaded = parse_descriptor(text.encode(), "draft.yaml", None)
    assert loaded.descriptor is not None, [p.format() for p in loaded.errors]
    models = loaded.descriptor.models or []
    assert len(models) == 1
    return models[0]


def assert_shared_facts_equal(model: AIModel, back: AIModel) -> None:
    assert back.name == (model.name or model.id)
    for path in SHARED:
        assert getattr(back, path) == getattr(model, path), path
    if model.licence is not None:
        assert back.licence is not None and back.licence.id == model.licence.id
    if model.base_model is not None and "/" in model.base_model.id:
        assert back.base_model is not None and back.base_model.id == model.base_model.id
    stated = [(e.metric, e.value, e.dataset, e.split, e.task)
              for e in model.evaluations or [] if e.task and e.dataset]
    assert [(e.metric, e.value, e.dataset, e.split, e.task)
            for e in back.evaluations or []] == stated
    training, back_training = model.training_data, back.training_data
    if training is None or not (training.sources or any(
            getattr(training, path) is not None for path in SHARED_TRAINING)):
        assert back_training is None  # nothing the card carries back
        return
    assert back_training is not None
    for path in SHARED_TRAINING:
        assert getattr(back_training, path) == getattr(training, path), f"training_data.{path}"
    # personal_data is the organisation's yes/no statement: shown in the card, never imported
    assert back_training.sources == [s.model_copy(update={"personal_data": None})
                                     for s in training.sources or []] or (
        not training.sources and back_training.sources is None)


MODELS = [(path, model.id) for path in EXAMPLES for model in load(path).models or []]


@pytest.mark.parametrize(("path", "model_id"), MODELS,
                         ids=[f"{p.stem}:{m}" for p, m in MODELS])
def test_every_example_model_round_trips_its_shared_facts(path: Path, model_id: str) -> None:
    descriptor = load(path)
    model = next(m for m in descriptor.models or [] if m.id == model_id)
    card = export_hf_card(descriptor, model_id)
    assert card == export_hf_card(descriptor, model_id)  # deterministic
    assert_shared_facts_equal(model, imported(card))


def test_the_examples_exercise_the_new_model_facts() -> None:
    """The round trip above is only as good as the facts the examples state."""
    models = [m for p in EXAMPLES for m in load(p).models or []]
    for path in ("intended_tasks", "integration_targets", "release_date", "releases",
                 "max_input_sizes", "max_output_sizes", "documentation_version",
                 "documentation_updated", "parameters"):
        assert any(getattr(m, path) for m in models), path
    trained = [m.training_data for m in models if m.training_data]
    for path in ("languages", "latest_collection_date", "modalities", "curation", "sources"):
        assert any(getattr(t, path) for t in trained), path


# Texts that stay as they are on one line of Markdown (no doubled or edge blanks, no control
# characters), full of Markdown punctuation and leading characters that start blocks.
card_words = st.text(alphabet=st.sampled_from(list("aZé1 #-+=*_`[]<>|~\\,.:;!(){}'\"/&%")),
                     min_size=1, max_size=30).map(lambda s: " ".join(s.split())).filter(
    lambda s: bool(s) and s.lower().rstrip(".") not in ("not stated", "none")
    and not (s.startswith("{{") and s.endswith("}}")))


card_source = st.builds(lambda name, extra: {"name": name, **extra}, card_words,
                        st.fixed_dictionaries({}, optional={
                            "type": st.sampled_from(["web_crawl", "licensed", "synthetic"]),
                            "modalities": st.lists(st.sampled_from(["text", "code", "image"]),
                                                   unique=True),
                            "size": card_words, "url": card_words, "provenance": card_words,
                            "personal_data": st.booleans()}))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.fixed_dictionaries({}, optional={**model_facts_of(card_words, rows=1),
                                           "version": card_words, "provider": card_words,
                                           "architecture": card_words}),
       st.one_of(st.none(), st.fixed_dictionaries({}, optional={
           **training_facts_of(card_words, rows=1), "description": card_words,
           "curation": card_words, "sources": st.lists(card_source, min_size=1, max_size=3)})))
def test_any_model_s_shared_facts_round_trip(facts: dict[str, Any],
                                             training: dict[str, Any] | None) -> None:
    if training is not None:
        facts = {**facts, "training_data": training}
    descriptor = Descriptor.model_validate({
        "schema_version": 1, "organisation": {"name": "Org"},
        "system": {"id": "s", "name": "S"}, "models": [{"id": "m", **facts}]})
    assert_shared_facts_equal((descriptor.models or [])[0], imported(export_hf_card(descriptor)))


# --------------------------------------------------------------------------- huggingface_hub


@pytest.mark.parametrize(("path", "model_id"), MODELS,
                         ids=[f"{p.stem}:{m}" for p, m in MODELS])
def test_exported_readme_loads_with_model_card_load(tmp_path: Path, path: Path, model_id: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import huggingface_hub

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("ModelCard.load tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    assert huggingface_hub.constants.HF_HUB_OFFLINE is True
    descriptor = load(path)
    model = next(m for m in descriptor.models or [] if m.id == model_id)
    readme = tmp_path / "README.md"
    readme.write_text(export_hf_card(descriptor, model_id), encoding="utf-8")

    card = huggingface_hub.ModelCard.load(readme)  # a local path: read from disk, not the Hub

    assert isinstance(card, _hub.ModelCard)
    data = card.data
    assert data.model_name == (model.name or model.id)
    assert data.language == model.languages
    assert data.pipeline_tag is None  # the descriptor states no Hub task
    if model.licence is None:
        assert data.license is None
    elif model.licence.id.startswith("LicenseRef-"):
        assert (data.license, data.license_name) == (
            "other", model.licence.id.removeprefix("LicenseRef-"))
    else:
        assert data.license is not None and data.license_name is None
    base = model.base_model
    assert data.base_model == (base.id if base and "/" in base.id else None)
    results = [(r.metric_type, r.metric_value) for r in data.eval_results or []]
    assert results == [(e.metric, e.value) for e in model.evaluations or []
                       if e.task and e.dataset]
    for heading in ("## Model Details", "### Model Description", "## Uses", "### Direct Use",
                    "### Out-of-Scope Use", "## Training Details", "### Training Data",
                    "## Evaluation", "## Technical Specifications"):
        assert f"\n{heading}\n" in card.text, heading


def test_model_card_data_of_the_fine_tuner() -> None:
    card = _hub.ModelCard(export_hf_card(load(ROOT / "examples" / "fine-tuner.yaml")))
    assert card.data.to_dict() == {
        "base_model": "northwind/solstice-13b-base", "license": "other",
        "license_name": "Werkstattwissen-Proprietary",
        "model_name": "Werkbank Solstice-13B fine-tune"}


# --------------------------------------------------------------------------- the body


def section(card: str, heading: str) -> str:
    """The text under ``heading`` up to the next heading of the same or a higher level."""
    level = heading.split(" ")[0]
    after = card.split(f"\n{heading}\n", 1)[1]
    ends = [after.find("\n" + "#" * n + " ") for n in range(1, len(level) + 1)]
    ends = [e for e in ends if e >= 0]
    return after[: min(ends)] if ends else after


def test_frontier_model_card_puts_the_facts_where_the_template_does() -> None:
    card = export_hf_card(load(ROOT / "examples" / "frontier-model-provider.yaml"))
    assert section(card, "### Direct Use").strip().startswith("General-purpose text, code")
    assert "coding tools" in section(card, "### Downstream Use")
    assert section(card, "### Out-of-Scope Use").strip() == "Not stated."
    description = section(card, "### Model Description")
    assert "- **Release date:** 2026-05-12" in description
    assert "- **Provider:** Not stated" in description  # an own model: no provider stated
    assert "| api | 2026-05-19 | Quillmere API |" in section(card, "### Release Dates")
    sources = section(card, "### Model Sources")
    assert "- **Documentation version:** 3.0.1" in sources
    assert "- **Documentation last updated:** 2026-11-30" in sources
    specs = section(card, "### Model Architecture and Objective")
    assert "- **Parameters:** 1000000000000" in specs
    assert "- **Input modalities:** text, code, image" in specs
    training = section(card, "### Training Data")
    assert "- **Latest collection date:** 2025-12" in training
    assert "| QuillBot web crawl 2023-2025 | web\\_crawl | text, image |" in training
    assert "- **Collection continues after that date:** yes" in training
    assert "- **Text-and-data-mining opt-outs respected:** yes" in training
    assert "URL- and document-level deduplication" in section(card, "#### Preprocessing")
    assert "- **Energy used for training (kWh):** 125000000" in card


def test_unknown_facts_read_not_stated_never_a_guess() -> None:
    data = {"schema_version": 1, "organisation": {"name": "O"},
            "system": {"id": "s", "name": "S"}, "models": [{"id": "bare"}]}
    card = export_hf_card(Descriptor.model_validate(data))
    assert card.startswith("---\nmodel_name: bare\n---\n")
    for line in ("- **Provider:** Not stated", "- **Release date:** Not stated",
                 "- **Parameters:** Not stated", "- **License:** Not stated",
                 "- **Language(s) (NLP):** Not stated"):
        assert line in card
    for heading in ("### Direct Use", "### Downstream Use", "### Training Data",
                    "#### Preprocessing", "### Results"):
        assert section(card, heading).strip() == "Not stated.", heading
    assert "Parameter range" not in card and "### Release Dates" not in card
    assert "[More Information Needed]" not in card  # the template's filler is not used
    back = imported(card)
    assert back.model_dump(exclude_none=True) == {"id": "bare", "name": "bare"}


def test_descriptor_text_cannot_forge_card_structure() -> None:
    data = load_text((ROOT / "examples" / "fine-tuner.yaml").read_text()).data
    model = data["models"][0]
    model["intended_tasks"] = "## Training Details\n- **Parameters:** 7\n| a | b |"
    model["integration_targets"] = "1. <!-- x --> `code` **bold** --> ---"
    model["training_data"]["description"] = "- **Languages:** xx"
    model["releases"][0]["description"] = "a | b \\| c"
    card = export_hf_card(Descriptor.model_validate(data))
    back = imported(card)
    assert back.intended_tasks == "## Training Details - **Parameters:** 7 | a | b |"
    assert back.integration_targets == "1. <!-- x --> `code` **bold** --> ---"
    assert back.parameters == 13000000000
    assert back.training_data is not None and back.training_data.languages == ["de", "en"]
    assert back.releases is not None and back.releases[0].description == "a | b \\| c"
    assert card.count("\n## Training Details\n") == 1


def test_a_hand_written_template_card_is_read_where_it_follows_the_template() -> None:
    card = "\n".join([
        "---", "license: apache-2.0", "language: [en]", "---", "", "# Model Card for Tiny", "",
        "## Model Details", "", "### Model Description", "",
        "<!-- Provide a longer summary of what this model is. -->", "",
        "- **Developed by:** [More Information Needed]",
        "- **Model type:** encoder-only transformer",
        "- **Release date:** 5 May 2025", "",
        "## Uses", "", "### Direct Use", "", "<!-- guidance -->", "",
        "Sentiment classification of English product reviews.", "",
        "```python", "pipeline('text-classification')", "```", "",
        "### Downstream Use [optional]", "", "[More Information Needed]", "",
        "## Technical Specifications [optional]", "", "### Model Architecture and Objective", "",
        "- **Parameters:** 66000000", "- **Input modalities:** text, smell", ""])
    draft = render(card_to_descriptor(card.encode()), "README.md")
    back = imported(card)
    assert back.architecture == "encoder-only transformer"
    assert back.intended_tasks == "Sentiment classification of English product reviews."
    assert back.parameters == 66000000
    assert back.integration_targets is None and back.provider is None
    assert back.release_date is None and back.input_modalities is None
    flat = " ".join(line.lstrip("# ") for line in draft.splitlines())
    assert "Release date: '5 May 2025' does not read as date" in flat
    assert "lists, quotes or code were left out" in flat


def test_export_is_deterministic_and_tracks_the_facts() -> None:
    descriptor = load(ROOT / "examples" / "small-permissive-open-model.yaml")
    first = export_hf_card(descriptor)
    assert first == export_hf_card(descriptor)
    changed = descriptor.model_copy(update={"models": [(descriptor.models or [])[0].model_copy(
        update={"release_date": dt.date(2026, 10, 1)})]})
    assert export_hf_card(changed) == first.replace("- **Release date:** 2026-09-22",
                                                    "- **Release date:** 2026-10-01")
