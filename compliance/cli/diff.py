"""``compliance diff``: changes between two descriptor versions, with their legal consequences."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Any

import click

from compliance.cli import DATE, resolve_as_of
from compliance.errors import ExitCode, UsageError


def _from_git(file: Path, rev: str) -> bytes:
    """The file's content at a git revision of the repository that holds it."""
    if rev.startswith("-"):  # git would read it as an option (e.g. --output=FILE writes a file)
        raise UsageError(f"{rev!r} is not a git revision", "name a commit, branch or tag, e.g. HEAD~1 or main")
    try:
        proc = subprocess.run(  # noqa: S603 - fixed argv, no shell; rev cannot be an option (see above)
            ["git", "-C", str(file.parent.resolve()), "show", f"{rev}:./{file.name}"],  # noqa: S607 - the user's git
            capture_output=True, timeout=30, check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise UsageError(f"cannot run git: {exc}", "install git or compare two files instead") from None
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(f"cannot read {file} at {rev}: {message[-1] if message else 'git failed'}",
                         "check the revision name and that the file is tracked by git")
    return proc.stdout


def _read(path: Path) -> bytes:
    """A descriptor's bytes, bounded (see compliance.io.fsutil.read_input)."""
    from compliance.descriptor.yamlio import MAX_BYTES
    from compliance.io.fsutil import read_input

    return read_input(path, MAX_BYTES, what="descriptor")


def _descriptor(raw: bytes, shown: str, base: Path) -> Any:
    from compliance.descriptor.validation import load_valid_descriptor

    return load_valid_descriptor(base / "descriptor.yaml", raw, shown=shown,
                                 hint="compliance validate on that version lists every problem")


@click.command("diff")
@click.argument("old", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.argument("new", required=False, type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--against", "rev", default=None, metavar="REV",
              help="Compare FILE with its version at this git revision (e.g. HEAD~1, main).")
@click.option("--as-of", "as_of", type=DATE, default=None, help="Evaluate both at this date (default: today).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--rules", "rules_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Rule data folder (default: the bundled jurisdictions/).")
def diff_command(old: Path, new: Path | None, rev: str | None, as_of: dt.date | None, fmt: str,
                 rules_dir: Path | None) -> None:
    """Compare OLD and NEW descriptors (or FILE --against REV): facts, classifications, and
    obligations added, removed or re-dated, with citations.

    Exit 1 when new obligations appear, so CI can require a fresh sign-off.
    """
    from compliance.cli.reporting import to_json_text
    from compliance.law.diff import compare, render_text
    from compliance.law.engine import assess
    from compliance.law.engine.evaluator import select_jurisdictions
    from compliance.law.rulebook import load_rulebook
    from compliance.paths import rules_dir as default_rules

    if (new is None) == (rev is None):
        raise UsageError("give either OLD and NEW, or FILE --against REV")
    if rev is not None:
        before = _descriptor(_from_git(old, rev), f"{old}@{rev}", old.parent)
        after = _descriptor(_read(old), str(old), old.parent)
    else:
        assert new is not None
        before = _descriptor(_read(old), str(old), old.parent)
        after = _descriptor(_read(new), str(new), new.parent)
    day = resolve_as_of(as_of)
    book = load_rulebook(rules_dir or default_rules())
    chosen = sorted({s.code for d in (before, after) for s in select_jurisdictions(d, book, day) if s.selected})
    result = compare(assess(before, book, day, chosen), assess(after, book, day, chosen))
    if fmt == "json":
        click.echo(to_json_text(result.to_json(day.isoformat())), nl=False)
    else:
        click.echo(render_text(result, day.isoformat()), nl=False)
    sys.exit(ExitCode.FINDINGS if result.new_obligations else ExitCode.OK)
