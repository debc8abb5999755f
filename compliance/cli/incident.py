"""``compliance incident``: record incidents in the register and watch the reporting clocks.

The register lives where the descriptor's ``incidents.path`` points (relative to the
descriptor's folder). This module is the CLI edge: it is the only place that reads the clock
(the default ``--as-of`` and ``recorded_at``); everything else takes the instant as input.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from compliance.cli.incident_add import add_command
from compliance.cli.incident_common import (
    AS_OF,
    FORMAT,
    RULES,
    UTC,
    assessment_at,
    descriptor_and_register,
    dump_json,
    load_clockbook,
    loaded_register,
    parse_instant,
)
from compliance.errors import ExitCode, InputError, UsageError
from compliance.io.textsafe import echo

if TYPE_CHECKING:
    from compliance.incidents.check import IncidentResult, Summary

# --------------------------------------------------------------------------- group


@click.group("incident")
def incident_command() -> None:
    """Record incidents in the tamper-evident register and check the reporting deadlines.

    Not legal advice: deadlines follow from the facts recorded and the rule data.
    """


incident_command.add_command(add_command)


# --------------------------------------------------------------------------- list, show


@incident_command.command("list")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@FORMAT
def list_command(file: Path, fmt: str) -> None:
    """List the incidents in the register (verifies the chain first)."""
    from compliance.incidents.register import load

    _, path, shown = descriptor_and_register(file)
    register = load(path)
    states = sorted(register.incidents.values(), key=lambda s: (s.record.aware_at.astimezone(UTC), s.record.id))
    if fmt == "json":
        click.echo(dump_json({"register": shown, "entries": register.count, "head": register.head, "incidents": [
            {"id": s.record.id, "title": s.record.title, "aware_at": s.record.aware_at.isoformat(),
             "status": s.record.status, "serious": s.record.serious, "reports": len(s.reports),
             "entries": [e.seq for e in s.entries]} for s in states]}), nl=False)
        return
    echo(f"{shown}: {register.count} entries, {len(states)} incident(s), head {register.head}")
    for s in states:
        serious = {True: "serious", False: "not serious", None: "serious: unknown"}[s.record.serious]
        echo(f"{s.record.id:20} {s.record.aware_at.isoformat():26} {s.record.status:9} {serious:17} "
                   f"{len(s.reports)} report(s)  {s.record.title}")


@incident_command.command("show")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.argument("incident_id")
@AS_OF
@FORMAT
@RULES
def show_command(file: Path, incident_id: str, as_of: str | None, fmt: str, rules_dir: Path | None) -> None:
    """Show one incident: the record, its history, the reports and every clock."""
    from compliance.incidents.check import _incident_json, check, clock_info, clock_lines
    from compliance.incidents.register import load

    descriptor, path, shown = descriptor_and_register(file)
    instant = parse_instant(as_of)
    register = load(path)
    if incident_id not in register.incidents:
        raise UsageError(f"no incident {incident_id!r} in {shown}",
                         f"known: {', '.join(sorted(register.incidents)) or 'none'}")
    result = check(descriptor, register, assessment_at(descriptor, rules_dir, instant.astimezone(UTC).date()),
                   load_clockbook(rules_dir), instant, shown, only={incident_id})
    found = [i for i in result.incidents if i.state.record.id == incident_id]
    if not found:
        raise UsageError(f"incident {incident_id!r} was recorded after {instant.isoformat()}")
    item = found[0]
    if fmt == "json":
        click.echo(dump_json({"as_of": instant.isoformat(),
                          "clocks": {cid: clock_info(clock) for cid, clock in result.clocks},
                          **_incident_json(item, instant)}), nl=False)
        return
    record = item.state.record
    echo(f"{record.id}: {record.title}")
    for key, value in record.to_json().items():
        if key not in ("id", "title"):
            echo(f"  {key}: {value}")
    echo("History:")
    for e in item.state.entries:
        echo(f"  #{e.seq} {e.entry.type:9} recorded {e.recorded_at.isoformat()}  {e.hash}")
    echo("Clocks:")
    for c in item.clocks:
        echo("\n".join(clock_lines(c, instant, record=record)))


# --------------------------------------------------------------------------- check, verify


@incident_command.command("check")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@AS_OF
@FORMAT
@click.option("--all", "show_all", is_flag=True, help="Also show clocks that do not apply, and why.")
@click.option("--strict", is_flag=True,
              help="Also fail (exit 1) on duties due immediately, undetermined clocks and deadlines that "
                   "depend on a missing fact.")
@RULES
def check_command(file: Path, as_of: str | None, fmt: str, show_all: bool, strict: bool,
                  rules_dir: Path | None) -> None:
    """Check every reporting deadline of the register of the system in FILE.

    Exit 0 when no report is overdue, 1 when one is (or the register fails verification).
    """
    from compliance.incidents.check import Summary, check_lazily, json_chunks, text_chunks
    from compliance.io.textsafe import json_safe

    descriptor, path, shown = descriptor_and_register(file)
    instant = parse_instant(as_of)
    with loaded_register(path) as register:
        result, incidents = check_lazily(descriptor, register, assessment_at(descriptor, rules_dir,
                                         instant.astimezone(UTC).date()), load_clockbook(rules_dir), instant, shown)
        summary = Summary()
        counted = _counted(incidents, summary)
        # written as it is rendered, in pieces of a few hundred incidents: a large register is
        # never held as one text (the summary of the JSON comes first, so its incidents are kept
        # as text until the end)
        if fmt == "json":
            for chunk in _batched(json_chunks(result, counted)):
                click.echo(json_safe(chunk), nl=False)
            click.echo("")
        else:
            for chunk in _batched(text_chunks(result, counted, show_all)):
                echo(chunk, nl=False)
    failed = bool(summary.overdue) or (strict and bool(summary.attention))
    sys.exit(ExitCode.FINDINGS if failed else ExitCode.OK)


def _counted(incidents: Iterator[IncidentResult], summary: Summary) -> Iterator[IncidentResult]:
    for i in incidents:
        summary.add(i)
        yield i


def _batched(chunks: Iterator[str], size: int = 256 * 1024) -> Iterator[str]:
    batch: list[str] = []
    held = 0
    for chunk in chunks:
        batch.append(chunk)
        held += len(chunk)
        if held >= size:
            yield "".join(batch)
            batch, held = [], 0
    if batch:
        yield "".join(batch)


def _register_to_verify(file: Path) -> tuple[Path, str, list[str]]:
    """The register the descriptor in ``file`` names, its path as shown, and warnings. A
    descriptor with errors that leave ``incidents.path`` intact still names its register: the
    register is verified and the descriptor's errors become a warning."""
    from compliance.descriptor.semantic import _escapes
    from compliance.descriptor.validation import load_descriptor_file, raise_if_unreadable

    loaded = load_descriptor_file(file)
    raise_if_unreadable(loaded)
    if not loaded.errors and loaded.descriptor is not None:
        if loaded.descriptor.incidents is None:
            raise UsageError(f"{file} names no incident register",
                             "add to the descriptor:  incidents: {path: incidents.jsonl}")
        relative = loaded.descriptor.incidents.path
        return file.parent / relative, relative, []
    data = loaded.located.data if loaded.located is not None else None
    incidents = data.get("incidents") if isinstance(data, dict) else None
    stated = incidents.get("path") if isinstance(incidents, dict) else None
    touching = [p for p in loaded.errors if p.path == "incidents" or p.path.startswith(("incidents.", "incidents["))]
    details = "\n".join(p.format() for p in loaded.errors)
    if not isinstance(stated, str) or not stated or touching or _escapes(file.parent, stated):
        raise InputError(f"{file} is not a valid descriptor and names no usable incident register:\n{details}",
                         "fix the descriptor (compliance validate FILE), or verify a register on its own: "
                         "compliance incident verify --register PATH")
    count = len(loaded.errors)
    warning = (f"{file} is not a valid descriptor ({count} error{'s' if count != 1 else ''}; run: compliance "
               f"validate {file}); the register it names was verified anyway:\n{details}")
    return file.parent / stated, stated, [warning]


