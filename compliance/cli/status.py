"""``compliance status``: fleet view over every descriptor below a folder."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from compliance.cli import DATE, resolve_as_of
from compliance.errors import UsageError

if TYPE_CHECKING:
    from compliance.documents.status import Row


@click.command("status")
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--as-of", "as_of", type=DATE, default=None, help="Evaluate at this date (default: today).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "pdf"]), default="table", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (required for --format pdf).")
@click.option("--jobs", type=click.IntRange(1, 64), default=None,
              help="Worker processes (default: 2 when there are many descriptors).")
@click.option("--rules", "rules_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Rule data folder (default: the bundled jurisdictions/).")
def status_command(directory: Path, as_of: dt.date | None, fmt: str, output: Path | None,
                   jobs: int | None, rules_dir: Path | None) -> None:
    """One row per AI system below DIRECTORY: risk tier, flags, obligations in force and
    upcoming, open gaps, overdue incidents. Invalid descriptors are listed, not skipped; a
    YAML file that is not a regular file (FIFO, device, socket) is never opened and is named on
    stderr."""
    from compliance.cli.reporting import to_json_text
    from compliance.documents.status import collect, render_table, to_json
    from compliance.io.fsutil import atomic_write_bytes, atomic_write_text
    from compliance.io.textsafe import echo
    from compliance.paths import rules_dir as default_rules

    day = resolve_as_of(as_of)
    skipped: list[tuple[str, str]] = []
    rows = collect(directory, rules_dir or default_rules(), day, jobs, skipped)
    for file, reason in skipped:
        echo(f"skipped {file}: {reason}", err=True)
    if fmt == "pdf":
        if output is None:
            raise UsageError("--format pdf needs -o FILE.pdf")
        atomic_write_bytes(output, _pdf(rows, day))
        click.echo(f"wrote {output} ({len(rows)} systems)", err=True)
        return
    text = to_json_text(to_json(rows, day)) if fmt == "json" else render_table(rows, day)
    if output is not None:
        atomic_write_text(output, text)
    else:
        click.echo(text, nl=False)


def _pdf(rows: list[Row], day: dt.date) -> bytes:
    from compliance.documents.environment import make_environment, template_dirs
    from compliance.documents.pdf import render_pdf
    from compliance.documents.status import to_json
    from compliance.version import __version__

    data = to_json(rows, day)
    html = make_environment().get_template("base/status.html.j2").render(
        rows=data["systems"], totals=data["totals"], as_of=day.isoformat(), tool_version=__version__)
    return render_pdf(html, roots=template_dirs(None), as_of=day, variant=None).pdf
