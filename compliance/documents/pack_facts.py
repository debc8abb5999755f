"""Pack-wide facts gathered from the other parts of the tool for the documents: the incident
register's verification and clocks, the models' openness, the crosswalk rows that apply, and the
instruments' short names."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from compliance.descriptor.model import Descriptor


def _assessment(descriptor: Descriptor, as_of: dt.date, rules_dir: Path | None) -> Any:
    from compliance.law.engine.evaluator import assess_selected
    from compliance.law.rulebook import load_rulebook
    from compliance.paths import rules_dir as default_rules

    return assess_selected(descriptor, load_rulebook(rules_dir or default_rules()), as_of)


def incident_data(descriptor: Descriptor, descriptor_path: Path, as_of: dt.date,
                  rules_dir: Path | None = None, assessment: Any = None, *,
                  register: bytes | None = None) -> dict[str, Any]:
    """The incident register's verification and every reporting clock, for the incident log.
    ``assessment`` is the engine result the pack already has (computed here if not given);
    ``register``, the register's bytes when the caller has read them (the build's key has).
    Never raises on a bad register: a failed verification is shown in the document."""
    if descriptor.incidents is None:
        return {"stated": False}
    from compliance.incidents.check import _incident_json, check
    from compliance.incidents.clockbook import load_clocks
    from compliance.incidents.register import RegisterError, read_bytes, verify_bytes
    from compliance.paths import rules_dir as default_rules

    relative = descriptor.incidents.path
    path = descriptor_path.parent / relative
    data: dict[str, Any] = {"stated": True, "path": relative}
    if register is None and not path.is_file():
        data["missing"] = True
        return data
    verification, loaded = verify_bytes(read_bytes(path) if register is None else register, path)
    # the register's absolute path would make the document depend on where it was built
    data["verification"] = {k: v for k, v in verification.to_json().items() if k != "register"}
    if not verification.ok:
        return data
    root = rules_dir or default_rules()
    if assessment is None:
        assessment = _assessment(descriptor, as_of, rules_dir)
    instant = dt.datetime(as_of.year, as_of.month, as_of.day, 23, 59, 59, tzinfo=dt.UTC)
    try:
        result = check(descriptor, loaded, assessment, load_clocks(root), instant, relative)
    except RegisterError as exc:
        data["error"] = exc.message
        return data
    summary = result.to_json()
    data["check"] = {
        "as_of": summary["as_of"],
        "head": summary["register"]["head"],
        "entries": summary["register"]["entries"],
        "clocks": summary["clocks"],
        "overdue": summary["summary"]["overdue"],
        "incidents": [_incident_json(i, instant, full=True) for i in result.incidents],
    }
    return data


def openness_data(descriptor: Descriptor, rules_dir: Path | None = None) -> dict[str, Any] | None:
    """Per-model openness from the licence catalogue, for the transparency report."""
    if not descriptor.models:
        return None
    from compliance.law.licences import load_catalogue
    from compliance.law.openness import openness
    from compliance.paths import rules_dir as default_rules

    return openness(descriptor, load_catalogue(rules_dir or default_rules()))


def crosswalk_data(assessment: Mapping[str, Any], rules_dir: Path | None = None) -> list[dict[str, Any]]:
    """For each crosswalk whose law is in the assessment, the rows whose obligations apply (in
    force or upcoming), as plain data for the transparency report's appendix."""
    from compliance.law.crosswalk import (
        crosswalk_files,
        crosswalk_json,
        load_crosswalk,
        select_rows_json,
    )
    from compliance.paths import rules_dir as default_rules

    assessed = {j.get("code") for j in assessment.get("jurisdictions", [])}
    out = []
    for path in crosswalk_files(rules_dir or default_rules()):
        cw = load_crosswalk(path)
        if cw.jurisdiction in assessed:
            out.append({"name": path.stem, **crosswalk_json(cw, select_rows_json(cw, assessment))})
    return out


def instrument_names(assessment: Mapping[str, Any], rules_dir: Path | None = None) -> dict[str, dict[str, str]]:
    """Short names of each assessed jurisdiction's instruments (``{code: {key: short}}``), so the
    report can tell apart two instruments' articles of the same number."""
    from compliance.descriptor.yamlio import load_bytes
    from compliance.law.datafile import read_data_file
    from compliance.law.models.rule import Jurisdiction
    from compliance.paths import rules_dir as default_rules

    root = rules_dir or default_rules()
    names: dict[str, dict[str, str]] = {}
    for j in assessment.get("jurisdictions", []):
        manifest = root / str(j.get("code")) / "jurisdiction.yaml"
        if not manifest.is_file():
            continue
        parsed = Jurisdiction.model_validate(load_bytes(read_data_file(manifest)).data)
        names[parsed.code] = {key: inst.short or key for key, inst in parsed.instruments.items()}
    return names