@incident_command.command("verify")
@click.argument("file", required=False, type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--register", "register_file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              metavar="PATH", help="Verify this register file on its own, without a descriptor.")
@click.option("--head", "anchor", default=None, metavar="HASH",
              help="A head hash recorded earlier (e.g. printed in an audit pack): it must still be in the "
                   "chain, which detects removal of trailing entries.")
@FORMAT
def verify_command(file: Path | None, register_file: Path | None, anchor: str | None, fmt: str) -> None:
    """Verify the register's hash chain and content; name the first bad entry.

    The register is the one descriptor FILE names (verified even when the descriptor has other
    errors, which are shown as a warning), or the file given with --register. Exit 0 when it
    verifies, 1 when it does not (or a register the descriptor names is missing), 2 when a file
    given on the command line cannot be read.
    """
    from compliance.incidents.register import MAX_BYTES, read_bytes, verify_bytes
    from compliance.io.fsutil import read_input

    if (file is None) == (register_file is None):
        raise UsageError("give either a descriptor FILE or --register PATH",
                         "compliance incident verify ai-system.yaml  |  compliance incident verify --register "
                         "incidents.jsonl")
    warnings: list[str] = []
    if register_file is not None:
        path, shown = register_file, str(register_file)
        data = read_input(path, MAX_BYTES, what="incident register")
    else:
        assert file is not None
        path, shown, warnings = _register_to_verify(file)
        data = read_bytes(path)
    result = verify_bytes(data, path, anchor.lower() if anchor else None)[0]
    for warning in warnings:
        echo(f"warning: {warning}", err=True)
    if fmt == "json":
        click.echo(dump_json({**result.to_json(), "register": shown, "warnings": warnings}), nl=False)
    elif result.ok:
        extra = " and contains the expected head" if anchor else ""
        echo(f"✓ {shown}: {result.count} entries verify{extra}; head {result.head}")
    else:
        if result.problem is not None:
            echo(f"✗ {result.problem.format(shown)}")
            hint = result.problem.hint_for(shown)
            if hint:
                echo(f"  hint: {hint}")
        if result.anchor_found is False:
            echo(f"✗ {shown}: the expected head {anchor} is not in the chain "
                 "(entries were removed or the register was replaced)")
        echo(f"  entries 1-{result.count} verify; head of the good part {result.head}" if result.count
             else "  no entry verifies")
    sys.exit(ExitCode.OK if result.ok else ExitCode.FINDINGS)
