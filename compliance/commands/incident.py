"""``compliance incident``: record incidents in the register and watch the reporting clocks.

The register lives where the descriptor's ``incidents.path`` points (relative to the
descriptor's folder). This module is the CLI edge: it is the only place that reads the clock
(the default ``--as-of`` and ``recorded_at``); everything else takes the instant as input.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import click

from compliance.errors import ExitCode, InputError, UsageError
from compliance.textsafe import echo, json_safe

UTC = dt.UTC

FORMAT = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
                      help="Output format.")
RULES = click.option("--rules", "rules_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                     help="Rule data folder (default: the bundled jurisdictions/).")
AS_OF = click.option("--as-of", "as_of", default=None, metavar="DATE|TIMESTAMP",
                     help="Evaluate at this instant: YYYY-MM-DD (end of that day, 23:59:59 UTC) or an ISO "
                          "timestamp with UTC offset (default: now).")


# --------------------------------------------------------------------------- helpers


def parse_instant(value: str | None, option: str = "--as-of") -> dt.datetime:
    """A date (end of that day, UTC) or an ISO timestamp with offset; None means now (the CLI
    edge is the only place that reads the clock)."""
    if value is None:
        return dt.datetime.now(UTC).replace(microsecond=0)
    text = value.strip()
    if len(text) == 10:
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            pass
        else:
            return _within_years(dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=UTC), value, option)
    return parse_timestamp(text, option)


def parse_timestamp(value: str, option: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"{option}: {value!r} is not an ISO 8601 timestamp",
                         "write e.g. 2028-01-03T10:00:00+01:00 or 2028-01-03T09:00:00Z") from None
    if parsed.tzinfo is None:
        raise UsageError(f"{option}: {value!r} has no UTC offset",
                         "add the offset, e.g. 2028-01-03T10:00:00+01:00 (or Z for UTC)")
    return _within_years(parsed, value, option)


def _within_years(instant: dt.datetime, value: str, option: str) -> dt.datetime:
    """The instant, if its year is one a register accepts (see compliance.incidents.model.YEARS)."""
    from compliance.incidents.model import YEARS

    if instant.year not in YEARS:
        raise UsageError(f"{option}: {value!r} is out of range",
                         f"give a time between the years {YEARS.start} and {YEARS.stop - 1}")
    return instant


def _descriptor_and_register(file: Path) -> tuple[Any, Path, str]:
    from compliance.cli import _load_valid

    descriptor = _load_valid(file)
    if descriptor.incidents is None:
        raise UsageError(f"{file} names no incident register",
                         "add to the descriptor:  incidents: {path: incidents.jsonl}")
    relative = descriptor.incidents.path
    return descriptor, file.parent / relative, relative


def _clockbook(rules_dir: Path | None) -> Any:
    from compliance.incidents.clockbook import load_clocks
    from compliance.paths import rules_dir as default_rules

    return load_clocks(rules_dir or default_rules())


def _assessment(descriptor: Any, rules_dir: Path | None, day: dt.date) -> Any:
    from compliance.engine.evaluator import assess_selected
    from compliance.paths import rules_dir as default_rules
    from compliance.rulebook import load_rulebook

    return assess_selected(descriptor, load_rulebook(rules_dir or default_rules()), day)


def _dump(data: Any) -> str:
    return json_safe(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False)) + "\n"


# --------------------------------------------------------------------------- group


@click.group("incident")
def incident_command() -> None:
    """Record incidents in the tamper-evident register and check the reporting deadlines.

    Not legal advice: deadlines follow from the facts recorded and the rule data.
    """


# --------------------------------------------------------------------------- add

_BOOL_FLAGS = (
    ("serious", "--serious/--not-serious", "The incident is a serious incident (Art. 3(49) AI Act)."),
    ("death", "--death/--no-death", "A person died."),
    ("widespread_infringement", "--widespread/--not-widespread", "A widespread infringement (Art. 3(61))."),
    ("cybersecurity_breach", "--cyber-breach/--no-cyber-breach", "A serious cybersecurity breach (GPAI)."),
    ("critical_safety_incident", "--critical-safety/--not-critical-safety",
     "A critical safety incident (Cal. Bus. & Prof. Code § 22757.11(d))."),
    ("imminent_risk_of_death_or_serious_injury", "--imminent-risk/--no-imminent-risk",
     "Imminent risk of death or serious physical injury."),
    ("provider_unreachable", "--provider-unreachable/--provider-reachable",
     "Deployers: the provider could not be reached."),
)
_TIME_FLAGS = (
    ("aware_at", "--aware-at", "When you became aware (ISO timestamp with offset)."),
    ("occurred_at", "--occurred-at", "When the incident occurred."),
    ("ended_at", "--ended-at", "When the incident ended."),
    ("causal_link_at", "--causal-link-at", "When a causal link (or its reasonable likelihood) was established."),
    ("model_involvement_aware_at", "--model-aware-at", "When you became aware the model was involved."),
    ("resolved_at", "--resolved-at", "When the incident was resolved (with --status resolved)."),
)


def _record_options(fn: Any) -> Any:
    options = [
        click.option("--id", "incident_id", help="Incident id (new incident), e.g. INC-2028-001."),
        click.option("--title", help="Short title."),
        click.option("--description", help="What happened."),
        click.option("--harm", multiple=True, type=click.Choice(["a", "b", "c", "d"]),
                     help="Art. 3(49) harm category (repeatable): a health/death, b critical infrastructure, "
                          "c fundamental rights, d property/environment."),
        click.option("--member-state", "member_states", multiple=True, help="Member State code (repeatable)."),
        click.option("--persons-affected", type=click.IntRange(min=0), default=None),
        click.option("--model", "models", multiple=True, help="Id of a model concerned (repeatable)."),
        click.option("--measure", "corrective_measures", multiple=True, help="Corrective measure (repeatable)."),
        click.option("--status", type=click.Choice(["open", "resolved"]), default=None),
        click.option("--notes", default=None),
    ]
    for name, flag, text in _BOOL_FLAGS:
        options.append(click.option(flag, name, default=None, help=text))
    for name, flag, text in _TIME_FLAGS:
        options.append(click.option(flag, name, default=None, metavar="TIMESTAMP", help=text))
    for option in reversed(options):
        fn = option(fn)
    return fn


def _fields_from_flags(params: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if params.get("incident_id"):
        fields["id"] = params["incident_id"]
    for key in ("title", "description", "persons_affected", "status", "notes"):
        if params.get(key) is not None:
            fields[key] = params[key]
    for key in ("harm", "member_states", "models", "corrective_measures"):
        if params.get(key):
            fields[key] = list(params[key])
    for name, _, _ in _BOOL_FLAGS:
        if params.get(name) is not None:
            fields[name] = params[name]
    for name, flag, _ in _TIME_FLAGS:
        if params.get(name):
            fields[name] = parse_timestamp(params[name], flag.split("/")[0]).isoformat()
    return fields


def _prompt_incident(system_id: str) -> dict[str, Any]:
    """Interactive entry of a new incident (only when run in a terminal)."""
    click.echo("New incident (Ctrl-C to abort). Timestamps need a UTC offset, e.g. 2028-01-03T10:00:00+01:00.")
    fields: dict[str, Any] = {"id": click.prompt("Incident id"), "title": click.prompt("Title")}
    description = click.prompt("Description", default="", show_default=False)
    if description:
        fields["description"] = description
    while True:
        raw = click.prompt("Became aware at")
        try:
            fields["aware_at"] = parse_timestamp(raw, "aware at").isoformat()
            break
        except UsageError as exc:
            click.echo(f"  {exc.message}; {exc.hint}")
    answer = click.prompt("Serious incident (Art. 3(49))? yes/no/unknown",
                          type=click.Choice(["yes", "no", "unknown"]), default="unknown")
    if answer != "unknown":
        fields["serious"] = answer == "yes"
    for name, _flag, text in _BOOL_FLAGS[1:]:
        answer = click.prompt(f"{text} yes/no/unknown", type=click.Choice(["yes", "no", "unknown"]),
                              default="unknown")
        if answer != "unknown":
            fields[name] = answer == "yes"
    fields["system"] = system_id
    return fields


def _check_references(body: dict[str, Any], descriptor: Any, clockbook: Any | None) -> None:
    known_models = {m.id for m in descriptor.models or []}
    models = body.get("record", {}).get("models") or body.get("changes", {}).get("models") or []
    unknown = [m for m in models if m not in known_models]
    if unknown:
        raise InputError(f"model(s) {', '.join(unknown)} are not in the descriptor",
                         f"known model ids: {', '.join(sorted(known_models)) or 'none'}")
    clocks = body.get("clocks") or []
    unknown = [c for c in clocks if clockbook is None or c not in clockbook.clocks]
    if unknown:
        raise InputError(f"unknown clock(s) {', '.join(unknown)}",
                         "see the clock ids with: compliance incident show DESCRIPTOR INCIDENT-ID")


@incident_command.command("add")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--from", "from_file", type=click.Path(path_type=Path, dir_okay=False, exists=True), default=None,
              help="YAML file with one entry (type: incident|amendment|report) or a list of entries.")
@_record_options
@click.option("--amends", default=None, metavar="INCIDENT-ID",
              help="Record an amendment of this incident: the given fields change.")
@click.option("--unset", multiple=True, metavar="FIELD", help="With --amends: make this field unknown again.")
@click.option("--reason", default=None, help="With --amends: why the record changes.")
@click.option("--report-for", "report_for", default=None, metavar="INCIDENT-ID",
              help="Record a report made about this incident.")
@click.option("--clock", "clocks", multiple=True, help="With --report-for: the clock id the report answers.")
@click.option("--kind", type=click.Choice(["notification", "initial", "intermediate", "complete", "final"]),
              default=None, help="With --report-for: the kind of report.")
@click.option("--recipient", default=None, help="With --report-for: who received it.")
@click.option("--submitted-at", default=None, metavar="TIMESTAMP", help="With --report-for: when it was sent.")
@click.option("--reference", default=None, help="With --report-for: the recipient's reference.")
@click.option("--recorded-at", default=None, metavar="TIMESTAMP",
              help="Timestamp of the entry (default: now). For back-filling from another system.")
@RULES
def add_command(file: Path, from_file: Path | None, amends: str | None, unset: tuple[str, ...],
                reason: str | None, report_for: str | None, clocks: tuple[str, ...], kind: str | None,
                recipient: str | None, submitted_at: str | None, reference: str | None,
                recorded_at: str | None, rules_dir: Path | None, **params: Any) -> None:
    """Append an entry to the register of the system described in FILE.

    A new incident (flags such as --id --title --aware-at, or prompts in a terminal), an amendment
    (--amends ID with the changed fields), a report made (--report-for ID --clock --kind
    --recipient --submitted-at), or entries from a YAML file (--from). Existing entries are never
    changed.
    """
    from compliance.fsutil import read_input
    from compliance.incidents.register import append, normalise_body
    from compliance.yamlio import MAX_BYTES, YamlError, load_bytes

    descriptor, path, shown = _descriptor_and_register(file)
    when = parse_instant(recorded_at, "--recorded-at")
    fields = _fields_from_flags(params)
    modes = [m for m in (from_file, amends, report_for) if m]
    if len(modes) > 1:
        raise UsageError("use only one of --from, --amends and --report-for")
    bodies: list[Any]
    if from_file is not None:
        if fields:
            raise UsageError("--from cannot be combined with field flags")
        try:
            data = load_bytes(read_input(from_file, MAX_BYTES, what="entries file")).data
        except YamlError as exc:
            raise InputError(f"{from_file}:{exc.mark.line}:{exc.mark.column}: {exc.message}", exc.hint) from None
        bodies = data if isinstance(data, list) else [data]
        for body in bodies:
            if isinstance(body, dict) and body.get("type") == "incident" and isinstance(body.get("record"), dict):
                body["record"].setdefault("system", descriptor.system.id)
    elif amends:
        changes: dict[str, Any] = {k: v for k, v in fields.items() if k != "id"}
        for name in unset:
            changes[name] = None
        if not changes:
            raise UsageError("--amends needs at least one changed field", "e.g. --death or --status resolved")
        if not reason:
            raise UsageError("--amends needs --reason", "say why the record changes")
        bodies = [{"type": "amendment", "incident": amends, "changes": changes, "reason": reason}]
    elif report_for:
        if fields:
            raise UsageError("--report-for takes only report options (--clock --kind --recipient --submitted-at)")
        missing = [n for n, v in (("--clock", clocks), ("--kind", kind), ("--recipient", recipient),
                                  ("--submitted-at", submitted_at)) if not v]
        if missing:
            raise UsageError(f"--report-for needs {', '.join(missing)}")
        assert submitted_at is not None
        report: dict[str, Any] = {"type": "report", "incident": report_for, "clocks": list(clocks), "kind": kind,
                                  "recipient": recipient,
                                  "submitted_at": parse_timestamp(submitted_at, "--submitted-at").isoformat()}
        if reference:
            report["reference"] = reference
        bodies = [report]
    else:
        if not fields:
            if not sys.stdin.isatty():
                raise UsageError("nothing to add", "give --id --title --aware-at ..., or --from FILE.yaml")
            fields = _prompt_incident(descriptor.system.id)
        fields.setdefault("system", descriptor.system.id)
        bodies = [{"type": "incident", "record": fields}]
    clockbook = _clockbook(rules_dir) if any(isinstance(b, dict) and b.get("clocks") for b in bodies) else None
    for body in bodies:
        if not isinstance(body, dict):
            raise InputError("an entry must be a mapping with 'type'", "see docs/incident-register.md")
        body = normalise_body(body)  # the schema first: references are checked on well-typed fields
        _check_references(body, descriptor, clockbook)
        entry = append(path, body, when)
        echo(f"appended entry {entry.seq} ({entry.entry.type}) to {shown}; head {entry.hash}")


# --------------------------------------------------------------------------- list, show


@incident_command.command("list")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@FORMAT
def list_command(file: Path, fmt: str) -> None:
    """List the incidents in the register (verifies the chain first)."""
    from compliance.incidents.register import load

    _, path, shown = _descriptor_and_register(file)
    register = load(path)
    states = sorted(register.incidents.values(), key=lambda s: (s.record.aware_at.astimezone(UTC), s.record.id))
    if fmt == "json":
        click.echo(_dump({"register": shown, "entries": register.count, "head": register.head, "incidents": [
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

    descriptor, path, shown = _descriptor_and_register(file)
    instant = parse_instant(as_of)
    register = load(path)
    if incident_id not in register.incidents:
        raise UsageError(f"no incident {incident_id!r} in {shown}",
                         f"known: {', '.join(sorted(register.incidents)) or 'none'}")
    result = check(descriptor, register, _assessment(descriptor, rules_dir, instant.astimezone(UTC).date()),
                   _clockbook(rules_dir), instant, shown)
    found = [i for i in result.incidents if i.state.record.id == incident_id]
    if not found:
        raise UsageError(f"incident {incident_id!r} was recorded after {instant.isoformat()}")
    item = found[0]
    if fmt == "json":
        click.echo(_dump({"as_of": instant.isoformat(),
                          "clocks": {cid: clock_info(clock) for cid, clock in result.clocks},
                          **_incident_json(item, instant)}), nl=False)
        return
    record = item.state.record
    echo(f"{record.id}: {record.title}")
    for key, value in record.model_dump(mode="json", exclude_none=True).items():
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
    from compliance.incidents.check import check, render_text
    from compliance.incidents.register import load

    descriptor, path, shown = _descriptor_and_register(file)
    instant = parse_instant(as_of)
    register = load(path)
    result = check(descriptor, register, _assessment(descriptor, rules_dir, instant.astimezone(UTC).date()),
                   _clockbook(rules_dir), instant, shown)
    if fmt == "json":
        click.echo(_dump(result.to_json()), nl=False)
    else:
        echo(render_text(result, show_all), nl=False)
    failed = bool(result.overdue) or (strict and bool(result.attention))
    sys.exit(ExitCode.FINDINGS if failed else ExitCode.OK)


def _register_to_verify(file: Path) -> tuple[Path, str, list[str]]:
    """The register the descriptor in ``file`` names, its path as shown, and warnings. A
    descriptor with errors that leave ``incidents.path`` intact still names its register: the
    register is verified and the descriptor's errors become a warning."""
    from compliance.validation import load_descriptor_file, raise_if_unreadable
    from compliance.validation.semantic import _escapes

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
    from compliance.fsutil import read_input
    from compliance.incidents.register import MAX_BYTES, read_bytes, verify_bytes

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
        click.echo(_dump({**result.to_json(), "register": shown, "warnings": warnings}), nl=False)
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
