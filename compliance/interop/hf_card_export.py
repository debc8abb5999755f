"""Write a Hugging Face model card (README.md) for one model of a descriptor.

huggingface_hub does the card format: the metadata is a ``ModelCardData`` (license,
license_name, license_link, base_model, datasets, language, model_name and ``eval_results``,
which the library turns into the ``model-index`` the Hub reads), and the file is a ``ModelCard``,
so front matter and body are put together, and read back, exactly as the Hub does it. The body
follows the sections of huggingface_hub's model card template (see
compliance.interop.hf_card_markdown, the vocabulary the importer reads back).

Own code: which descriptor fact goes where, through the same tables the importer uses
(compliance.interop.hf_card_mapping, hf_card_markdown), so that importing the card gives back
the facts it carries. Only stated facts are written; an unknown fact is "Not stated" or left
out, never guessed:
- licence: the Hub id when the licence is in the Hub table, else ``license: other`` with the
  id (less ``LicenseRef-``) as ``license_name``, so it imports back as the same id, and its link;
- base_model / datasets: only Hub ids (``org/name``; datasets by their huggingface.co URL), the
  rest is listed in the body;
- model-index: evaluations that name a task and a dataset (the Hub requires both; the dataset
  name stands for its type, as the descriptor records one name); the rest is in the body table;
- no pipeline_tag: neither the modalities nor the free-text intended tasks determine one Hub
  task; no tags: the descriptor states none.
Every text from the descriptor passes compliance.io.textsafe.printable (control and bidi
characters become visible escapes) and, in the body, a Markdown escape.
"""

from __future__ import annotations

from typing import Any

from compliance.descriptor.model import AIModel, Descriptor
from compliance.interop import _hub
from compliance.interop._common import (
    MODEL_PROPERTY_PATHS,
    _get,
    fmt_number,
    fmt_value,
    properties_for,
)
from compliance.interop.hf_card_mapping import HF_LICENCES, HUB_DATASETS, HUB_ID
from compliance.interop.hf_card_markdown import (
    BULLETS,
    NOT_STATED,
    PARAGRAPHS,
    RELEASES,
    SIZES,
    SOURCES,
    TRAINING_MODALITIES,
    md,
    md_block,
    md_list,
    plain,
    table,
)
from compliance.version import __version__

# descriptor licence id -> Hub licence id (the first Hub id for each).
_HUB_LICENCE = {spdx: hub for hub, (spdx, _) in reversed(list(HF_LICENCES.items()))}
# Facts the body shows in a section of their own, not again under "More Information".
_SHOWN = {b.path for b in BULLETS} | {"languages", "origin", "releases", "max_input_sizes",
                                      "max_output_sizes", "training_data.modalities",
                                      "training_data.collection_continues",
                                      "training_data.sources_complete",
                                      "training_data.tdm_opt_outs_respected",
                                      "training_data.summary_version",
                                      "training_data.summary_updated",
                                      "energy.training_kwh", "energy.method"}
_TABLES = ("releases", "max_input_sizes", "max_output_sizes", "training_data.modalities")
_COMPUTE = ("modification_compute_flop", "training_compute.flop",
            "training_compute.cumulative_flop", "training_compute.method",
            "training_compute.training_tokens", "training_compute.uncertainty_pct")


class ModelChoiceError(ValueError):
    """The descriptor has no model, or several and none was named."""


def pick_model(descriptor: Descriptor, model_id: str | None) -> AIModel:
    models = descriptor.models or []
    ids = ", ".join(m.id for m in models)
    if model_id is not None:
        for model in models:
            if model.id == model_id:
                return model
        raise ModelChoiceError(f"the descriptor has no model '{model_id}' (models: {ids or 'none'})")
    if len(models) == 1:
        return models[0]
    if not models:
        raise ModelChoiceError("the descriptor names no model, so there is no model card to write")
    raise ModelChoiceError(f"the descriptor names {len(models)} models ({ids}); pick one with "
                           "--model")


