"""``compliance crosswalk FILE``: the NIST AI RMF subcategories and ISO/IEC 42001 Annex A
controls that map to the EU AI Act obligations applying to a system."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from compliance.errors import UsageError


def render_crosswalk_text(data: dict[str, Any], *, as_of: dt.date, system: str) -> str:
    out = [f"{data['title']}", f"{system} — as of {as_of.isoformat()} — not legal advice", ""]
    out.append(f"Note: {data['disclaimer']}")
    out.append("")
    if not data["rows"]:
        out.append(f"No {data['jurisdiction'].upper()} obligation mapped in this crosswalk applies "
                   "(use --all to list every row).")
        return "\n".join(out) + "\n"
    sources = {s["id"]: s["title"] for s in data["sources"]}
    for row in data["rows"]:
        out.append(f"{row['provision']:<10} {row['topic']}")
        states = sorted({o["state"] for o in row["obligations"]})
        ids = ", ".join(o["id"] for o in row["obligations"] if o["state"] in ("in_force", "upcoming"))
        out.append(f"  obligations: {ids or '(none apply)'}"
                   + (f"  [{', '.join(states)}]" if states else ""))
        for key, items in row["mappings"].items():
            label = data["frameworks"][key]["title"].split(":")[0].split(" (")[0]
            out.append(f"  {label}:")
            out.extend(f"    {item['id']:<13} {item['title']}" for item in items)
        origin = "project's own mapping" if row["source"] == "project" else f"published: {sources.get(row['source_ref'], row['source_ref'])}"
        out.append(f"  source: {origin}")
        for support in row["published_support"]:
            keys = [k for k in support if k != "source"]
            left, right = support[keys[0]], support[keys[1]]
            out.append(f"  published pair: {left} ↔ {', '.join(right)} ({support['source']})")
        if row.get("note"):
            out.append(f"  note: {row['note']}")
        out.append("")
    for sid, title in sources.items():
        out.append(f"[{sid}] {title}")
    return "\n".join(out) + "\n"


@click.command("crosswalk")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD",
              help="Evaluate the law as it stands on this date (default: today).")
@click.option("--crosswalk", "name", default="eu_ai_act", show_default=True,
              help="Which crosswalk (file stem in jurisdictions/_crosswalks).")
@click.option("--all", "show_all", is_flag=True, help="List every row, not only those whose obligations apply.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--rules", "rules_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Rule data folder (default: the bundled jurisdictions/).")
def crosswalk_command(file: Path, as_of: str | None, name: str, show_all: bool, fmt: str,
                      rules_dir: Path | None) -> None:
    """Show the NIST AI RMF subcategories and ISO/IEC 42001 Annex A controls mapped to the EU AI
    Act obligations that apply to the system in FILE (in force or upcoming at --as-of).

    Rows are the project's own mapping unless marked published; NIST↔ISO pairs that also appear
    in the published NIST AI RMF to ISO/IEC 42001 crosswalk are shown. Not legal advice.
    """
    from compliance.cli import _load_valid
    from compliance.cli.reporting import to_json_text
    from compliance.law.crosswalk import (
        crosswalk_files,
        crosswalk_json,
        load_crosswalk,
        select_rows,
    )
    from compliance.law.engine import assess
    from compliance.law.rulebook import load_rulebook
    from compliance.paths import rules_dir as default_rules

    try:
        day = dt.date.fromisoformat(as_of) if as_of else dt.date.today()
    except ValueError:
        raise UsageError(f"{as_of!r} is not a date; write YYYY-MM-DD, e.g. 2026-08-02") from None
    root = rules_dir or default_rules()
    files = {p.stem: p for p in crosswalk_files(root)}
    if name not in files:
        raise UsageError(f"unknown crosswalk {name!r}", f"known: {', '.join(sorted(files)) or 'none'}")
    cw = load_crosswalk(files[name])
    descriptor = _load_valid(file)
    book = load_rulebook(root)
    if cw.jurisdiction not in book.jurisdictions:
        raise UsageError(f"crosswalk {name!r} maps jurisdiction {cw.jurisdiction!r}, which has no rule data")
    assessment = assess(descriptor, book, day, [cw.jurisdiction])
    data = crosswalk_json(cw, select_rows(cw, assessment, include_all=show_all))
    if fmt == "json":
        click.echo(to_json_text({"as_of": day.isoformat(), "system": descriptor.system.id, **data}), nl=False)
    else:
        from compliance.io.textsafe import printable

        click.echo(printable(render_crosswalk_text(data, as_of=day,
                                                   system=f"{descriptor.system.name} ({descriptor.system.id})")),
                   nl=False)
