"""Draft a descriptor from a Hugging Face model card: its YAML front matter, and the facts its
body states in the sections of the Hub's model card template (compliance.interop.hf_card_body).

What huggingface_hub does here (imported through :mod:`compliance.interop._hub`, offline, and
only by the hf-card commands):
- finds the front matter with the Hub's own rule (``REGEX_YAML_BLOCK``, "the exact same regex
  as in the Hub server"), so a card is read as metadata exactly when the Hub reads it;
- holds the card data in its ``ModelCardData`` (license, license_name, license_link,
  base_model, datasets, language, pipeline_tag, model_name, eval_results);
- flattens ``model-index`` into ``EvalResult`` records with its ``model_index_to_eval_results``.
  It needs task.type, dataset.type/name and metrics[].type/value; a card that leaves one out
  still states the rest, so the missing ones are handed over as None (unknown) and every stated
  metric comes over, as before.

What stays own code, and why:
- The YAML itself is parsed by the project's strict loader (compliance.descriptor.yamlio), not
  by ``ModelCard(text)``: that calls ``yaml.safe_load`` (YAML 1.1, so ``language: no`` becomes
  False; duplicate keys silently win; no line numbers; no node limit, so an alias bomb loads as
  shared references and explodes in the first walk that writes it out). The strict loader rejects tags, duplicate keys and
  alias bombs and gives every error a card line and column (``README.md:LINE:COL: error: ...``).
- The checks on each field's shape, which point at the offending card line; the library has
  no locations and raises bare KeyError/TypeError/AttributeError on odd shapes.
- The tables (compliance.interop.hf_card_mapping) and the mapping itself: what a Hub value
  means for a descriptor is this project's judgement, not something the library records.
- The card bytes are read by the caller through compliance.io.fsutil.read_input (bounded, no
  FIFOs); the library is only ever handed that text, never a path or a repo id.

Only facts the card states are carried over; everything else stays unknown (absent) and is
listed in a comment block at the top of the draft. Required fields the card cannot supply get
the placeholder ``REPLACE-ME`` and are named as such in that comment.
"""

from __future__ import annotations

import math
import re
import textwrap
from dataclasses import dataclass
from typing import Any

from compliance.descriptor.yamlio import Located, Mark, YamlError, decode, dump, load_text
from compliance.interop import _hub
from compliance.interop.hf_card_body import map_body
from compliance.interop.hf_card_mapping import (
    HF_LICENCE_FAMILIES,
    HF_LICENCES,
    NOT_IMPORTED_WHY,
    PIPELINE_MODALITIES,
    PIPELINE_UNSETTLED,
    READ,
    ImportResult,
    as_list,
    map_base_model,
    map_datasets,
    map_licence,
    map_pipeline,
    unknown_facts,
)
from compliance.io.textsafe import json_safe

__all__ = ["HF_LICENCES", "HF_LICENCE_FAMILIES", "PIPELINE_MODALITIES", "PIPELINE_UNSETTLED",
           "PLACEHOLDER", "CardError", "ImportResult", "card_to_descriptor", "render",
           "split_front_matter"]

PLACEHOLDER = "REPLACE-ME"


