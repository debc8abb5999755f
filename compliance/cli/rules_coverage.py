"""``compliance rules coverage``: the coverage map of the law — every provision of each instrument,
the rules that encode it or why it is not modelled, and the share covered."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from compliance.errors import ExitCode, UsageError


def _pct(share: float) -> str:
    return f"{share * 100:.1f} %"


def render_coverage_text(reports: list[dict[str, Any]], *, show_all: bool) -> str:
    out: list[str] = []
    for report in reports:
        s = report["summary"]
        out.append(f"{report['jurisdiction'].upper()} · {report['title']}")
        for source in report["checked_against"]:
            out.append(f"  checked against: {' '.join(source.split())}")
        reasons = ", ".join(f"{reason} {n}" for reason, n in s["not_modelled"].items()) or "none"
        out.append(f"  {s['units']} units, {s['provisions']} provisions: {s['covered']} encoded "
                   f"(rules, documents or facts), {s['provisions'] - s['covered']} not modelled ({reasons})")
        out.append(f"  covered: {s['covered']} of the {s['operator_provisions']} provisions that concern "
                   f"operators ({_pct(s['share_covered'])})")
        rows = []
        for unit in report["units"]:
            for p in unit["provisions"]:
                gap = p.get("not_modelled")
                if show_all or (gap and gap["reason"] in ("not_yet", "voluntary")):
                    rows.append((p, gap))
        if rows:
            out.append("")
            out.append("  every provision:" if show_all else "  not modelled, concerning operators:")
        for p, gap in rows:
            how = (f"not modelled ({gap['reason']}): {gap['note']}" if gap else
                   "; ".join(x for x in (", ".join(p.get("rules", [])),
                                         "documents " + ", ".join(p["documents"]) if p.get("documents") else "",
                                         "facts " + ", ".join(p["facts"]) if p.get("facts") else "") if x))
            who = f" [{', '.join(p['addressees'])}]" if p.get("addressees") else ""
            out.append(f"  {p['pinpoint']:<22} {p['kind']:<12} {p['summary']}{who}")
            out.append(f"  {'':<22} → {' '.join(how.split())}")
            if p.get("contested"):
                out.append(f"  {'':<22}   contested: {' '.join(p['contested'].split())}")
        out.append("")
    return "\n".join(out)


@click.command("coverage")
@click.option("--jurisdiction", "codes", multiple=True, metavar="CODE",
              help="Only this jurisdiction (repeatable), e.g. eu, us_ca.")
@click.option("--all", "show_all", is_flag=True,
              help="List every provision (default: the summary and what concerns operators but is not modelled).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--rules", "rules_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Rule data folder (default: the bundled jurisdictions/).")
def coverage_command(codes: tuple[str, ...], show_all: bool, fmt: str, rules_dir: Path | None) -> None:
    """Show how the rule data covers the law: each provision that imposes a duty, grants a
    right, sets a condition or an exception, with the rules that encode it or why it is not
    modelled, and the share covered.

    Exit 0 when the maps account for every provision, 1 when a unit, rule or reference is
    unaccounted for (listed on standard error), 3 when there is no rule data.
    """
    from compliance.law.coverage import coverage_json, load_coverage
    from compliance.law.lint import coverage_findings
    from compliance.law.rulebook import load_rulebook
    from compliance.paths import rules_dir as default_rules

    root = rules_dir or default_rules()
    book = load_rulebook(root)
    maps = load_coverage(root)
    unknown = sorted(set(codes) - {code for code, _ in maps})
    if unknown:
        raise UsageError(f"no coverage map for jurisdiction {', '.join(unknown)}",
                         f"known: {', '.join(sorted({code for code, _ in maps})) or '(none)'}")
    reports = []
    for (code, instrument), cov in sorted(maps.items()):
        if codes and code not in codes:
            continue
        declared = book.jurisdictions[code].instruments.get(instrument) if code in book.jurisdictions else None
        title = declared.short if declared else instrument
        reports.append(coverage_json(cov, title))
    problems = [line for line in coverage_findings(book, maps)
                if not codes or any(f"jurisdictions/{c}/" in line for c in codes)]
    if fmt == "json":
        from compliance.cli.reporting import to_json_text

        click.echo(to_json_text({"ok": not problems, "problems": problems, "instruments": reports}), nl=False)
    else:
        click.echo(render_coverage_text(reports, show_all=show_all), nl=False)
        for line in problems:
            click.echo(f"✗ {line}", err=True)
        if problems:
            click.echo(f"✗ {len(problems)} problem(s): the coverage maps do not account for everything",
                       err=True)
    sys.exit(ExitCode.FINDINGS if problems else ExitCode.OK)
