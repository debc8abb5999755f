"""What a model card's metadata means for a descriptor: the explicit tables (Hub licence ids,
Hub pipeline tags, the card fields the importer reads or lists as not imported) and the
per-field mapping from huggingface_hub's ``ModelCardData`` to descriptor facts. Own code: the
library stores the values as the card states them; what they mean here (an SPDX id, a
modality, "modified third-party model") is this project's judgement, written out in full.

Sources for the tables (checked 2026-11-25):
- Licences: first the licence catalogue shipped with the rule data (jurisdictions/_licences,
  which also knows custom licences by their license_name), then the table below, built from
  huggingface/hub-docs, docs/hub/repositories-licenses.md (the "License identifier (to use in
  repo card)" table); the llama3* and llama4 ids are the Hub's later additions, spelled as the
  catalogue spells them. A test keeps the table and the catalogue consistent.
- Pipeline tags: huggingface.js, packages/tasks/src/pipelines.ts (PIPELINE_DATA).
- Metadata fields (license, license_name, license_link, base_model incl. lists for merges,
  base_model_relation, datasets = "the datasets used to train your model", model-index):
  huggingface/hub-docs, docs/hub/model-cards.md and modelcard.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from huggingface_hub import ModelCardData

# --------------------------------------------------------------------------- licences

# Hub licence id -> (descriptor licence id, licence name). SPDX ids where the SPDX License List
# has exactly this licence; LicenseRef-... for well-known licences outside it.
# GPL-family versions map to the SPDX ids without -only/-or-later (deprecated in the SPDX list
# but still valid) because the Hub id does not say which one applies.
HF_LICENCES: dict[str, tuple[str, str]] = {
    "apache-2.0": ("Apache-2.0", "Apache License 2.0"),
    "mit": ("MIT", "MIT License"),
    "afl-3.0": ("AFL-3.0", "Academic Free License v3.0"),
    "artistic-2.0": ("Artistic-2.0", "Artistic License 2.0"),
    "bsl-1.0": ("BSL-1.0", "Boost Software License 1.0"),
    "bsd-2-clause": ("BSD-2-Clause", 'BSD 2-Clause "Simplified" License'),
    "bsd-3-clause": ("BSD-3-Clause", 'BSD 3-Clause "New" or "Revised" License'),
    "bsd-3-clause-clear": ("BSD-3-Clause-Clear", "BSD 3-Clause Clear License"),
    "c-uda": ("C-UDA-1.0", "Computational Use of Data Agreement v1.0"),
    "cc0-1.0": ("CC0-1.0", "Creative Commons Zero v1.0 Universal"),
    "cc-by-2.0": ("CC-BY-2.0", "Creative Commons Attribution 2.0"),
    "cc-by-2.5": ("CC-BY-2.5", "Creative Commons Attribution 2.5"),
    "cc-by-3.0": ("CC-BY-3.0", "Creative Commons Attribution 3.0"),
    "cc-by-4.0": ("CC-BY-4.0", "Creative Commons Attribution 4.0"),
    "cc-by-sa-3.0": ("CC-BY-SA-3.0", "Creative Commons Attribution Share Alike 3.0"),
    "cc-by-sa-4.0": ("CC-BY-SA-4.0", "Creative Commons Attribution Share Alike 4.0"),
    "cc-by-nc-2.0": ("CC-BY-NC-2.0", "Creative Commons Attribution Non Commercial 2.0"),
    "cc-by-nc-3.0": ("CC-BY-NC-3.0", "Creative Commons Attribution Non Commercial 3.0"),
    "cc-by-nc-4.0": ("CC-BY-NC-4.0", "Creative Commons Attribution Non Commercial 4.0"),
    "cc-by-nd-4.0": ("CC-BY-ND-4.0", "Creative Commons Attribution No Derivatives 4.0"),
    "cc-by-nc-nd-3.0": ("CC-BY-NC-ND-3.0",
                        "Creative Commons Attribution Non Commercial No Derivatives 3.0"),
    "cc-by-nc-nd-4.0": ("CC-BY-NC-ND-4.0",
                        "Creative Commons Attribution Non Commercial No Derivatives 4.0"),
    "cc-by-nc-sa-2.0": ("CC-BY-NC-SA-2.0",
                        "Creative Commons Attribution Non Commercial Share Alike 2.0"),
    "cc-by-nc-sa-3.0": ("CC-BY-NC-SA-3.0",
                        "Creative Commons Attribution Non Commercial Share Alike 3.0"),
    "cc-by-nc-sa-4.0": ("CC-BY-NC-SA-4.0",
                        "Creative Commons Attribution Non Commercial Share Alike 4.0"),
    "cdla-sharing-1.0": ("CDLA-Sharing-1.0", "Community Data License Agreement Sharing 1.0"),
    "cdla-permissive-1.0": ("CDLA-Permissive-1.0",
                            "Community Data License Agreement Permissive 1.0"),
    "cdla-permissive-2.0": ("CDLA-Permissive-2.0",
                            "Community Data License Agreement Permissive 2.0"),
    "wtfpl": ("WTFPL", "Do What The F*ck You Want To Public License"),
    "ecl-2.0": ("ECL-2.0", "Educational Community License v2.0"),
    "epl-1.0": ("EPL-1.0", "Eclipse Public License 1.0"),
    "epl-2.0": ("EPL-2.0", "Eclipse Public License 2.0"),
    "etalab-2.0": ("etalab-2.0", "Etalab Open License 2.0"),
    "eupl-1.1": ("EUPL-1.1", "European Union Public License 1.1"),
    "eupl-1.2": ("EUPL-1.2", "European Union Public License 1.2"),
    "agpl-3.0": ("AGPL-3.0", "GNU Affero General Public License v3.0"),
    "gpl-2.0": ("GPL-2.0", "GNU General Public License v2.0"),
    "gpl-3.0": ("GPL-3.0", "GNU General Public License v3.0"),
    "lgpl-2.1": ("LGPL-2.1", "GNU Lesser General Public License v2.1"),
    "lgpl-3.0": ("LGPL-3.0", "GNU Lesser General Public License v3.0"),
    "isc": ("ISC", "ISC License"),
    "lppl-1.3c": ("LPPL-1.3c", "LaTeX Project Public License v1.3c"),
    "ms-pl": ("MS-PL", "Microsoft Public License"),
    "mpl-2.0": ("MPL-2.0", "Mozilla Public License 2.0"),
    "osl-3.0": ("OSL-3.0", "Open Software License 3.0"),
    "postgresql": ("PostgreSQL", "PostgreSQL License"),
    "ofl-1.1": ("OFL-1.1", "SIL Open Font License 1.1"),
    "ncsa": ("NCSA", "University of Illinois/NCSA Open Source License"),
    "unlicense": ("Unlicense", "The Unlicense"),
    "zlib": ("Zlib", "zlib License"),
    "pddl": ("PDDL-1.0", "Open Data Commons Public Domain Dedication and License 1.0"),
    "lgpl-lr": ("LGPLLR", "Lesser General Public License For Linguistic Resources"),
    "openmdw-1.0": ("OpenMDW-1.0", "OpenMDW License Agreement 1.0"),
    # Licences outside the SPDX License List.
    "llama2": ("LicenseRef-Llama2", "Llama 2 Community License Agreement"),
    "llama3": ("LicenseRef-Llama3", "Meta Llama 3 Community License Agreement"),
    "llama3.1": ("LicenseRef-Llama3.1", "Llama 3.1 Community License Agreement"),
    "llama3.2": ("LicenseRef-Llama3.2", "Llama 3.2 Community License Agreement"),
    "llama3.3": ("LicenseRef-Llama3.3", "Llama 3.3 Community License Agreement"),
    "llama4": ("LicenseRef-Llama4", "Llama 4 Community License Agreement"),
    "gemma": ("LicenseRef-Gemma", "Gemma Terms of Use"),
    "bigscience-openrail-m": ("LicenseRef-BigScience-OpenRAIL-M", "BigScience OpenRAIL-M"),
    "creativeml-openrail-m": ("LicenseRef-CreativeML-OpenRAIL-M", "CreativeML OpenRAIL-M"),
    "bigscience-bloom-rail-1.0": ("LicenseRef-BigScience-BLOOM-RAIL-1.0",
                                  "BigScience BLOOM RAIL 1.0"),
    "bigcode-openrail-m": ("LicenseRef-BigCode-OpenRAIL-M", "BigCode Open RAIL-M v1"),
    "openrail++": ("LicenseRef-OpenRAIL-PlusPlus", "Open Rail++-M License"),
    "deepfloyd-if-license": ("LicenseRef-DeepFloyd-IF", "DeepFloyd IF Research License Agreement"),
}

# Hub ids that name a family, not one licence: the version cannot be derived.
HF_LICENCE_FAMILIES = frozenset({"bsd", "cc", "gfdl", "gpl", "lgpl", "odc-by", "odbl", "openrail"})

# --------------------------------------------------------------------------- pipeline tags

# Hub pipeline tag -> (input modalities, output modalities) in the descriptor's vocabulary.
# "structured" stands for labels, scores, spans, boxes or vectors. An empty tuple means the
# tag does not settle that side; it is then left unknown.
PIPELINE_MODALITIES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "text-classification": (("text",), ("structured",)),
    "token-classification": (("text",), ("structured",)),
    "table-question-answering": (("text", "tabular"), ("text",)),
    "question-answering": (("text",), ("text",)),
    "zero-shot-classification": (("text",), ("structured",)),
    "translation": (("text",), ("text",)),
    "summarization": (("text",), ("text",)),
    "feature-extraction": (("text",), ("structured",)),
    "text-generation": (("text",), ("text",)),
    "text2text-generation": (("text",), ("text",)),
    "fill-mask": (("text",), ("text",)),
    "sentence-similarity": (("text",), ("structured",)),
    "text-ranking": (("text",), ("structured",)),
    "text-retrieval": (("text",), ("structured",)),
    "multiple-choice": (("text",), ("structured",)),
    "table-to-text": (("tabular",), ("text",)),
    "tabular-to-text": (("tabular",), ("text",)),
    "text-to-speech": (("text",), ("speech",)),
    "text-to-audio": (("text",), ("audio",)),
    "automatic-speech-recognition": (("speech",), ("text",)),
    "audio-to-audio": (("audio",), ("audio",)),
    "audio-classification": (("audio",), ("structured",)),
    "audio-text-to-text": (("audio", "text"), ("text",)),
    "voice-activity-detection": (("audio",), ("structured",)),
    "depth-estimation": (("image",), ("image",)),
    "image-classification": (("image",), ("structured",)),
    "object-detection": (("image",), ("structured",)),
    "image-segmentation": (("image",), ("image", "structured")),
    "text-to-image": (("text",), ("image",)),
    "image-to-text": (("image",), ("text",)),
    "image-to-image": (("image",), ("image",)),
    "image-to-video": (("image",), ("video",)),
    "unconditional-image-generation": ((), ("image",)),
    "video-classification": (("video",), ("structured",)),
    "text-to-video": (("text",), ("video",)),
    "image-text-to-text": (("image", "text"), ("text",)),
    "visual-question-answering": (("image", "text"), ("text",)),
    "document-question-answering": (("image", "text"), ("text",)),
    "zero-shot-image-classification": (("image", "text"), ("structured",)),
    "mask-generation": (("image",), ("image",)),
    "zero-shot-object-detection": (("image", "text"), ("structured",)),
    "text-to-3d": (("text",), ("other",)),
    "image-to-3d": (("image",), ("other",)),
    "image-feature-extraction": (("image",), ("structured",)),
    "video-text-to-text": (("video", "text"), ("text",)),
    "keypoint-detection": (("image",), ("structured",)),
    "visual-document-retrieval": (("image", "text"), ("structured",)),
    "tabular-classification": (("tabular",), ("structured",)),
    "tabular-regression": (("tabular",), ("structured",)),
    "time-series-forecasting": (("time_series",), ("time_series",)),
}
# Known tags whose modalities the tag alone does not settle.
PIPELINE_UNSETTLED = frozenset({"any-to-any", "other", "graph-ml", "reinforcement-learning",
                                "robotics", "biology"})

# Card fields read by the importer; everything else is listed as not imported.
READ = ("license", "license_name", "license_link", "base_model", "base_model_relation",
        "datasets", "pipeline_tag", "language", "model-index", "model_name")
NOT_IMPORTED_WHY: dict[str, str] = {
    "co2_eq_emissions": "CO2-equivalent emissions; the descriptor records energy in kWh and "
                        "a conversion would be a guess",
    "metrics": "metric names without values; results come from model-index",
    "tags": "free-form tags",
    "library_name": "software library, not a regulatory fact",
    "widget": "Hub widget examples",
    "inference": "Hub inference settings",
    "thumbnail": "Hub display setting",
    "new_version": "pointer to a newer model",
    "extra_gated_prompt": "Hub access gate text (gating does not by itself mean the weights "
                          "are or are not public)",
}


# --------------------------------------------------------------------------- mapping


@dataclass
class ImportResult:
    """The draft descriptor (plain data) and what the comment block says about it."""

    data: dict[str, Any]
    placeholders: list[str] = field(default_factory=list)
    derived: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    not_imported: list[str] = field(default_factory=list)
    unrecognised_licences: list[str] = field(default_factory=list)


def as_list(value: str | list[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def licence_ref(name: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9.\-]+", "-", name).strip("-.")
    cleaned = re.sub(r"-{2,}", "-", cleaned)
    return f"LicenseRef-{cleaned or 'unnamed'}"


def licence_catalogue() -> Any:
    """The licence catalogue shipped with the rule data (jurisdictions/_licences), which knows
    Hub ids and license_name spellings of custom licences; None when it is not available."""
    try:
        from compliance.law.licences import load_catalogue
        from compliance.paths import rules_dir
    except ImportError:  # pragma: no cover - the catalogue ships with the package
        return None
    return load_catalogue(rules_dir())


def map_licence(card: ModelCardData, result: ImportResult) -> dict[str, Any] | None:
    hf_id, name, link = card.license, card.license_name, card.license_link
    if hf_id is None:
        if name is not None:
            hf_id = "other"
        else:
            return None
    key = hf_id.lower()
    if key == "unknown":
        result.checks.append("models[0].licence: the card says license: unknown; left unknown")
        return None
    catalogue = licence_catalogue()
    spelling = name if key == "other" else hf_id
    entry = catalogue.lookup(spelling) if catalogue is not None and spelling else None
    licence: dict[str, Any]
    if entry is not None:
        licence = {"id": entry.id, "name": entry.name}
        result.derived.append(f"models[0].licence.id: {entry.id} (card "
                              f"{'license_name' if key == 'other' else 'license'} '{spelling}', "
                              "found in the licence catalogue)")
    elif key == "other":
        if name is None:
            result.checks.append("models[0].licence: the card says license: other without a "
                                 "license_name; left unknown")
            return None
        licence = {"id": licence_ref(name), "name": name}
        result.unrecognised_licences.append(f"{name} (license: other) -> {licence['id']}")
    elif key in HF_LICENCES:
        spdx, full = HF_LICENCES[key]
        licence = {"id": spdx, "name": full}
        result.derived.append(f"models[0].licence.id: {spdx} (card license '{hf_id}')")
        if spdx in ("AGPL-3.0", "GPL-2.0", "GPL-3.0", "LGPL-2.1", "LGPL-3.0"):
            result.checks.append(f"models[0].licence.id: {spdx} is the SPDX id without -only or "
                                 "-or-later; the card does not say which applies")
    else:
        licence = {"id": licence_ref(f"HF-{hf_id}"), "name": name or hf_id}
        why = ("a licence family: the version cannot be derived"
               if key in HF_LICENCE_FAMILIES else "not in the Hub licence table this tool knows")
        result.unrecognised_licences.append(f"{hf_id} ({why}) -> {licence['id']}")
    if link is not None:
        licence["url"] = link
    return licence


def map_base_model(card: ModelCardData, model: dict[str, Any],
                    result: ImportResult) -> None:
    bases = as_list(card.base_model)
    relation = card.get("base_model_relation")
    if not bases:
        if relation is not None:
            result.not_imported.append(f"base_model_relation: {relation} (no base_model named)")
        return
    model["origin"] = "modified_third_party"
    how = f" ({relation})" if relation else ""
    result.checks.append(
        "models[0].origin: modified_third_party because the card names a base model"
        f"{how}; if your organisation provides that base model itself, change it to own")
    if len(bases) == 1:
        model["base_model"] = {"id": bases[0]}
        result.derived.append(f"models[0].base_model.id: {bases[0]} (card base_model)")
    else:
        result.checks.append(
            "models[0].base_model: the card names several base models (" + ", ".join(bases)
            + "); the descriptor records one, so it is left unknown: pick the one that matters "
            "for the modification test")


HUB_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?$")
HUB_DATASETS = "https://huggingface.co/datasets/"


def map_datasets(card: ModelCardData, model: dict[str, Any], result: ImportResult) -> None:
    datasets = as_list(card.datasets)
    if not datasets:
        return
    sources = []
    for name in datasets:
        source: dict[str, Any] = {"name": name}
        if HUB_ID.match(name):
            source["url"] = HUB_DATASETS + name
        sources.append(source)
    model["training_data"] = {"sources": sources}
    result.derived.append("models[0].training_data.sources: " + ", ".join(datasets)
                          + " (card datasets: the datasets used to train the model)")


def map_pipeline(card: ModelCardData, model: dict[str, Any], result: ImportResult) -> None:
    tag = card.pipeline_tag
    if tag is None:
        return
    if tag in PIPELINE_MODALITIES:
        inputs, outputs = PIPELINE_MODALITIES[tag]
        if inputs:
            model["input_modalities"] = list(inputs)
        if outputs:
            model["output_modalities"] = list(outputs)
        result.derived.append(
            f"models[0].input/output_modalities: {', '.join(inputs) or 'unknown'} -> "
            f"{', '.join(outputs) or 'unknown'} (card pipeline_tag '{tag}')")
    elif tag in PIPELINE_UNSETTLED:
        result.checks.append(f"models[0].input/output_modalities: pipeline_tag '{tag}' does not "
                             "settle the modalities; left unknown")
    else:
        result.not_imported.append(f"pipeline_tag: {tag} (not in the Hub task list this tool "
                                   "knows)")


def unknown_facts(data: dict[str, Any]) -> list[str]:
    """Facts the draft leaves unknown, per section, in the models' field order."""
    from compliance.descriptor.model import AIModel, Organisation, System

    def missing(model_cls: Any, present: dict[str, Any], skip: tuple[str, ...] = ()) -> list[str]:
        return [name for name in model_cls.model_fields if name not in present and name not in skip]

    model = data["models"][0]
    lines = [
        "organisation: " + ", ".join(missing(Organisation, data["organisation"])),
        "system: " + ", ".join(missing(System, data["system"])),
        "models[0]: " + ", ".join(missing(AIModel, model)),
    ]
    if "base_model" in model:
        lines.append("models[0].base_model: provider, training_compute_flop, systemic_risk, "
                     "licence")
    if "training_data" in model:
        from compliance.descriptor.model import DataSource, TrainingData

        training = model["training_data"]
        line = "models[0].training_data: " + ", ".join(missing(TrainingData, training))
        sources = training.get("sources") or []
        unknown = [name for name in DataSource.model_fields
                   if any(name not in source for source in sources)]
        if unknown:
            line += "; for some or all sources: " + ", ".join(unknown)
        lines.append(line)
    lines.append("evidence, incidents")
    return lines
