"""``compliance openness FILE``: per model, the openness category, the OSAID 1.0 checklist, the
Model Openness Framework class and the licence's AI Act verdict from the licence catalogue."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

_MARK = {True: "✓", False: "✗", None: "?"}


def render_text(data: dict[str, Any]) -> str:
    out = [f"Openness of the models of {data['system']} (licence catalogue: {data['catalogue_size']} licences)"]
    if not data["models"]:
        out.append("")
        out.append("No models are listed (models: []).")
    for m in data["models"]:
        out.append("")
        out.append(f"{m['model']}" + (f" ({m['name']})" if m["name"] else ""))
        out.append(f"  category: {m['category_label']} — {m['category_reason']}")
        lic = m["licence"]
        if lic is None:
            out.append("  licence: not stated")
        elif not lic["known"]:
            hint = f"; did you mean {', '.join(lic['suggestions'])}?" if lic["suggestions"] else ""
            out.append(f"  licence: {lic['id']} — {lic['hint']}{hint}")
        else:
            v = lic["aia_foss"]
            out.append(f"  licence: {lic['name']} ({lic['catalogue_id']}); OSI-approved: "
                       f"{'yes' if lic['osi_approved'] else 'no'}; OSD-conformant: {lic['osd_conformant']}")
            out.append(f"  AI Act licence test: {v['verdict']} ({v['rests_on']}; confidence {v['confidence']})")
            out.append(f"    {v['reasoning']}")
            if lic["markers"]:
                out.append(f"    open points: {'; '.join(lic['markers'])}")
        if lic is not None and lic.get("own_assessment") is not None:
            decides = "decides the AI Act licence test" if not lic["known"] or lic["aia_foss"]["verdict"] == "uncertain" \
                else "not used: the catalogue decides this licence"
            out.append(f"  your assessment (licence.ai_act_foss): {str(lic['own_assessment']).lower()} — {decides}")
        base = m["base_model_licence"]
        if base is not None:
            name = base.get("name") or base["id"]
            verdict = base["aia_foss"]["verdict"] if base["known"] else "not in the catalogue"
            out.append(f"  base model licence: {name} (AI Act licence test: {verdict})")
        osaid = m["osaid"]
        out.append(f"  OSI Open Source AI Definition 1.0: {_word(osaid['conformant'])}")
        for check in osaid["checks"]:
            out.append(f"    {_MARK[check['result']]} {check['label']} — {check['reason']}")
        mof = m["mof"]
        out.append(f"  Model Openness Framework: {mof['label']}")
        for label, cls in mof["classes"].items():
            gaps = cls["missing"] + [f"{u} (unknown)" for u in cls["unknown"]]
            out.append(f"    {_MARK[cls['met']]} {label}" + (f" — missing: {', '.join(gaps)}" if gaps else ""))
        if mof.get("reason"):
            out.append(f"    {mof['reason']}")
    out.append("")
    out.append(data["disclaimer"])
    return "\n".join(out) + "\n"


def _word(value: bool | None) -> str:
    return {True: "conformant", False: "not conformant", None: "undetermined"}[value]


@click.command("openness")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--rules", "rules_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Rule data folder holding _licences/ (default: the bundled jurisdictions/).")
def openness_command(file: Path, fmt: str, rules_dir: Path | None) -> None:
    """Classify each model's openness: category, OSAID 1.0 checklist, MOF class, licence verdict."""
    from compliance.cli import _load_valid
    from compliance.cli.reporting import to_json_text
    from compliance.law.licences import load_catalogue
    from compliance.law.openness import openness
    from compliance.paths import rules_dir as default_rules

    descriptor = _load_valid(file)
    data = openness(descriptor, load_catalogue(rules_dir or default_rules()))
    from compliance.io.textsafe import printable

    click.echo(to_json_text(data) if fmt == "json" else printable(render_text(data)), nl=False)