def card_data(model: AIModel) -> _hub.ModelCardData:
    """The card's metadata: only the facts the Hub has a field for."""
    name = plain(model.name or model.id)
    hub_id = licence_name = licence_link = None
    if model.licence is not None:
        hub_id = _HUB_LICENCE.get(model.licence.id)
        if hub_id is None:
            # the Hub's license_name is a slug; the id round-trips through the importer
            hub_id, licence_name = "other", plain(model.licence.id.removeprefix("LicenseRef-"))
            licence_link = plain(model.licence.url) if model.licence.url else None
    base = model.base_model.id if model.base_model and HUB_ID.match(model.base_model.id) else None
    sources = (model.training_data.sources if model.training_data else None) or []
    datasets = [s.url[len(HUB_DATASETS):] for s in sources
                if s.url and s.url.startswith(HUB_DATASETS) and HUB_ID.match(s.url[len(HUB_DATASETS):])]
    results = [
        _hub.EvalResult(task_type=plain(e.task), dataset_type=plain(e.dataset),
                        dataset_name=plain(e.dataset), metric_type=plain(e.metric),
                        metric_value=e.value,
                        dataset_split=plain(e.split) if e.split else None,
                        source_url=plain(e.source) if e.source and "://" in e.source else None)
        for e in model.evaluations or [] if e.task and e.dataset
    ]
    return _hub.ModelCardData(
        model_name=name,
        base_model=base,
        datasets=datasets or None,
        language=[plain(x) for x in model.languages] if model.languages else None,
        eval_results=results or None,
        license=hub_id, license_name=licence_name, license_link=licence_link,
    )


def _shown(value: Any) -> str | None:
    """A stated fact as bullet text; None when unknown."""
    if value is None or value == "":
        return None
    if isinstance(value, list):
        return md_list([fmt_value(v) for v in value]) if value else "none"
    if isinstance(value, float):
        return md(fmt_number(value))
    return md(fmt_value(value))


def _bullets(model: AIModel, section: str) -> list[str]:
    lines = []
    for bullet in BULLETS:
        if bullet.section != section:
            continue
        text = _shown(_get(model, bullet.path))
        if text is not None or bullet.always:
            lines.append(f"- **{bullet.label}:** {text or NOT_STATED}")
    return lines


def _cell_list(values: list[str] | None) -> str:
    """A list in a table cell: empty when unknown, "none" when stated empty."""
    if values is None:
        return ""
    return md_list(values) if values else "none"


def _extra(label: str, value: Any) -> list[str]:
    """A bullet for a stated fact the importer does not read back; nothing when unknown."""
    text = _shown(value)
    return [f"- **{label}:** {text}"] if text is not None else []


def _paragraph(model: AIModel, section: str) -> list[str]:
    path = PARAGRAPHS[section]
    value = _get(model, path)
    return [md_block(value) if value else f"{NOT_STATED}."]


def _model_details(model: AIModel) -> list[str]:
    lines = ["## Model Details", "", "### Model Description", "", *_bullets(model, "Model Description")]
    lines += (_extra("Language(s) (NLP)", model.languages)
              or [f"- **Language(s) (NLP):** {NOT_STATED}"])
    if model.licence is not None:
        licence = model.licence
        lines += _extra("License", " ".join(x for x in (
            licence.id, licence.name and f"({licence.name})", licence.url) if x))
    else:
        lines.append(f"- **License:** {NOT_STATED}")
    if model.base_model is not None:
        base = model.base_model
        lines += _extra("Finetuned from model", base.id + (
            f" (provider: {base.provider})" if base.provider else ""))
    lines += _extra("Origin", model.origin)
    lines += ["", "### Model Sources", "", *_bullets(model, "Model Sources"), ""]
    if model.releases:
        rows = [[md(r.channel.value), r.date.isoformat(), md(r.description or "")]
                for r in model.releases]
        lines += [f"### {RELEASES[0]}", "", *table(RELEASES[1], rows), ""]
    return lines


def _training_data(model: AIModel) -> list[str]:
    lines = ["## Training Details", "", "### Training Data", ""]
    training = model.training_data
    if training is None:
        return lines + [f"{NOT_STATED}.", ""]
    if training.description:
        lines += [md_block(training.description), ""]
    if training.sources:
        rows = [[md(s.name), md(s.type or ""), _cell_list([m.value for m in s.modalities]
                                                          if s.modalities is not None else None),
                 md(s.size or ""), md(s.url or ""), md(s.provenance or ""),
                 "" if s.personal_data is None else ("yes" if s.personal_data else "no"),
                 *("" if d is None else str(d) for d in (s.collected_from, s.collected_until, s.first_used))]
                for s in training.sources]
        lines += [*table(SOURCES[1], rows), ""]
    if training.modalities:
        rows = [[m.modality.value, fmt_number(m.size), md(m.unit), _cell_list(m.content_types)]
                for m in training.modalities]
        lines += [*table(TRAINING_MODALITIES[1], rows), ""]
    lines += _bullets(model, "Training Data")
    for label, value in (("Collection continues after that date", training.collection_continues),
                         ("Every kind of source used is listed", training.sources_complete),
                         ("Text-and-data-mining opt-outs respected",
                          training.tdm_opt_outs_respected),
                         ("Training-content summary version", training.summary_version),
                         ("Training-content summary last updated", training.summary_updated)):
        lines += _extra(label, None if value is None else
                        ("yes" if value else "no") if isinstance(value, bool) else value)
    return lines + [""]


