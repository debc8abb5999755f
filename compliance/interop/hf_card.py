"""Draft a descriptor from a Hugging Face model card's YAML front matter.

The card's metadata is parsed with the project's strict YAML loader (compliance.yamlio): no
tags, YAML 1.2 booleans, duplicate keys rejected. Only facts the metadata states are carried
over, through explicit tables; everything else stays unknown (absent) and is listed in a
comment block at the top of the draft. Required fields the card cannot supply get the
placeholder ``REPLACE-ME`` and are named as such in that comment.

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

import math
import re
import textwrap
from dataclasses import dataclass, field
from typing import Any

from ..textsafe import json_safe
from ..yamlio import Located, Mark, YamlError, decode, dump, load_text

PLACEHOLDER = "REPLACE-ME"

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
_READ = ("license", "license_name", "license_link", "base_model", "base_model_relation",
         "datasets", "pipeline_tag", "language", "model-index", "model_name")
_NOT_IMPORTED_WHY: dict[str, str] = {
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


class CardError(Exception):
    """A model card whose metadata cannot be read; carries a 1-based location in the card."""

    def __init__(self, message: str, line: int, column: int, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.hint = hint


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


# --------------------------------------------------------------------------- front matter


def split_front_matter(text: str) -> tuple[str, int]:
    """The YAML between the opening ``---`` line and the closing ``---`` (or ``...``) line, and
    the 1-based card line on which that YAML starts."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n").rstrip() != "---":
        raise CardError(
            "the model card has no YAML front matter (metadata)", 1, 1,
            "a Hugging Face card starts with a line '---', then the metadata (license, "
            "base_model, datasets, pipeline_tag, ...), then a closing '---' line",
        )
    for index in range(1, len(lines)):
        if lines[index].rstrip("\r\n").rstrip() in ("---", "..."):
            return "".join(lines[1:index]), 2
    raise CardError("the front matter opened on line 1 is never closed", 1, 1,
                    "add a line '---' after the last metadata line")


def _load(raw: bytes) -> tuple[Located, int]:
    try:
        text = decode(raw)
    except YamlError as exc:
        raise CardError(exc.message, exc.mark.line, exc.mark.column, exc.hint) from None
    yaml_text, first_line = split_front_matter(text)
    try:
        located = load_text(yaml_text)
    except YamlError as exc:
        raise CardError(exc.message, exc.mark.line + first_line - 1, exc.mark.column,
                        exc.hint or "check the indentation and quoting of this line and the "
                        "one before it in the card's front matter") from None
    if located.data is None:
        raise CardError("the front matter is empty", first_line, 1,
                        "add the card's metadata (license, base_model, datasets, ...)")
    if not isinstance(located.data, dict):
        raise CardError("the front matter must be a YAML mapping (key: value lines)",
                        first_line, 1)
    return located, first_line


class _Reader:
    """Typed access to card fields with card-relative locations for errors."""

    def __init__(self, located: Located, first_line: int) -> None:
        self.located = located
        self.data: dict[str, Any] = located.data
        self.offset = first_line - 1

    def where(self, *path: str | int) -> tuple[int, int]:
        mark: Mark = self.located.mark_for(tuple(path))
        return mark.line + self.offset, mark.column

    def fail(self, path: tuple[str | int, ...], message: str, hint: str | None = None) -> CardError:
        line, column = self.where(*path)
        return CardError(message, line, column, hint)

    def text(self, key: str) -> str | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise self.fail((key,), f"'{key}' must be a single value, not {_kind(value)}")
        value = str(value).strip()
        return value or None

    def text_list(self, key: str) -> list[str] | None:
        value = self.data.get(key)
        if value is None:
            return None
        items = value if isinstance(value, list) else [value]
        out: list[str] = []
        for index, item in enumerate(items):
            path: tuple[str | int, ...] = (key, index) if isinstance(value, list) else (key,)
            if isinstance(item, bool) or not isinstance(item, (str, int, float)):
                raise self.fail(path, f"'{key}' entries must be plain values, not {_kind(item)}")
            item_text = str(item).strip()
            if item_text and item_text not in out:
                out.append(item_text)
        return out or None


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "a boolean"
    return type(value).__name__


# --------------------------------------------------------------------------- mapping


def _licence_ref(name: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9.\-]+", "-", name).strip("-.")
    cleaned = re.sub(r"-{2,}", "-", cleaned)
    return f"LicenseRef-{cleaned or 'unnamed'}"


def _catalogue() -> Any:
    """The licence catalogue shipped with the rule data (jurisdictions/_licences), which knows
    Hub ids and license_name spellings of custom licences; None when it is not available."""
    try:
        from ..licences import load_catalogue
        from ..paths import rules_dir
    except ImportError:  # pragma: no cover - the catalogue ships with the package
        return None
    return load_catalogue(rules_dir())


