"""``compliance import``: draft descriptors from other formats."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from compliance.errors import ExitCode, UsageError


@click.group("import")
def import_group() -> None:
    """Draft a descriptor from another format (e.g. a Hugging Face model card)."""


@import_group.command("hf-card")
@click.argument("card", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Write the draft here instead of printing it.")
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
def hf_card_command(card: Path, output: Path | None, force: bool) -> None:
    """Draft a descriptor from a Hugging Face model CARD (README.md).

    From the YAML front matter: licence, base model, training datasets, pipeline tag (as
    modalities), languages and model-index results, through explicit tables. From the body,
    where it uses the Hub template's sections the way `compliance export hf-card` writes them:
    intended tasks (Direct Use), integration targets (Downstream Use), release dates,
    parameters, context window, input/output sizes, documentation version and the training-data
    facts. Every other fact is left unknown and listed in a comment at the top. Required fields
    the card cannot supply are set to REPLACE-ME. Exit 1 (with the location) when the card's
    metadata cannot be read.
    """
    from compliance.descriptor.problems import Problem, Severity
    from compliance.descriptor.yamlio import MAX_BYTES
    from compliance.interop.hf_card import CardError, card_to_descriptor, render
    from compliance.io.fsutil import InputTooLargeError, atomic_write_text, read_input
    from compliance.io.textsafe import echo

    if output is not None and output.exists() and not force:
        raise UsageError(f"{output} already exists", "pass --force to overwrite it")
    try:
        raw = read_input(card, MAX_BYTES, what="model card")  # unreadable / not a regular file: exit 2
        result = card_to_descriptor(raw)
    except InputTooLargeError as exc:
        echo(Problem(str(card), 1, 1, Severity.error, "hf-card", exc.reason, exc.hint).format())
        sys.exit(ExitCode.FINDINGS)
    except CardError as exc:
        echo(Problem(str(card), exc.line, exc.column, Severity.error, "hf-card", exc.message, exc.hint).format())
        sys.exit(ExitCode.FINDINGS)
    text = render(result, card.name)
    _self_check(text)
    if output is None:
        click.echo(text, nl=False)
        return
    atomic_write_text(output, text)
    echo(f"wrote {output}: {len(result.derived)} fact(s) from the card, "
               f"{len(result.placeholders)} placeholder(s) to replace; then run: "
               f"compliance validate {output}", err=True)


def _self_check(text: str) -> None:
    """The draft must parse and pass the schema; anything else is a bug in the importer."""
    from compliance.descriptor.validation import parse_descriptor

    loaded = parse_descriptor(text.encode("utf-8"), "<draft>", None)
    if loaded.errors:
        details = "; ".join(p.message for p in loaded.errors)
        raise RuntimeError(f"the imported draft does not validate: {details}")
