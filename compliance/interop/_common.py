"""Helpers shared by the exports: a stable descriptor digest, stable identifiers, timestamps and
the ``compliance:*`` name/value properties both formats carry for facts they have no field for."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import uuid
from typing import Any

from pydantic import BaseModel

from compliance.descriptor.model import (
    AIModel,
    DataSource,
    Descriptor,
    ModalityLimit,
    Release,
    TrainingModality,
)

# Namespace for the name-based UUIDs of exported documents (uuid5 of the descriptor digest).
# Fixed forever: changing it would change every serial number.
_UUID_NAMESPACE = uuid.UUID("8b0b5f9e-7d0a-5a37-9a43-6a1f2c0e1d55")


def canonical_json(descriptor: Descriptor) -> str:
    """The descriptor's stated facts as canonical JSON (sorted keys, no unknown facts): comments,
    key order and formatting of the YAML source do not change it."""
    return json.dumps(descriptor.model_dump(mode="json", exclude_none=True), sort_keys=True,
                      separators=(",", ":"), ensure_ascii=False)


def descriptor_digest(descriptor: Descriptor) -> str:
    """SHA-256 (hex) of :func:`canonical_json`."""
    return hashlib.sha256(canonical_json(descriptor).encode("utf-8")).hexdigest()


def document_uuid(digest: str, kind: str) -> uuid.UUID:
    """A name-based (version 5) UUID for one kind of export of one descriptor state."""
    return uuid.uuid5(_UUID_NAMESPACE, f"{kind}:{digest}")


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def slug(text: str) -> str:
    """A conservative identifier fragment (letters, digits, '.', '_', '-')."""
    return _UNSAFE.sub("-", text).strip("-") or "x"


def timestamp_from(as_of: dt.date | None, source_date_epoch: str | None) -> dt.datetime | None:
    """The document timestamp: --as-of (midnight UTC) wins, else SOURCE_DATE_EPOCH, else none.
    The CLI reads the environment; this function reads no clock."""
    if as_of is not None:
        return dt.datetime(as_of.year, as_of.month, as_of.day, tzinfo=dt.UTC)
    if source_date_epoch is not None and source_date_epoch.strip():
        try:
            seconds = int(source_date_epoch.strip())
        except ValueError:
            raise ValueError(f"SOURCE_DATE_EPOCH={source_date_epoch!r} is not an integer "
                             "number of seconds") from None
        return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
    return None


def iso_utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def fmt_number(value: float) -> str:
    """A number as JSON writes it, a whole float below 10^15 without its ".0" (2300000000, not
    2300000000.0: the descriptor's YAML integer comes back from pydantic as a float)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return json.dumps(value)


def _fmt_entry(value: BaseModel) -> str:
    """One entry of a list of model facts (a release, a size limit, a training modality)."""
    if isinstance(value, Release):
        return f"{value.channel.value} {value.date.isoformat()}" + (
            f" ({value.description})" if value.description else "")
    if isinstance(value, ModalityLimit):
        return f"{value.modality.value}: {value.max_size}"
    if isinstance(value, TrainingModality):
        return f"{value.modality.value}: {fmt_number(value.size)} {value.unit}" + (
            f" ({'; '.join(value.content_types)})" if value.content_types else "")
    return json.dumps(value.model_dump(mode="json", exclude_none=True), sort_keys=True,
                      ensure_ascii=False)


def fmt_value(value: Any) -> str:
    """A fact as property text: booleans lower-case, numbers as JSON writes them, lists joined."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, BaseModel):
        return _fmt_entry(value)
    if isinstance(value, (list, tuple)):
        # entries with free text of their own (a release's description) are set off by "; "
        joiner = "; " if any(isinstance(v, BaseModel) for v in value) else ", "
        return joiner.join(fmt_value(v) for v in value)
    if hasattr(value, "value"):  # enums
        return str(value.value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# Model facts that neither CycloneDX nor SPDX has a field for, exported as properties named
# "compliance:<path>" (an export whose format has a field for one of them leaves it out of the
# properties: SPDX's releaseTime carries release_date). Paths are descriptor paths below models[].
MODEL_PROPERTY_PATHS: tuple[str, ...] = (
    "origin",
    "parameters",
    "parameter_range",
    "context_window",
    "max_input_sizes",
    "max_output_sizes",
    "modification_compute_flop",
    "training_compute.flop",
    "training_compute.cumulative_flop",
    "training_compute.method",
    "training_compute.training_tokens",
    "training_compute.uncertainty_pct",
    "training_data.size_tokens",
    "training_data.modalities",
    "training_data.languages",
    "training_data.latest_collection_date",
    "training_data.collection_continues",
    "training_data.sources_complete",
    "training_data.tdm_opt_outs_respected",
    "training_data.summary_version",
    "training_data.summary_updated",
    "significant_generality",
    "narrow_task_only",
    "weights_public",
    "architecture_public",
    "usage_information_public",
    "monetised",
    "monetisation",
    "distribution_channels",
    "release_date",
    "releases",
    "eu_placed_on_market",
    "planned_eu_placement",
    "sole_purpose_scientific_rnd",
    "systemic_risk.designated",
    "systemic_risk.notified_on",
    "systemic_risk.rebuttal",
    "eu_business_users",
    "monthly_active_users",
    "languages",
    "energy.training_kwh",
    "energy.method",
    "documentation_version",
    "documentation_updated",
)

SOURCE_PROPERTY_PATHS: tuple[str, ...] = ("type", "size", "provenance", "personal_data",
                                          "modalities")


def _get(obj: Any, path: str) -> Any:
    for part in path.split("."):
        if obj is None:
            return None
        obj = getattr(obj, part, None)
    return obj


def properties_for(obj: AIModel | DataSource, paths: tuple[str, ...],
                   prefix: str = "compliance:") -> list[tuple[str, str]]:
    """(name, value) pairs for the stated facts among ``paths``; unknown facts are left out.
    An empty list ([] = none) is a stated fact and is exported as "none"."""
    out: list[tuple[str, str]] = []
    for path in paths:
        value = _get(obj, path)
        if value is None:
            continue
        if isinstance(value, list) and not value:
            out.append((f"{prefix}{path}", "none"))
            continue
        out.append((f"{prefix}{path}", fmt_value(value)))
    return out


SOURCE_PREFIX = "compliance:source."


def model_label(model: AIModel) -> str:
    return model.name or model.id


def base_model_properties(base: Any) -> list[tuple[str, str]]:
    """``compliance:*`` properties for the facts of a base model that the formats have no
    field for (shared by the CycloneDX and SPDX exports)."""
    props: list[tuple[str, str]] = []
    if base.training_compute_flop is not None:
        props.append(("compliance:training_compute.flop", json.dumps(base.training_compute_flop)))
    if base.systemic_risk is not None:
        props.append(("compliance:systemic_risk", "true" if base.systemic_risk else "false"))
    return props