def _map_licence(card: _Reader, result: ImportResult) -> dict[str, Any] | None:
    hf_id = card.text("license")
    name = card.text("license_name")
    link = card.text("license_link")
    if hf_id is None:
        if name is not None:
            hf_id = "other"
        else:
            return None
    key = hf_id.lower()
    if key == "unknown":
        result.checks.append("models[0].licence: the card says license: unknown; left unknown")
        return None
    catalogue = _catalogue()
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
        licence = {"id": _licence_ref(name), "name": name}
        result.unrecognised_licences.append(f"{name} (license: other) -> {licence['id']}")
    elif key in HF_LICENCES:
        spdx, full = HF_LICENCES[key]
        licence = {"id": spdx, "name": full}
        result.derived.append(f"models[0].licence.id: {spdx} (card license '{hf_id}')")
        if spdx in ("AGPL-3.0", "GPL-2.0", "GPL-3.0", "LGPL-2.1", "LGPL-3.0"):
            result.checks.append(f"models[0].licence.id: {spdx} is the SPDX id without -only or "
                                 "-or-later; the card does not say which applies")
    else:
        licence = {"id": _licence_ref(f"HF-{hf_id}"), "name": name or hf_id}
        why = ("a licence family: the version cannot be derived"
               if key in HF_LICENCE_FAMILIES else "not in the Hub licence table this tool knows")
        result.unrecognised_licences.append(f"{hf_id} ({why}) -> {licence['id']}")
    if link is not None:
        licence["url"] = link
    return licence


def _map_base_model(card: _Reader, model: dict[str, Any], result: ImportResult) -> None:
    bases = card.text_list("base_model")
    relation = card.text("base_model_relation")
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


_HUB_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?$")


def _map_datasets(card: _Reader, model: dict[str, Any], result: ImportResult) -> None:
    datasets = card.text_list("datasets")
    if not datasets:
        return
    sources = []
    for name in datasets:
        source: dict[str, Any] = {"name": name}
        if _HUB_ID.match(name):
            source["url"] = f"https://huggingface.co/datasets/{name}"
        sources.append(source)
    model["training_data"] = {"sources": sources}
    result.derived.append("models[0].training_data.sources: " + ", ".join(datasets)
                          + " (card datasets: the datasets used to train the model)")


def _map_pipeline(card: _Reader, model: dict[str, Any], result: ImportResult) -> None:
    tag = card.text("pipeline_tag")
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


def _number(value: Any) -> float | None:
    """A finite number, or None (NaN, infinities and integers beyond a float are not values)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        number = float(value.strip() if isinstance(value, str) else value)
    except (ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def _map_model_index(card: _Reader, model: dict[str, Any],
                     result: ImportResult) -> tuple[str | None, str | None]:
    """Evaluations from model-index; returns the model name it states, if any, and the line
    for the DERIVED block."""
    index = card.data.get("model-index")
    if index is None:
        return None, None
    if not isinstance(index, list):
        raise card.fail(("model-index",), "'model-index' must be a list of models",
                        "see the model-index section of the Hub's model card docs")
    name: str | None = None
    evaluations: list[dict[str, Any]] = []
    skipped = 0
    for i, entry in enumerate(index):
        if not isinstance(entry, dict):
            raise card.fail(("model-index", i), "each model-index entry must be a mapping")
        if name is None and isinstance(entry.get("name"), str) and entry["name"].strip():
            name = entry["name"].strip()
        results = entry.get("results") or []
        if not isinstance(results, list):
            raise card.fail(("model-index", i, "results"), "'results' must be a list")
        for j, res in enumerate(results):
            if not isinstance(res, dict):
                raise card.fail(("model-index", i, "results", j), "each result must be a mapping")
            task: dict[str, Any] = res["task"] if isinstance(res.get("task"), dict) else {}
            dataset: dict[str, Any] = (res["dataset"] if isinstance(res.get("dataset"), dict)
                                       else {})
            source: dict[str, Any] = res["source"] if isinstance(res.get("source"), dict) else {}
            metrics = res.get("metrics") or []
            if not isinstance(metrics, list):
                raise card.fail(("model-index", i, "results", j, "metrics"),
                                "'metrics' must be a list")
            for metric in metrics:
                if not isinstance(metric, dict):
                    skipped += 1
                    continue
                value = _number(metric.get("value"))
                label = metric.get("name") or metric.get("type")
                if value is None or not isinstance(label, str) or not label.strip():
                    skipped += 1
                    continue
                evaluation: dict[str, Any] = {"metric": label.strip(), "value": value}
                ds = dataset.get("name") or dataset.get("type")
                if isinstance(ds, str) and ds.strip():
                    evaluation["dataset"] = ds.strip()
                if isinstance(dataset.get("split"), str) and dataset["split"].strip():
                    evaluation["split"] = dataset["split"].strip()
                task_type = task.get("type")
                if isinstance(task_type, str) and task_type.strip():
                    evaluation["task"] = task_type.strip()
                src = source.get("url") or source.get("name")
                if isinstance(src, str) and src.strip():
                    evaluation["source"] = src.strip()
                if evaluation not in evaluations:
                    evaluations.append(evaluation)
    derived = None
    if evaluations:
        model["evaluations"] = evaluations
        derived = (f"models[0].evaluations: {len(evaluations)} result(s) (card model-index; "
                   "self-reported unless the card marks them verified)")
    if skipped:
        result.not_imported.append(f"model-index: {skipped} metric(s) without a numeric value "
                                   "or a name")
    return name, derived


def card_to_descriptor(raw: bytes) -> ImportResult:
    """Map a model card's metadata to a draft descriptor. Raises :class:`CardError`."""
    located, first_line = _load(raw)
    card = _Reader(located, first_line)
    result = ImportResult(data={})
    model: dict[str, Any] = {}

    index_name, evaluations_line = _map_model_index(card, model, result)
    model_name = card.text("model_name") or index_name
    if model_name:
        result.derived.append(f"models[0].name: {model_name} (card "
                              f"{'model_name' if card.text('model_name') else 'model-index name'})")
    _map_base_model(card, model, result)
    _map_pipeline(card, model, result)
    _map_datasets(card, model, result)
    licence = _map_licence(card, result)
    if licence is not None:
        model["licence"] = licence
    languages = card.text_list("language")
    if languages:
        model["languages"] = languages
        result.derived.append("models[0].languages: " + ", ".join(languages) + " (card language)")
    if evaluations_line:
        result.derived.append(evaluations_line)

    for key in card.data:
        if key in _READ:
            continue
        why = _NOT_IMPORTED_WHY.get(key, "no descriptor field")
        result.not_imported.append(f"{key}: {why}")

    model_id = _model_id(model_name)
    ordered: dict[str, Any] = {"id": model_id}
    if model_name:
        ordered["name"] = model_name
    ordered.update(model)
    result.data = {
        "schema_version": 1,
        "organisation": {"name": PLACEHOLDER},
        "system": {"id": PLACEHOLDER, "name": PLACEHOLDER},
        "models": [_ordered_model(ordered)],
    }
    result.placeholders = [
        f"organisation.name: {PLACEHOLDER} (the legal name of your organisation)",
        f"system.id: {PLACEHOLDER} (a short identifier for the AI system, e.g. support-bot)",
        f"system.name: {PLACEHOLDER} (the name of the AI system built on this model)",
    ]
    if not model_name:
        result.placeholders.append(
            f"models[0].id: {model_id} (an identifier inside this descriptor; the card names no "
            "model; rename it if you like)")
    result.unknown = _unknown_facts(result.data)
    return result


