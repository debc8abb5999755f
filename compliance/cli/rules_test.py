"""``compliance rules test``: run the scenario files that pin the law (facts, as-of dates and
expected verdicts, dates and citations) against the rule data."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import click

from compliance.errors import ExitCode, RuleDataError


def _flow(entry: dict[str, Any]) -> str:
    parts = []
    for key, value in entry.items():
        text = value.isoformat() if isinstance(value, dt.date) else str(value)
        if key == "citation" and any(c in text for c in ",:#{}[]"):
            text = "'" + text.replace("'", "''") + "'"
        parts.append(f"{key}: {text}")
    return "{" + ", ".join(parts) + "}"


@click.command("test")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, exists=True))
@click.option("--suggest", is_flag=True,
              help="For each failing case, print the YAML lines that would list the obligations that apply "
                   "but are not listed (check each against the law before you add it).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--rules", "rules_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Rule data folder (default: the bundled jurisdictions/).")
def test_command(paths: tuple[Path, ...], suggest: bool, fmt: str, rules_dir: Path | None) -> None:
    """Run scenario files (default: every <code>/<instrument>/tests/*.yaml of the rule data).

    A scenario is strict unless it says `strict: false`: every obligation that applies must be
    listed, with its citation and date. Exit 0 when every case matches, 1 when one does not,
    2 when a scenario file is unreadable or malformed, 3 when there is no rule data.
    """
    from pydantic import ValidationError

    from compliance.descriptor.yamlio import YamlError
    from compliance.errors import UsageError
    from compliance.law.rulebook import load_rulebook
    from compliance.law.scenario import load_scenario, run_case, scenario_files, suggested_entries
    from compliance.paths import rules_dir as default_rules

    root = rules_dir or default_rules()
    book = load_rulebook(root)
    files: list[Path] = []
    for path in paths or (root,):
        files.extend(scenario_files(path) if path.is_dir() else [path])
    if not files:
        raise UsageError(f"no scenario files under {paths[0] if paths else root}",
                         "scenario files live in <code>/<instrument>/tests/*.yaml")
    results: list[dict[str, Any]] = []
    for path in files:
        try:
            scenario, data = load_scenario(path)
        except (ValidationError, RuleDataError, YamlError) as exc:
            detail = str(exc).splitlines()[0] if isinstance(exc, ValidationError) else exc.message
            raise UsageError(f"{path}: not a scenario file: {detail}",
                             "see docs/rule-data.md, section 'Scenario files'") from None
        for index, case in enumerate(scenario.cases):
            problems = run_case(scenario, data, index, book)
            entry: dict[str, Any] = {"file": str(path), "scenario": scenario.name, "as_of": case.as_of.isoformat(),
                                     "case": case.name, "ok": not problems, "problems": problems}
            if problems and suggest:
                entry["suggested"] = {k: {f: (v.isoformat() if isinstance(v, dt.date) else v) for f, v in e.items()}
                                      for k, e in suggested_entries(scenario, data, index, book).items()}
            results.append(entry)
    failed = [r for r in results if not r["ok"]]
    if fmt == "json":
        from compliance.cli.reporting import to_json_text

        click.echo(to_json_text({"ok": not failed, "files": len(files), "cases": len(results),
                                 "failed": len(failed), "results": results}), nl=False)
    else:
        for r in failed:
            label = f" ({r['case']})" if r["case"] else ""
            click.echo(f"✗ {r['file']}: {r['scenario']} as of {r['as_of']}{label}")
            for problem in r["problems"]:
                click.echo(f"    {problem}")
            if r.get("suggested"):
                click.echo("    to list, after checking each against the law:")
                for key, e in r["suggested"].items():
                    click.echo(f"      {key}: {_flow(e)}")
        mark = "✗" if failed else "✓"
        click.echo(f"{mark} {len(results) - len(failed)} of {len(results)} cases in {len(files)} scenario "
                   f"file{'s' if len(files) != 1 else ''} match", err=bool(failed))
    sys.exit(ExitCode.FINDINGS if failed else ExitCode.OK)
