"""``compliance calendar``: the deadlines of one or more systems as an iCalendar file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from compliance.cli import STDIN, as_of_option, resolve_as_of, rules_option
from compliance.errors import UsageError


@click.command("calendar")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(path_type=Path, dir_okay=False, exists=True, allow_dash=True))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True), default=None,
              help="Write the calendar here, e.g. deadlines.ics (default, or -: standard output).")
@as_of_option
@rules_option
def calendar_command(files: tuple[Path, ...], output: Path | None, as_of: dt.date | None,
                     rules_dir: Path | None) -> None:
    """Write the deadlines of the systems in FILES as one iCalendar (RFC 5545) file.

    An all-day event on the date from which each obligation applies (in force or upcoming), and a
    timed event (UTC) for each incident report that is due and not yet made, from the reporting
    clocks of `compliance incident check` at the end of the as-of day. Event UIDs derive from the
    organisation, the system id and the obligation or incident, so importing a newer file updates
    the events; the same inputs and --as-of give the same bytes. Undetermined obligations have no
    date and are left out (counted on stderr). Exit codes as for `obligations`: 1 for an invalid
    descriptor or a register that fails verification, 2 for a file that cannot be read, 3 when
    the rule data is missing. Not legal advice.
    """
    from compliance.cli import _load_valid
    from compliance.cli.incident_common import load_clockbook, loaded_register
    from compliance.incidents.check import check
    from compliance.interop.calendar import (
        CalendarEvent,
        SystemRef,
        calendar_bytes,
        calendar_name,
        incident_events,
        obligation_events,
        undated_steps,
        undetermined_count,
    )
    from compliance.io.textsafe import echo
    from compliance.law.engine.evaluator import assess_selected
    from compliance.law.rulebook import load_rulebook
    from compliance.paths import rules_dir as default_rules

    day = resolve_as_of(as_of)
    instant = dt.datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=dt.UTC)  # as `incident check DATE`
    book: Any = None
    clockbook: Any = None
    systems: dict[tuple[str, str], tuple[Path, SystemRef]] = {}
    events: list[CalendarEvent] = []
    notes: list[str] = []
    for file in files:
        descriptor = _load_valid(file)
        system = SystemRef.of(descriptor)
        if system.key in systems:
            raise UsageError(f"{systems[system.key][0]} and {file} describe the same system (organisation "
                             f"{system.organisation!r}, system id {system.id!r}): their events would share UIDs",
                             "give each system once")
        systems[system.key] = (file, system)
        book = book or load_rulebook(rules_dir or default_rules())
        assessment = assess_selected(descriptor, book, day)
        events.extend(obligation_events(assessment, system))
        undetermined = undetermined_count(assessment)
        if undetermined:
            notes.append(f"{file}: {undetermined} undetermined obligation(s) have no date and are not in the "
                         f"calendar (run: compliance ask {file})")
        if descriptor.incidents is not None:
            clockbook = clockbook or load_clockbook(rules_dir)
            with loaded_register(file.parent / descriptor.incidents.path) as register:
                result = check(descriptor, register, assessment, clockbook, instant, descriptor.incidents.path)
            events.extend(incident_events(result.incidents, system, instant))
            undated = undated_steps(result.incidents)
            if undated:
                notes.append(f"{file}: {undated} incident report(s) have no computable due time and are not in the "
                             f"calendar (run: compliance incident check {file})")
    if not events:
        notes.insert(0, "no dated obligation and no open report deadline: the calendar has no events")
    data = calendar_bytes(events, day, calendar_name([s for _f, s in systems.values()]))
    if output is None or output == STDIN:
        click.echo(data, nl=False)  # bytes: written to the binary stream as they are
    else:
        from compliance.io.fsutil import atomic_write_bytes

        atomic_write_bytes(output, data)
        echo(f"wrote {output} ({len(events)} event(s))", err=True)
    for note in notes:
        echo(f"note: {note}", err=True)