class CardError(Exception):
    """A model card whose metadata cannot be read; carries a 1-based location in the card."""

    def __init__(self, message: str, line: int, column: int, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.hint = hint


# --------------------------------------------------------------------------- front matter

_BREAK = re.compile(r"\r\n|\r|\n")


def split_front_matter(text: str) -> tuple[str, int]:
    """The front matter as the Hub finds it (huggingface_hub's ``REGEX_YAML_BLOCK``) and the
    1-based card line on which that YAML starts. When the Hub would find none, says why, with
    the line: no opening ``---``, an opening line with trailing blanks, empty, never closed."""
    match = _hub.REGEX_YAML_BLOCK.search(text)
    if match:
        return match.group(2), len(_BREAK.findall(text, 0, match.start(2))) + 1
    lines = _BREAK.split(text)
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None or lines[first].strip() != "---":
        raise CardError(
            "the model card has no YAML front matter (metadata)", 1, 1,
            "a Hugging Face card starts with a line '---', then the metadata (license, "
            "base_model, datasets, pipeline_tag, ...), then a closing '---' line",
        )
    opening = lines[first]
    if opening.rstrip() != opening:
        raise CardError("the opening '---' line ends in spaces or tabs, so the Hub does not read "
                        "the metadata", first + 1, len(opening.rstrip()) + 1, "remove them")
    if first + 1 < len(lines) and re.fullmatch(r"---[ \t]*", lines[first + 1]):
        raise CardError("the front matter is empty", first + 2, 1,
                        "add the card's metadata (license, base_model, datasets, ...)")
    hint = "add a line '---' after the last metadata line"
    if any(line.rstrip() == "..." for line in lines[first + 1:]):
        hint += " (the Hub does not accept '...' as the closing line)"
    if "\r" in text and "\n" not in text:
        hint = "save the card with LF line endings: the Hub does not read CR-only front matter"
    raise CardError(f"the front matter opened on line {first + 1} is never closed", first + 1, 1,
                    hint)


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


# --------------------------------------------------------------------------- card data


@dataclass
class _Card:
    """The card data as huggingface_hub holds it, plus what the importer noticed reading it."""

    data: _hub.ModelCardData
    keys: list[str]
    skipped: int  # model-index metrics that are not mappings


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _hub_result(res: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """One model-index result in the shape huggingface_hub's reader takes. The Hub requires
    task.type, dataset.type/name and metrics[].type/value; a card that leaves one out still
    states the rest, so a missing one is passed as None (unknown) rather than dropping the
    result. Metrics that are not mappings are left out and counted."""
    task, dataset = _mapping(res.get("task")), _mapping(res.get("dataset"))
    source = _mapping(res.get("source"))
    metrics = [m for m in res.get("metrics") or [] if isinstance(m, dict)]
    shaped: dict[str, Any] = {
        "task": {"type": None, **task},
        "dataset": {"type": None, "name": None, **dataset},
        "metrics": [{"type": None, "value": None, **m} for m in metrics],
    }
    if source.get("url") is not None:  # the library refuses a source name without a url
        shaped["source"] = source
    return shaped, len(res.get("metrics") or []) - len(metrics)


def _model_index(card: _Reader) -> tuple[str | None, list[_hub.EvalResult], int]:
    """The first model name model-index states, its results flattened by huggingface_hub, and
    the number of metrics that are not mappings."""
    index = card.data.get("model-index")
    if index is None:
        return None, [], 0
    if not isinstance(index, list):
        raise card.fail(("model-index",), "'model-index' must be a list of models",
                        "see the model-index section of the Hub's model card docs")
    name: str | None = None
    flat: list[_hub.EvalResult] = []
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
            if not isinstance(res.get("metrics") or [], list):
                raise card.fail(("model-index", i, "results", j, "metrics"),
                                "'metrics' must be a list")
            shaped, not_mappings = _hub_result(res)
            skipped += not_mappings
            if not shaped["metrics"]:
                continue
            try:
                _, evals = _hub.model_index_to_eval_results(
                    [{"name": entry.get("name"), "results": [shaped]}])
            except (KeyError, TypeError, ValueError, AttributeError):  # pragma: no cover
                raise card.fail(("model-index", i, "results", j),
                                "this model-index result cannot be read") from None
            source_name = _mapping(res.get("source")).get("name")
            for ev in evals:
                ev.source_name = ev.source_name or source_name
            flat.extend(evals)
    return name, flat, skipped


def _card_data(card: _Reader) -> _Card:
    """Check the shape of every field the importer reads (located errors), then hand the
    values to huggingface_hub's ModelCardData."""
    index_name, evals, skipped = _model_index(card)
    data = _hub.ModelCardData(
        license=card.text("license"),
        license_name=card.text("license_name"),
        license_link=card.text("license_link"),
        base_model=card.text_list("base_model"),
        datasets=card.text_list("datasets"),
        language=card.text_list("language"),
        pipeline_tag=card.text("pipeline_tag"),
        # the card's own model_name wins over the name model-index states
        model_name=card.text("model_name") or index_name,
        base_model_relation=card.text("base_model_relation"),
    )
    data.eval_results = evals or None  # set after construction: a name is not required here
    return _Card(data, list(card.data), skipped)


# --------------------------------------------------------------------------- mapping


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if not isinstance(value, (int, float, str)):
        return None
    try:  # a YAML int too large for a float overflows; .inf and "nan" are not results
        number = float(value.strip() if isinstance(value, str) else value)
    except (ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _map_evaluations(card: _Card, model: dict[str, Any]) -> tuple[str | None, int]:
    """Evaluations from the card's EvalResults; returns the line for the DERIVED block and the
    number of metrics left out for want of a numeric value or a name."""
    evaluations: list[dict[str, Any]] = []
    skipped = card.skipped
    for res in card.data.eval_results or []:
        value = _number(res.metric_value)
        label = _text(res.metric_name) or _text(res.metric_type)
        if value is None or label is None:
            skipped += 1
            continue
        evaluation: dict[str, Any] = {"metric": label, "value": value}
        for key, stated in (("dataset", _text(res.dataset_name) or _text(res.dataset_type)),
                            ("split", _text(res.dataset_split)),
                            ("task", _text(res.task_type)),
                            ("source", _text(res.source_url) or _text(res.source_name))):
            if stated is not None:
                evaluation[key] = stated
        if evaluation not in evaluations:
            evaluations.append(evaluation)
    if not evaluations:
        return None, skipped
    model["evaluations"] = evaluations
    return (f"models[0].evaluations: {len(evaluations)} result(s) (card model-index; "
            "self-reported unless the card marks them verified)"), skipped


def card_to_descriptor(raw: bytes) -> ImportResult:
    """Map a model card's metadata to a draft descriptor. Raises :class:`CardError`."""
    located, first_line = _load(raw)
    reader = _Reader(located, first_line)
    card = _card_data(reader)
    data = card.data
    result = ImportResult(data={})
    model: dict[str, Any] = {}

    evaluations_line, skipped = _map_evaluations(card, model)
    if skipped:
        result.not_imported.append(f"model-index: {skipped} metric(s) without a numeric value "
                                   "or a name")
    model_name = data.model_name
    if model_name:
        result.derived.append(f"models[0].name: {model_name} (card "
                              f"{'model_name' if reader.text('model_name') else 'model-index name'})")
    map_base_model(data, model, result)
    map_pipeline(data, model, result)
    map_datasets(data, model, result)
    licence = map_licence(data, result)
    if licence is not None:
        model["licence"] = licence
    languages = as_list(data.language)
    if languages:
        model["languages"] = languages
        result.derived.append("models[0].languages: " + ", ".join(languages) + " (card language)")
    if evaluations_line:
        result.derived.append(evaluations_line)
    map_body(raw, model, result)  # the body's sections, the way `export hf-card` writes them

    for key in card.keys:
        if key in READ:
            continue
        why = NOT_IMPORTED_WHY.get(key, "no descriptor field")
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
    result.unknown = unknown_facts(result.data)
    return result


def _model_id(name: str | None) -> str:
    if not name:
        return "model"
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", name.split("/")[-1]).strip("-._")
    return cleaned[:100] or "model"


def _ordered_model(model: dict[str, Any]) -> dict[str, Any]:
    """The model's facts in the descriptor's field order (id and name first)."""
    from compliance.descriptor.model import AIModel

    return {key: model[key] for key in AIModel.model_fields if key in model}


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
    header += _block("DERIVED from the card:", result.derived)
    header += _block("CHECK these:", result.checks)
    header += _block("UNRECOGNISED LICENCES kept as LicenseRef-... (review them):",
                     result.unrecognised_licences)
    header += _block("UNKNOWN: not derivable from the card, left out (add what you know):",
                     result.unknown)
    header += _block("NOT IMPORTED card fields:", result.not_imported)
    # comment lines quote card fields: their control and bidi characters become \\uXXXX text too
    return json_safe("\n".join(header)) + "\n" + dump(result.data)
