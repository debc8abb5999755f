"""``compliance incident add``: append an incident, an amendment or a report to the register."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from compliance.cli.incident_common import (
    RULES,
    descriptor_and_register,
    load_clockbook,
    parse_instant,
    parse_timestamp,
)
from compliance.errors import InputError, UsageError
from compliance.io.textsafe import echo

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
    ("altered_before_informing", "--altered-before-informing/--not-altered-before-informing",
     "The system was altered before the authorities were informed (Art. 73(6))."),
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
        click.option("--investigation", default=None,
                     help="The investigation carried out: findings and risk assessment (Art. 73(6))."),
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
    for key in ("title", "description", "persons_affected", "investigation", "status", "notes"):
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


@click.command("add")
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
    from compliance.descriptor.yamlio import MAX_BYTES, YamlError, load_bytes
    from compliance.incidents.register import append, normalise_body
    from compliance.io.fsutil import read_input

    descriptor, path, shown = descriptor_and_register(file)
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
    clockbook = load_clockbook(rules_dir) if any(isinstance(b, dict) and b.get("clocks") for b in bodies) else None
    for body in bodies:
        if not isinstance(body, dict):
            raise InputError("an entry must be a mapping with 'type'", "see docs/incident-register.md")
        body = normalise_body(body)  # the schema first: references are checked on well-typed fields
        _check_references(body, descriptor, clockbook)
        entry = append(path, body, when)
        echo(f"appended entry {entry.seq} ({entry.entry.type}) to {shown}; head {entry.hash}")