def _model_id(name: str | None) -> str:
    if not name:
        return "model"
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", name.split("/")[-1]).strip("-._")
    return cleaned[:100] or "model"


_MODEL_ORDER = ("id", "name", "origin", "base_model", "input_modalities", "output_modalities",
                "training_data", "licence", "languages", "evaluations")


def _ordered_model(model: dict[str, Any]) -> dict[str, Any]:
    return {key: model[key] for key in _MODEL_ORDER if key in model}


def _unknown_facts(data: dict[str, Any]) -> list[str]:
    """Facts the draft leaves unknown, per section, in the models' field order."""
    from ..models.descriptor import AIModel, Organisation, System

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
        lines.append("models[0].training_data: curation, size_tokens, tdm_opt_outs_respected, "
                     "description; each source's type, modalities, size, provenance, "
                     "personal_data")
    lines.append("evidence, incidents")
    return lines


# --------------------------------------------------------------------------- output


def _block(title: str, items: list[str]) -> list[str]:
    if not items:
        return []
    out = [f"# {title}"]
    for item in items:
        wrapped = textwrap.wrap(item, width=94, subsequent_indent="    ",
                                break_long_words=False, break_on_hyphens=False)
        out.extend(f"#   {line}" for line in wrapped)
    out.append("#")
    return out


def render(result: ImportResult, source_name: str) -> str:
    """The draft as YAML with the comment block on top."""
    header = [
        f"# Draft descriptor imported from the Hugging Face model card {source_name}",
        "# by `compliance import hf-card`. A draft, not a statement of fact: check every value",
        "# against what you know, fill in the unknown facts, then run `compliance validate`.",
        "# A fact left out is unknown (the tool reports what it cannot decide); it is not false.",
        "#",
    ]
    header += _block(f"PLACEHOLDERS: required fields the card cannot supply; replace every "
                     f"{PLACEHOLDER}:", result.placeholders)
    header += _block("DERIVED from the card's metadata:", result.derived)
    header += _block("CHECK these:", result.checks)
    header += _block("UNRECOGNISED LICENCES kept as LicenseRef-... (review them):",
                     result.unrecognised_licences)
    header += _block("UNKNOWN: not derivable from the card, left out (add what you know):",
                     result.unknown)
    header += _block("NOT IMPORTED card fields:", result.not_imported)
    # comment lines quote card fields: their control and bidi characters become \\uXXXX text too
    return json_safe("\n".join(header)) + "\n" + dump(result.data)
