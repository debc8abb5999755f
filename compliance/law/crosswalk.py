"""Load crosswalk files (``jurisdictions/_crosswalks/*.yaml``) and select the rows that concern
an assessment. Pure apart from reading the files; no legal values here, only the data's own
structure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from compliance.law.datafile import parse_data_file
from compliance.law.models.crosswalk import Crosswalk, Row

if TYPE_CHECKING:
    from compliance.law.engine.results import Assessment

CROSSWALK_FOLDER = "_crosswalks"


def crosswalk_files(root: Path) -> list[Path]:
    return sorted((root / CROSSWALK_FOLDER).glob("*.yaml"))


def load_crosswalk(path: Path) -> Crosswalk:
    """Parse and validate one crosswalk file; RuleDataError with a located message on defects."""
    return parse_data_file(path, Crosswalk)


def load_crosswalks(root: Path) -> dict[str, Crosswalk]:
    """Every crosswalk below ``root``, keyed by file stem."""
    return {path.stem: load_crosswalk(path) for path in crosswalk_files(root)}


def published_support(cw: Crosswalk, row: Row) -> list[dict[str, Any]]:
    """Pairs of ids within ``row`` that a published crosswalk also pairs, with the source."""
    found = []
    for pp in cw.published_pairs:
        lefts = row.frameworks.get(pp.from_framework, [])
        rights = set(row.frameworks.get(pp.to_framework, []))
        for left in lefts:
            shared = [r for r in pp.pairs.get(left, []) if r in rights]
            if shared:
                found.append({"source": pp.source, pp.from_framework: left, pp.to_framework: shared})
    return found


@dataclass(frozen=True)
class SelectedRow:
    row: Row
    obligations: tuple[tuple[str, str], ...]
    """(obligation instance id, verdict/status) of the row's obligations in the assessment."""


def select_rows(cw: Crosswalk, assessment: Assessment, *, include_all: bool = False) -> list[SelectedRow]:
    """Rows whose obligations apply (in force or upcoming) in ``assessment``; with
    ``include_all``, every row (with whatever verdicts were found)."""
    states: dict[str, list[tuple[str, str]]] = {}
    for j in assessment.jurisdictions:
        if j.jurisdiction.code != cw.jurisdiction:
            continue
        for o in j.obligations:
            state = o.status.value if o.verdict.value == "applies" and o.status else o.verdict.value
            states.setdefault(o.loaded.id, []).append((o.id, state))
    return _rows_for_states(cw, states, include_all)


def select_rows_json(cw: Crosswalk, assessment: Mapping[str, Any], *,
                     include_all: bool = False) -> list[SelectedRow]:
    """As :func:`select_rows`, from the assessment's JSON form (``obligations.json``)."""
    states: dict[str, list[tuple[str, str]]] = {}
    for j in assessment.get("jurisdictions", []):
        if j.get("code") != cw.jurisdiction:
            continue
        for o in j.get("obligations", []):
            verdict = o.get("verdict", "undetermined")
            state = o["status"] if verdict == "applies" and o.get("status") else verdict
            states.setdefault(o.get("rule") or o["id"], []).append((o["id"], state))
    return _rows_for_states(cw, states, include_all)


def _rows_for_states(cw: Crosswalk, states: Mapping[str, list[tuple[str, str]]],
                     include_all: bool) -> list[SelectedRow]:
    selected = []
    for row in cw.rows:
        found = tuple(pair for rid in row.provision.obligations for pair in states.get(rid, []))
        applies = any(state in ("in_force", "upcoming") for _, state in found)
        if applies or include_all:
            selected.append(SelectedRow(row, found))
    return selected


def crosswalk_json(cw: Crosswalk, rows: list[SelectedRow]) -> dict[str, Any]:
    """Plain data for JSON output and for documents (the transparency report)."""
    return {
        "title": cw.title,
        "jurisdiction": cw.jurisdiction,
        "disclaimer": cw.disclaimer,
        "frameworks": {k: {"title": f.title, "url": f.url} for k, f in cw.frameworks.items()},
        "sources": [s.model_dump(mode="json") for s in cw.sources],
        "rows": [
            {
                "id": s.row.id,
                "topic": s.row.topic,
                "provision": s.row.provision.pinpoint,
                "obligations": [{"id": oid, "state": state} for oid, state in s.obligations],
                "mappings": {
                    key: [{"id": i, "title": cw.frameworks[key].ids[i]} for i in ids]
                    for key, ids in s.row.frameworks.items()
                },
                "source": s.row.source,
                "source_ref": s.row.source_ref,
                "published_support": published_support(cw, s.row),
                "note": s.row.note,
            }
            for s in rows
        ],
    }
