"""Command-line interface. Commands turn options into calls of the core and map results to exit
codes; heavy modules (the engine, networkx, WeasyPrint) are imported inside the commands that
need them, so `compliance validate` stays fast."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from compliance.cli.lazy import LazyGroup, LazyRulesGroup
from compliance.errors import ComplianceError, ExitCode, UsageError
from compliance.version import __version__

NOT_LEGAL_ADVICE = "compliance is not legal advice: it applies rule data to the facts you state."


if TYPE_CHECKING:
    _DateParamType = click.ParamType[dt.date]
else:  # ParamType is generic (subscriptable) only from click 8.4; pyproject admits click 8.1+
    _DateParamType = click.ParamType


class _Date(_DateParamType):
    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a date; write YYYY-MM-DD, e.g. 2026-08-02", param, ctx)


DATE = _Date()


def as_of_option(fn: Any) -> Any:
    return click.option(
        "--as-of", "as_of", type=DATE, default=None,
        help="Evaluate the law as it stands on this date (default: today).",
    )(fn)


def resolve_as_of(value: dt.date | None) -> dt.date:
    """The CLI edge is the only place that reads the clock."""
    return value if value is not None else dt.date.today()


def rules_option(fn: Any) -> Any:
    return click.option(
        "--rules", "rules_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
        help="Rule data folder (default: the bundled jurisdictions/).",
    )(fn)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="compliance")
def cli() -> None:
    """Turn the facts of an AI system into the obligations and documents regulators ask for.

    Not legal advice: verdicts follow from the facts you state and the bundled rule data.
    """


# --------------------------------------------------------------------------- validate


STDIN = Path("-")


def read_stdin_descriptor() -> tuple[bytes, str]:
    """The descriptor piped on standard input (``-``), read up to the size limit plus one byte
    (so an endless stream is refused, not buffered)."""
    from compliance.descriptor.yamlio import MAX_BYTES

    return sys.stdin.buffer.read(MAX_BYTES + 1), "<stdin>"


@cli.command()
@click.argument("files", nargs=-1, required=True,
                type=click.Path(path_type=Path, dir_okay=False, allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif"]), default="text",
              show_default=True, help="Output format.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--no-legal-checks", is_flag=True,
              help="Skip checks defined in the rule data (schema and generic checks only).")
@as_of_option
@rules_option
@click.option("-q", "--quiet", is_flag=True, help="Print problems only, no summary line.")
def validate(files: tuple[Path, ...], fmt: str, strict: bool, no_legal_checks: bool,
             as_of: dt.date | None, rules_dir: Path | None, quiet: bool) -> None:
    """Validate descriptor FILES (``-`` reads standard input): YAML, schema, then named checks.

    Exit 0 when all are valid, 1 when any has an error (or a warning with --strict), 2 when a
    file cannot be read.
    """
    from compliance.cli.reporting import render_validation
    from compliance.descriptor.validation import load_descriptor_file, parse_descriptor
    from compliance.law.checks import (
        add_licence_checks,
        add_rule_checks,
        load_licence_catalogue,
        load_obligation_ids,
        load_rule_checks,
    )
    from compliance.paths import rules_dir as default_rules

    root = rules_dir or default_rules()
    checks = [] if no_legal_checks else load_rule_checks(root)
    licences = None if no_legal_checks else load_licence_catalogue(root)
    known = set() if no_legal_checks else load_obligation_ids(root)
    day = resolve_as_of(as_of)
    results = []
    for path in files:
        if path == STDIN:
            raw, shown = read_stdin_descriptor()
            result = parse_descriptor(raw, shown, Path.cwd())
        else:
            result = load_descriptor_file(path)
        add_rule_checks(result, checks, day, known)
        add_licence_checks(result, licences)
        result.descriptor, result.located = None, None  # keep only the problems: flat memory
        results.append(result)
    click.echo(render_validation(results, fmt, strict=strict, quiet=quiet), nl=False)
    unreadable = any(p.check == "io" for r in results for p in r.problems)
    failed = any(r.errors or (strict and r.warnings) for r in results)
    sys.exit(ExitCode.USAGE if unreadable else ExitCode.FINDINGS if failed else ExitCode.OK)


# --------------------------------------------------------------------------- schema, init


@cli.command()
@click.option("--write", "write_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write all generated schemas into this folder instead of printing.")
@click.option("--which", type=click.Choice(["ai-system", "rule", "jurisdiction", "obligations", "scenario", "crosswalk", "coverage"]),
              default="ai-system", show_default=True, help="Which schema to print.")
def schema(write_dir: Path | None, which: str) -> None:
    """Print (or write) the JSON Schemas generated from the models."""
    from compliance.interop.schemas import all_schemas, dumps
    from compliance.io.fsutil import atomic_write_text

    schemas = all_schemas()
    if write_dir is None:
        click.echo(dumps(schemas[f"{which}.schema.json"]), nl=False)
        return
    write_dir.mkdir(parents=True, exist_ok=True)
    for name, content in schemas.items():
        atomic_write_text(write_dir / name, dumps(content))
        click.echo(f"wrote {write_dir / name}", err=True)


@cli.command()
@click.option("--profile", type=click.Choice(["gpai-provider", "high-risk-provider", "deployer", "chatbot"]),
              required=True, help="Which kind of system to start from.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=Path("ai-system.yaml"),
              show_default=True, help="Where to write the starter descriptor.")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@as_of_option
def init(profile: str, output: Path, force: bool, as_of: dt.date | None) -> None:
    """Write a commented starter descriptor for a profile. The starter is evaluated, and the
    questions that decide the most undetermined obligations get a note on their line, e.g.
    ``[#1: decides 12 obligations — answer first]`` (the ones `compliance ask` asks)."""
    from importlib.resources import files as resource_files

    from compliance.cli.starter import rank_starter
    from compliance.io.fsutil import atomic_write_text

    if output.exists() and not force:
        raise UsageError(f"{output} already exists", "pass --force to overwrite it")
    text = resource_files("compliance").joinpath("starters", f"{profile}.yaml").read_text("utf-8")
    ranked = rank_starter(text, output, resolve_as_of(as_of))
    atomic_write_text(output, ranked.text)
    click.echo(f"wrote {output} ({profile}); edit it, then run: compliance validate {output}")
    if ranked.questions:
        n = len(ranked.questions)
        click.echo(f"Answer these {n} question{'s' if n != 1 else ''} first: they decide {ranked.decided} of the "
                   f"{ranked.undetermined} undetermined obligations (run: compliance ask {output})")
        for rank, (path, noted) in enumerate(ranked.questions, start=1):
            click.echo(f"  #{rank:<3} {path}" + ("" if noted else "   (not in the file: add it)"))


# --------------------------------------------------------------------------- obligations


def _load_valid(path: Path) -> Any:
    """A valid descriptor from a file or, for ``-``, standard input; InputError otherwise."""
    from compliance.descriptor.validation import load_valid_descriptor

    if path != STDIN:
        return load_valid_descriptor(path)
    raw, shown = read_stdin_descriptor()
    return load_valid_descriptor(Path.cwd() / shown, raw, shown=shown,
                                 hint="run: compliance validate - < FILE")


def _assess(file: Path, as_of: dt.date | None, rules_dir: Path | None,
            jurisdiction: tuple[str, ...]) -> Any:
    from compliance.law.engine import assess
    from compliance.law.rulebook import load_rulebook
    from compliance.paths import rules_dir as default_rules

    descriptor = _load_valid(file)
    book = load_rulebook(rules_dir or default_rules())
    unknown = [j for j in jurisdiction if j not in book.jurisdictions]
    if unknown:
        raise UsageError(f"unknown jurisdiction {', '.join(unknown)}",
                         f"known: {', '.join(sorted(book.jurisdictions))}")
    day = resolve_as_of(as_of)
    if jurisdiction:
        return assess(descriptor, book, day, list(jurisdiction))
    from compliance.law.engine.evaluator import assess_selected

    return assess_selected(descriptor, book, day)


@cli.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True, allow_dash=True))
@as_of_option
@click.option("--jurisdiction", "jurisdiction", multiple=True, help="Only this jurisdiction (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--all", "show_all", is_flag=True, help="Also list obligations that do not apply.")
@click.option("--ids", is_flag=True, help="Show each obligation's id (for explain).")
@rules_option
def obligations(file: Path, as_of: dt.date | None, jurisdiction: tuple[str, ...], fmt: str,
                show_all: bool, ids: bool, rules_dir: Path | None) -> None:
    """List the obligations that apply to the system in FILE (``-``: standard input), when, and
    why."""
    from compliance.cli.reporting import render_assessment_text, to_json_text

    assessment = _assess(file, as_of, rules_dir, jurisdiction)
    if fmt == "json":
        click.echo(to_json_text(assessment.to_json()), nl=False)
    else:
        click.echo(render_assessment_text(assessment, show_all=show_all, ids=ids), nl=False)


