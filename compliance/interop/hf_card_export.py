"""Write a Hugging Face model card (README.md) for one model of a descriptor.

huggingface_hub does the card format: the metadata is a ``ModelCardData`` (license,
license_name, license_link, base_model, datasets, language, model_name and ``eval_results``,
which the library turns into the ``model-index`` the Hub reads), and the file is a ``ModelCard``,
so front matter and body are put together, and read back, exactly as the Hub does it.

Own code: which descriptor fact goes where, through the same tables the importer uses
(compliance.interop.hf_card_mapping), so that importing the card gives back the facts it
carries. Only stated facts are written; an unknown fact is left out, never guessed:
- licence: the Hub id when the licence is in the Hub table, else ``license: other`` with the
  id (less ``LicenseRef-``) as ``license_name``, so it imports back as the same id, and its link;
- base_model / datasets: only Hub ids (``org/name``; datasets by their huggingface.co URL), the
  rest is listed in the body;
- model-index: evaluations that name a task and a dataset (the Hub requires both; the dataset
  name stands for its type, as the descriptor records one name); the rest is in the body table;
- no pipeline_tag: modalities do not determine one task.
Every text from the descriptor passes compliance.io.textsafe.printable (control and bidi
characters become visible escapes) and, in the body, a Markdown escape.
"""

from __future__ import annotations

import re

from compliance.descriptor.model import AIModel, Descriptor
from compliance.interop import _hub
from compliance.interop._common import MODEL_PROPERTY_PATHS, properties_for
from compliance.interop.hf_card_mapping import HF_LICENCES, HUB_DATASETS, HUB_ID
from compliance.io.textsafe import printable
from compliance.version import __version__

# descriptor licence id -> Hub licence id (the first Hub id for each).
_HUB_LICENCE = {spdx: hub for hub, (spdx, _) in reversed(list(HF_LICENCES.items()))}
# Markdown that could format, link or embed HTML inside a line of the body.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


class ModelChoiceError(ValueError):
    """The descriptor has no model, or several and none was named."""


def _plain(text: str) -> str:
    return printable(" ".join(str(text).split()))


def _md(text: object) -> str:
    return _MD_SPECIAL.sub(r"\\\1", _plain(str(text)))


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
    name = _plain(model.name or model.id)
    hub_id = licence_name = licence_link = None
    if model.licence is not None:
        hub_id = _HUB_LICENCE.get(model.licence.id)
        if hub_id is None:
            # the Hub's license_name is a slug; the id round-trips through the importer
            hub_id, licence_name = "other", _plain(model.licence.id.removeprefix("LicenseRef-"))
            licence_link = _plain(model.licence.url) if model.licence.url else None
    base = model.base_model.id if model.base_model and HUB_ID.match(model.base_model.id) else None
    sources = (model.training_data.sources if model.training_data else None) or []
    datasets = [s.url[len(HUB_DATASETS):] for s in sources
                if s.url and s.url.startswith(HUB_DATASETS) and HUB_ID.match(s.url[len(HUB_DATASETS):])]
    results = [
        _hub.EvalResult(task_type=_plain(e.task), dataset_type=_plain(e.dataset),
                        dataset_name=_plain(e.dataset), metric_type=_plain(e.metric),
                        metric_value=e.value,
                        dataset_split=_plain(e.split) if e.split else None,
                        source_url=_plain(e.source) if e.source and "://" in e.source else None)
        for e in model.evaluations or [] if e.task and e.dataset
    ]
    return _hub.ModelCardData(
        model_name=name,
        base_model=base,
        datasets=datasets or None,
        language=[_plain(x) for x in model.languages] if model.languages else None,
        eval_results=results or None,
        license=hub_id, license_name=licence_name, license_link=licence_link,
    )


def _body(descriptor: Descriptor, model: AIModel) -> str:
    lines = [f"# {_md(model.name or model.id)}", "",
             f"Model card written by `compliance {__version__}` (`compliance export hf-card`) from "
             "an AI-system descriptor. It lists only the facts the descriptor states: a fact "
             "that is not listed is unknown, not absent or false. Not legal advice.", ""]
    details = [("id", model.id)]
    details += [(label, value) for label, value in (
        ("version", model.version), ("provider", model.provider),
        ("architecture", model.architecture), ("documentation", model.documentation_url)) if value]
    if model.licence is not None:
        licence = model.licence
        details.append(("licence", " ".join(x for x in (licence.id, licence.name and f"({licence.name})",
                                                          licence.url) if x)))
    if model.base_model is not None:
        base = model.base_model
        details.append(("base model", base.id + (f" (provider: {base.provider})" if base.provider
                                                 else "")))
    for modality in ("input_modalities", "output_modalities"):
        values = getattr(model, modality)
        if values is not None:
            details.append((modality.replace("_", " "),
                            ", ".join(v.value for v in values) or "none"))
    details += [(name.removeprefix("compliance:"), value)
                for name, value in properties_for(model, MODEL_PROPERTY_PATHS)
                if name != "compliance:languages"]
    lines += ["## Model details", ""] + [f"- `{k}`: {_md(v)}" for k, v in details] + [""]
    training = model.training_data
    if training is not None:
        lines += ["## Training data", ""]
        for source in training.sources or []:
            extra = [x for x in (source.type, source.size, source.url) if x]
            lines.append(f"- {_md(source.name)}" + (f" ({_md(', '.join(extra))})" if extra else ""))
        for label, text in (("Description", training.description),
                            ("Curation", training.curation)):
            if text:
                lines += ["", f"{label}: {_md(text)}"]
        lines.append("")
    if model.evaluations:
        lines += ["## Evaluation", "", "| Metric | Value | Dataset | Split | Task | Source |",
                  "| --- | --- | --- | --- | --- | --- |"]
        for e in model.evaluations:
            cells = [e.metric, repr(e.value), e.dataset, e.split, e.task, e.source]
            lines.append("| " + " | ".join(_md(c) if c is not None else "" for c in cells) + " |")
        lines.append("")
    system = descriptor.system
    lines += ["## Used in", "", f"- AI system: {_md(system.name)} ({_md(system.id)})"]
    if system.intended_purpose:
        lines.append(f"- Intended purpose: {_md(system.intended_purpose)}")
    lines.append(f"- Provided by: {_md(descriptor.organisation.name)}")
    return "\n".join(lines) + "\n"


def export_hf_card(descriptor: Descriptor, model_id: str | None = None) -> str:
    """The model card as text. Raises :class:`ModelChoiceError`."""
    model = pick_model(descriptor, model_id)
    data = card_data(model)
    card = _hub.ModelCard(f"---\n{data.to_yaml()}\n---\n\n{_body(descriptor, model)}")
    return str(card)
