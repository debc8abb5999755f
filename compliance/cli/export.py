"""``compliance export``: a descriptor as a bill of materials (CycloneDX, SPDX)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import click

from compliance.errors import UsageError


def _common(fn: Any) -> Any:
    from compliance.cli import DATE

    fn = click.option("--as-of", "as_of", type=DATE, default=None,
                      help="Timestamp the document with this date (midnight UTC). Without it, "
                           "SOURCE_DATE_EPOCH is used when set.")(fn)
    fn = click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
                      default=None, help="Write the document here instead of printing it.")(fn)
    fn = click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))(fn)
    return fn


@click.group("export")
def export_group() -> None:
    """Export a descriptor as a bill of materials (CycloneDX 1.6 ML-BOM, SPDX 3.0) or a model card.

    Only stated facts are exported; unknown facts are absent. The output is deterministic:
    identifiers derive from the descriptor's facts, and the only timestamp comes from --as-of
    or SOURCE_DATE_EPOCH.
    """


def _load(path: Path) -> Any:
    from compliance.descriptor.validation import load_valid_descriptor

    return load_valid_descriptor(path)


def _timestamp(as_of: dt.date | None) -> dt.datetime | None:
    from compliance.interop._common import timestamp_from

    try:
        return timestamp_from(as_of, os.environ.get("SOURCE_DATE_EPOCH"))
    except ValueError as exc:
        raise UsageError(str(exc), "set it to a Unix time in seconds, or pass --as-of") from None


def _emit(text: str, output: Path | None) -> None:
    from compliance.io.fsutil import atomic_write_text
    from compliance.io.textsafe import json_safe

    text = json_safe(text)  # control and bidi characters as \uXXXX: the same JSON, inert on a terminal
    if output is None:
        click.echo(text, nl=False)
    else:
        atomic_write_text(output, text)
        click.echo(f"wrote {output}", err=True)


@export_group.command("cyclonedx")
@_common
def cyclonedx_command(file: Path, output: Path | None, as_of: dt.date | None) -> None:
    """Export descriptor FILE as a CycloneDX 1.6 ML-BOM (JSON).

    The system is the BOM's subject; each model is a machine-learning-model component with a
    model card (parameters, datasets, metrics, considerations); each training-data source is a
    data component. Without --as-of or SOURCE_DATE_EPOCH the BOM has no timestamp.
    """
    from compliance.interop.cyclonedx import export_cyclonedx

    _emit(export_cyclonedx(_load(file), _timestamp(as_of)), output)


@export_group.command("spdx")
@_common
def spdx_command(file: Path, output: Path | None, as_of: dt.date | None) -> None:
    """Export descriptor FILE as an SPDX 3.0.1 JSON-LD document (AI and Dataset profiles).

    Each model is an AIPackage, each training-data source a DatasetPackage, linked by
    trainedOn, descendantOf (base model), hasDeclaredLicense and contains relationships.
    SPDX requires a creation time: it is --as-of, else SOURCE_DATE_EPOCH, else today
    (midnight UTC, with a note on stderr).
    """
    from compliance.interop.spdx import export_spdx

    moment = _timestamp(as_of)
    if moment is None:
        today = dt.date.today()  # the CLI edge is the only place that reads the clock
        moment = dt.datetime(today.year, today.month, today.day, tzinfo=dt.UTC)
        click.echo(f"note: SPDX needs a creation time; using today ({today.isoformat()}). "
                   "Pass --as-of or set SOURCE_DATE_EPOCH for reproducible output.", err=True)
    _emit(export_spdx(_load(file), moment), output)


@export_group.command("hf-card")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Write the card here (e.g. README.md) instead of printing it.")
@click.option("--model", "model_id", default=None,
              help="The id of the model to describe, when the descriptor has several.")
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
def hf_card_command(file: Path, output: Path | None, model_id: str | None, force: bool) -> None:
    """Write a Hugging Face model card (README.md) for a model of descriptor FILE.

    The front matter carries what the Hub has fields for (license, base_model, datasets,
    language, model-index results); the body follows the Hub's model card template (Model
    Details, Uses, Training Details, Evaluation, Technical Specifications) with the model's
    other stated facts. Unknown facts read "Not stated" or are left out. `compliance import
    hf-card` reads the card back.
    """
    from compliance.interop.hf_card_export import ModelChoiceError, export_hf_card
    from compliance.io.fsutil import atomic_write_text
    from compliance.io.textsafe import echo

    if output is not None and output.exists() and not force:
        raise UsageError(f"{output} already exists", "pass --force to overwrite it")
    try:
        text = export_hf_card(_load(file), model_id)
    except ModelChoiceError as exc:
        raise UsageError(str(exc), "pass --model with one of the model ids") from None
    if output is None:
        click.echo(text, nl=False)
    else:
        atomic_write_text(output, text)
        echo(f"wrote {output}", err=True)