@cli.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True, allow_dash=True))
@click.argument("obligation_id")
@as_of_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@rules_option
def explain(file: Path, obligation_id: str, as_of: dt.date | None, fmt: str,
            rules_dir: Path | None) -> None:
    """Show the path from stated facts through classifications to OBLIGATION_ID (an id, a rule
    id or a unique part of one)."""
    from compliance.cli.reporting import to_json_text
    from compliance.law.explain import explain_json, explain_text

    assessment = _assess(file, as_of, rules_dir, ())
    if fmt == "json":
        click.echo(to_json_text(explain_json(assessment, obligation_id)), nl=False)
    else:
        click.echo(explain_text(assessment, obligation_id), nl=False)


@cli.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--format", "fmt", type=click.Choice(["dot", "graphml", "json"]), default="dot", show_default=True)
@as_of_option
@rules_option
def graph(file: Path, fmt: str, as_of: dt.date | None, rules_dir: Path | None) -> None:
    """Print the evaluated obligations graph (facts → classifications → obligations → documents).

    DOT output is drawn by Graphviz's `dot` (Debian: apt-get install graphviz), e.g.
    `compliance graph FILE | dot -Tsvg > graph.svg`; node labels are plain text (quotes and
    backslashes escaped). GraphML opens in yEd or Gephi; JSON is networkx node-link data.
    """
    from compliance.law.graph import evaluated_graph, export

    assessment = _assess(file, as_of, rules_dir, ())
    click.echo(export(evaluated_graph(assessment), fmt), nl=False)