def _body(descriptor: Descriptor, model: AIModel) -> str:
    lines = [f"# {md(model.name or model.id)}", "",
             f"Model card written by `compliance {__version__}` (`compliance export hf-card`) from "
             "an AI-system descriptor, in the sections of the Hugging Face model card template. "
             "It gives only the facts the descriptor states: a fact marked \"Not stated\" or not "
             "listed is unknown, not absent or false. Not legal advice.", ""]
    lines += _model_details(model)
    lines += ["## Uses", ""]
    for section in ("Direct Use", "Downstream Use"):
        lines += [f"### {section}", "", *_paragraph(model, section), ""]
    lines += ["### Out-of-Scope Use", "", f"{NOT_STATED}.", ""]
    lines += _training_data(model)
    lines += ["### Training Procedure", "", "#### Preprocessing", "",
              *_paragraph(model, "Preprocessing"), ""]
    compute = [(n.removeprefix("compliance:"), v) for n, v in properties_for(model, _COMPUTE)]
    if compute:
        lines += ["#### Speeds, Sizes, Times", "", *[f"- `{k}`: {md(v)}" for k, v in compute], ""]
    lines += ["## Evaluation", "", "### Results", ""]
    if model.evaluations:
        lines += ["| Metric | Value | Dataset | Split | Task | Source |",
                  "| --- | --- | --- | --- | --- | --- |"]
        for e in model.evaluations:
            cells = [e.metric, repr(e.value), e.dataset, e.split, e.task, e.source]
            lines.append("| " + " | ".join(md(c) if c is not None else "" for c in cells) + " |")
    else:
        lines.append(f"{NOT_STATED}.")
    energy = model.energy
    lines += ["", "## Environmental Impact", "",
              *(_extra("Energy used for training (kWh)", energy.training_kwh if energy else None)
                or [f"- **Energy used for training (kWh):** {NOT_STATED}"]),
              *_extra("How the energy figure was obtained", energy.method if energy else None),
              "", "## Technical Specifications", "", "### Model Architecture and Objective", "",
              *_bullets(model, "Model Architecture and Objective"), ""]
    limits = [[direction, md(limit.modality.value), md(limit.max_size)]
              for direction, values in (("input", model.max_input_sizes),
                                        ("output", model.max_output_sizes))
              for limit in values or []]
    if limits:
        lines += [f"#### {SIZES[0]}", "", *table(SIZES[1], limits), ""]
    # a list stated empty has no table row: it is listed here as "none"
    other = [(path, value) for path, value in (
        (name.removeprefix("compliance:"), value)
        for name, value in properties_for(model, MODEL_PROPERTY_PATHS))
        if (path not in _SHOWN or (path in _TABLES and value == "none"))
        and not path.startswith(_COMPUTE)]
    lines += ["## More Information", "", f"- `id`: {md(model.id)}",
              *[f"- `{k}`: {md(v)}" for k, v in other], ""]
    system = descriptor.system
    lines += ["## Used in", "", f"- AI system: {md(system.name)} ({md(system.id)})"]
    if system.intended_purpose:
        lines.append(f"- Intended purpose: {md(system.intended_purpose)}")
    lines.append(f"- Provided by: {md(descriptor.organisation.name)}")
    return "\n".join(lines) + "\n"


def export_hf_card(descriptor: Descriptor, model_id: str | None = None) -> str:
    """The model card as text. Raises :class:`ModelChoiceError`."""
    model = pick_model(descriptor, model_id)
    data = card_data(model)
    card = _hub.ModelCard(f"---\n{data.to_yaml()}\n---\n\n{_body(descriptor, model)}")
    return str(card)