@cli.group(cls=LazyRulesGroup)
def rules() -> None:
    """Work with the rule data."""


@rules.command("lint")
@rules_option
@click.option("--check", "only", multiple=True, help="Run only this named check (repeatable).")
@click.option("--list-checks", is_flag=True, help="List the named checks and exit.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rules_lint(rules_dir: Path | None, only: tuple[str, ...], list_checks: bool, fmt: str) -> None:
    """Check the rule data: schema, references, fact paths, acyclicity, dated arms, citations.

    Exit 0 when every rule passes, 1 on findings, 3 when there is no rule data at all.
    """
    import compliance.incidents.clockbook  # noqa: F401 - registers the "clocks" check
    from compliance.law.lint import LINT_CHECKS, lint, lint_findings
    from compliance.paths import rules_dir as default_rules

    if list_checks:
        for name, fn in LINT_CHECKS.items():
            click.echo(f"{name:22} {(fn.__doc__ or '').strip().splitlines()[0]}")
        return
    unknown = [c for c in only if c not in LINT_CHECKS]
    if unknown:
        raise UsageError(f"unknown check {', '.join(unknown)}", "see: compliance rules lint --list-checks")
    if fmt == "json":
        from compliance.cli.reporting import to_json_text

        pairs, total = lint_findings(rules_dir or default_rules(), list(only) or None)
        click.echo(to_json_text({"ok": not pairs, "rules": total,
                                 "findings": [{"check": c, "message": m} for c, m in pairs]}),
                   nl=False)
        sys.exit(ExitCode.FINDINGS if pairs else ExitCode.OK)
    findings, count = lint(rules_dir or default_rules(), list(only) or None)
    for finding in findings:
        click.echo(finding)
    if findings:
        click.echo(f"✗ {len(findings)} problem(s) in the rule data ({count} rules)", err=True)
        sys.exit(ExitCode.FINDINGS)
    click.echo(f"✓ {count} rules pass all checks")


# --------------------------------------------------------------------------- entry point


def main(argv: list[str] | None = None) -> None:
    """Run the CLI with one error handler: friendly messages, documented exit codes, no
    traceback unless COMPLIANCE_TRACEBACK=1."""
    try:
        cli.main(args=argv, prog_name="compliance", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("interrupted", err=True)
        sys.exit(ExitCode.INTERRUPTED)
    except click.ClickException as exc:
        exc.show()
        sys.exit(ExitCode.USAGE)
    except ComplianceError as exc:
        click.echo(f"error: {exc.message}", err=True)
        if exc.hint:
            click.echo(f"  hint: {exc.hint}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        sys.exit(ExitCode.OK)
    except Exception as exc:  # noqa: BLE001 - the one top-level handler
        if os.environ.get("COMPLIANCE_TRACEBACK") == "1":
            raise
        click.echo(f"internal error: {type(exc).__name__}: {exc}", err=True)
        click.echo("  hint: this is a bug in compliance; rerun with COMPLIANCE_TRACEBACK=1 and report it",
                   err=True)
        sys.exit(ExitCode.INTERNAL)
    sys.exit(ExitCode.OK)
