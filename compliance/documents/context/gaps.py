"""The pack's gap dashboard: every fact a draft pack misses, listed once.

A gap is a fact that a document or the assessment needs and that the descriptor does not give.
The same fact is often missing in several places (a model's maximum input size in its technical
documentation and in the information for downstream providers, a use case's fact in the
assessment and in a document); the dashboard lists it once, keyed by the descriptor path that
states it or, for a document section that only linked evidence fills, by that section, with the
obligations it blocks and every document and section where it is missing. A fact that leaves
obligations undetermined is a gap too: the assessment's own missing facts are items.

Items are grouped by the part of the descriptor that closes them (:data:`GROUPS`) and numbered
once for the pack; the documents mark each gap in place with its item number and point here
instead of repeating it, and the pack index shows the same items. Within a group: first the
facts on which a jurisdiction's reach waits, then the deciding facts in their ranking
(:mod:`compliance.law.deciding`, as the index's "Questions that decide the most" lists them),
then the rest by the number of obligations they block, more first; ties in the order the pack
meets them (the documents in pack order, each in its own order, then the assessment). Same
inputs, same items, same numbers. Plain data for the templates, no dates.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from compliance.descriptor.model import Descriptor
from compliance.documents.context.base import PackInfo, _base_context, _ob_ref
from compliance.documents.context.deciding import (
    MAX_CITATIONS,
    _to_state,
    deciding_context,
    field_label,
)
from compliance.documents.selection import GAP_DASHBOARD, TRANSPARENCY_REPORT, Decision, tag_matches

#: The groups, in the descriptor's order: (key, heading). A path under another top-level key
#: gets a group of its own, after these.
GROUPS: tuple[tuple[str, str], ...] = (
    ("organisation", "Organisation"),
    ("system", "System"),
    ("use_cases", "Use cases"),
    ("models", "Models"),
    ("evidence", "Evidence for document sections"),
    ("incidents", "Incidents"),
)
_GROUP_INDEX = {key: i for i, (key, _) in enumerate(GROUPS)}
_HEAD = re.compile(r"[a-z_]+")
#: a descriptor path in parentheses, as a sections file's message may end: the dashboard names it
_PATH_NOTE = re.compile(r"\s*\((?:organisation|system|models?|incidents|evidence)\b[\w.\[\]=-]*\)")
#: top-level keys of the descriptor (``model``: one model's facts, as a model's document names them)
_TOP = frozenset(Descriptor.model_fields) | {"model"}


def subject_path(fact: str, subject: str) -> str:
    """A fact as the pack names it once: ``model.x`` of a model's document or obligation becomes
    ``models[<id>].x``, the engine's name for that model's fact."""
    if subject.startswith("model:") and (fact == "model" or fact.startswith(("model.", "model["))):
        return f"models[{subject.split(':', 1)[1]}]" + fact.removeprefix("model")
    return fact


def _is_path(fact: str) -> bool:
    head = _HEAD.match(fact)
    return head is not None and head.group(0) in _TOP


def _group(path: str) -> str:
    head = _HEAD.match(path)
    name = head.group(0) if head else ""
    if name == "model":
        return "models"
    if name == "system" and re.match(r"system\.use_cases\b", path):
        return "use_cases"
    return name


@dataclass
class _Item:
    kind: str
    """``fact`` (a descriptor path to state), ``section`` (a document section that linked
    evidence fills) or ``record`` (an item of the incident register)."""
    key: str
    group: str
    seen: int
    label: str = ""
    paths: list[str] = field(default_factory=list)
    derived: str = ""
    sections: list[str] = field(default_factory=list)
    hint: str = ""
    blocks: dict[str, dict[str, Any]] = field(default_factory=dict)
    places: dict[str, dict[str, Any]] = field(default_factory=dict)
    rank: int = 0
    decides: int = 0
    reaches: list[str] = field(default_factory=list)
    classifies: dict[str, str] = field(default_factory=dict)
    whats: list[str] = field(default_factory=list)


class _Collector:
    def __init__(self) -> None:
        self.items: dict[tuple[str, str], _Item] = {}

    def item(self, kind: str, key: str, group: str) -> _Item:
        found = self.items.get((kind, key))
        if found is None:
            found = self.items[(kind, key)] = _Item(kind, key, group, len(self.items))
        return found

    def document_gap(self, decision: Decision, title: str, gap: Mapping[str, Any]) -> _Item:
        fact = str(gap.get("fact") or "")
        where = str(gap.get("where") or "")
        parts = [subject_path(p.strip(), decision.subject) for p in fact.split(" or ") if p.strip()]
        if parts and all(_is_path(p) for p in parts):
            item = self.item("fact", " or ".join(parts), _group(parts[0]))
            item.paths = item.paths or parts
            if tag_matches(where, decision.spec.key) and where not in item.sections:
                item.sections.append(where)  # evidence linked to the section closes it too
        elif not fact:
            item = self.item("section", f"{decision.stem} {where}", "evidence")
            item.sections = [where]
        else:
            item = self.item("record", f"{decision.stem} {where}", "incidents")
            item.hint = str(gap.get("hint") or "")
        what = str(gap.get("what") or "")
        if what not in item.whats:
            item.whats.append(what)
        # one field's label; a fact that several fields need (differently worded) by the schema's
        item.label = (item.whats[0] if len(item.whats) == 1 or item.kind != "fact"
                      else field_label(item.key) or item.whats[0])
        for ref in gap.get("blocks") or []:
            item.blocks.setdefault(str(ref["id"]), dict(ref))
        place = item.places.setdefault(decision.stem,
                                       {"stem": decision.stem, "title": title, "where": []})
        spot = {"citation": str(gap["citation"])} if gap.get("citation") else {"path": where}
        if spot not in place["where"]:
            place["where"].append(spot)
        return item

    def engine_fact(self, fact: str, subject: str, where: str = "") -> _Item:
        """A fact the assessment misses; ``where``: the part of the transparency report that
        shows it missing (the obligations register, the classifications)."""
        path = subject_path(fact, subject)
        item = self.item("fact", path, _group(path))
        if not item.paths:
            state = _to_state(path)
            item.paths, item.derived = (state, path) if state else ([path], "")
        item.label = (item.label or field_label(path)
                      or (field_label(item.paths[0]) if item.paths else ""))
        if where:
            place = item.places.setdefault(TRANSPARENCY_REPORT.filename, {
                "stem": TRANSPARENCY_REPORT.filename, "title": TRANSPARENCY_REPORT.title, "where": []})
            if {"text": where} not in place["where"]:
                place["where"].append({"text": where})
        return item


@dataclass(frozen=True)
class Dashboard:
    """The dashboard of one draft pack (:func:`build_dashboard`)."""

    decision: Decision
    """The gap dashboard's place in the pack: present when the draft has a gap."""
    data: dict[str, Any]
    """For the templates: ``count``, ``groups`` (each with its ``items``), ``items``,
    ``documents`` (per document its gap count and item numbers) and ``undetermined``."""
    numbers: Mapping[str, int]
    """Item number per descriptor path (as :func:`subject_path` names it)."""

    def items_for(self, facts: Iterable[str], subject: str) -> tuple[list[int], list[str]]:
        """The item numbers of ``facts`` (of ``subject``), and the facts that are no item."""
        numbers: set[int] = set()
        other: list[str] = []
        for fact in facts:
            number = self.numbers.get(subject_path(fact, subject))
            if number is None:
                other.append(fact)
            else:
                numbers.add(number)
        return sorted(numbers), other


def build_dashboard(
    documents: Sequence[tuple[Decision, dict[str, Any]]],
    assessment: Mapping[str, Any],
    info: PackInfo,
) -> Dashboard:
    """The dashboard of the documents' gaps and the assessment's missing facts. Each document
    context's gaps get their item number (``item``), and the context a ``gap_dashboard``: the
    dashboard's size and the document's items, for its pointer."""
    collected = _Collector()
    placed: list[tuple[dict[str, Any], _Item]] = []
    for decision, ctx in documents:
        for gap in ctx.get("gaps") or []:
            placed.append((gap, collected.document_gap(decision, _title(decision), gap)))
    deciding = deciding_context(assessment, info)
    order, obligations = _assessment_facts(collected, assessment, deciding["pending"])
    for rank, q in enumerate(deciding["questions"], 1):
        for item in collected.items.values():
            if item.kind == "fact" and _raw_matches(q["fact"], item.key) and not item.rank:
                item.rank, item.decides = rank, q["decides"]
    items = sorted(collected.items.values(), key=_order)
    number = {id(item): n for n, item in enumerate(items, 1)}
    prefix = _prefixes([i for item in items for i in item.blocks], obligations, info)
    rows = [_row(item, number[id(item)], order, obligations, prefix) for item in items]
    groups: list[dict[str, Any]] = []
    for row in rows:
        if not groups or groups[-1]["key"] != row["group"]:
            groups.append({"key": row["group"], "heading": _heading(row["group"]),
                           "anchor": f"gaps-{row['group'].replace('_', '-')}", "items": []})
        groups[-1]["items"].append(row)
    per_document: dict[str, dict[str, Any]] = {}
    for gap, item in placed:  # the marker in place: what is missing, its item, no path
        gap["item"], gap["marker"] = number[id(item)], _PATH_NOTE.sub("", str(gap.get("what") or ""))
    for decision, ctx in documents:
        gaps = ctx.get("gaps") or []
        mine = sorted({int(g["item"]) for g in gaps})
        _number_in_place(ctx.get("sections") or [], {str(g.get("where")): g["item"] for g in gaps})
        ctx["gap_dashboard"] = {"stem": GAP_DASHBOARD.filename, "count": len(items),
                                "items": compress(mine), "item_count": len(mine)}
        if mine:
            per_document[decision.stem] = {
                "stem": decision.stem, "gaps": len(gaps), "items": compress(mine),
                "title": _title(decision)}
    kinds = {kind: sum(item.kind == kind for item in items) for kind in _KINDS}
    data = {
        "stem": GAP_DASHBOARD.filename,
        "count": len(items),
        "kinds": kinds,
        "kinds_text": _and([_count(kinds[k], *words) for k, words in _KINDS.items() if kinds[k]]),
        "groups": groups,
        "items": rows,
        "documents": list(per_document.values()),
        "undetermined": len({i for item in items for i in item.blocks
                             if obligations.get(i, ("", {}))[1].get("verdict") == "undetermined"}),
        "pending": deciding["pending"],
    }
    n = len(items)
    decision = Decision(GAP_DASHBOARD, "system", bool(n),
                        f"The draft misses {n} fact{'s' if n != 1 else ''}: each listed once, with the "
                        "obligations it blocks and where it is missing." if n
                        else "Not built: the draft has no gap.")
    numbers = {item.key: number[id(item)] for item in items if item.kind == "fact"}
    return Dashboard(decision, data, numbers)


def _assessment_facts(collected: _Collector, assessment: Mapping[str, Any],
                      pending: Sequence[Mapping[str, Any]]
                      ) -> tuple[dict[str, int], dict[str, tuple[str, Mapping[str, Any]]]]:
    """The assessment's missing facts as items: those of each undetermined obligation and each
    unknown classification (of the jurisdictions not held back), and the facts a jurisdiction's
    reach waits on. Returns each obligation's place in the assessment and, by id, the
    obligation with its jurisdiction's code."""
    held_back = {p["jurisdiction"] for p in pending}
    order: dict[str, int] = {}
    obligations: dict[str, tuple[str, Mapping[str, Any]]] = {}
    for j in assessment.get("jurisdictions", []):
        counted = j.get("code") not in held_back
        for ob in j.get("obligations", []):
            order.setdefault(str(ob["id"]), len(order))
            obligations.setdefault(str(ob["id"]), (str(j.get("code") or ""), ob))
            if counted and ob.get("verdict") == "undetermined":
                for fact in ob.get("missing_facts") or []:
                    item = collected.engine_fact(str(fact), str(ob.get("subject") or "system"),
                                                 "obligations register")
                    item.blocks.setdefault(str(ob["id"]), _ob_ref(ob))
        for c in j.get("classifications", []) if counted else []:
            if c.get("value", "unknown") == "unknown":
                for fact in c.get("missing_facts") or []:
                    item = collected.engine_fact(str(fact), str(c.get("subject") or "system"),
                                                 "classification")
                    name = f"{c.get('citation') or ''} {c.get('title') or c['id']}".strip()
                    item.classifies.setdefault(str(c["id"]), name)
    for p in pending:
        for fact in p["facts"]:
            collected.engine_fact(fact, "system").reaches.append(p["name"])
    return order, obligations


#: what each kind of item asks for, in words: (one, several)
_KINDS: dict[str, tuple[str, str]] = {
    "fact": ("descriptor fact to state", "descriptor facts to state"),
    "section": ("document section that needs linked evidence",
                "document sections that need linked evidence"),
    "record": ("incident record item to complete", "incident record items to complete"),
}


def _count(n: int, one: str, several: str) -> str:
    return f"{n} {one if n == 1 else several}"


def _and(parts: Sequence[str]) -> str:
    return ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + (parts[-1] if parts else "")


def _title(decision: Decision) -> str:
    return decision.spec.title + (f" — model {decision.model_id}" if decision.model_id else "")


def _raw_matches(raw: str, key: str) -> bool:
    """Whether a deciding question's fact (as the engine names it) is the item ``key``; a bare
    ``model.x`` is every model's."""
    if raw == key:
        return True
    return (raw.startswith("model.") and key.startswith("models[")
            and key.endswith("]" + raw.removeprefix("model")))


def _order(item: _Item) -> tuple[int, str, int, int, int, int]:
    group = _GROUP_INDEX.get(item.group, len(GROUPS))
    ranked = 0 if item.reaches else (1 if item.rank else 2)
    return (group, item.group, ranked, item.rank, -len(item.blocks), item.seen)


def _heading(group: str) -> str:
    return dict(GROUPS).get(group) or group.replace("_", " ").capitalize() or "Other"


def _prefixes(ids: Iterable[str], obligations: Mapping[str, tuple[str, Mapping[str, Any]]],
              info: PackInfo) -> dict[tuple[str, str], str]:
    """Several instruments among the citations shown: the instrument's short name before each."""
    used = {(code, str(ob.get("instrument") or "")) for code, ob in
            (obligations[i] for i in ids if i in obligations)}
    if len(used) <= 1:
        return {}
    shorts = info.instruments or {}
    return {(code, key): f"{shorts.get(code, {}).get(key) or code} " for code, key in used}


def _row(item: _Item, number: int, order: Mapping[str, int],
         obligations: Mapping[str, tuple[str, Mapping[str, Any]]],
         prefix: Mapping[tuple[str, str], str]) -> dict[str, Any]:
    ids = sorted(item.blocks, key=lambda i: (order.get(i, len(order)), i))
    cites: dict[str, None] = {}
    for i in ids:
        code, ob = obligations.get(i, ("", {}))
        cites.setdefault(prefix.get((code, str(ob.get("instrument") or "")), "")
                         + str(item.blocks[i].get("citation") or i), None)
    citations = list(cites)
    return {
        "number": number,
        "anchor": f"item-{number}",
        "group": item.group,
        "kind": item.kind,
        "label": item.label,
        "paths": list(item.paths),
        "derived": item.derived,
        "sections": list(item.sections),
        "hint": item.hint,
        "rank": item.rank,
        "decides": item.decides,
        "reaches": list(item.reaches),
        "classifies": list(item.classifies.values()),
        "blocks": len(ids),
        "citations": citations[:MAX_CITATIONS],
        "more": max(0, len(citations) - MAX_CITATIONS),
        "places": [dict(p) for p in item.places.values()],
    }


def _number_in_place(sections: Sequence[Mapping[str, Any]], numbers: Mapping[str, Any]) -> None:
    """The item number on each gap shown in place (a field's or a section's)."""
    for s in sections:
        for holder in [s, *(s.get("fields") or [])]:
            gap = holder.get("gap")
            if gap and "item" not in gap and str(gap.get("where")) in numbers:
                gap["item"] = numbers[str(gap.get("where"))]
        _number_in_place(s.get("children") or [], numbers)


def compress(numbers: Sequence[int]) -> str:
    """``[1, 2, 3, 5]`` -> ``"1–3, 5"``."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 2 else ", ".join(map(str, r)) for r in runs)


def dashboard_context(dashboard: Dashboard, descriptor: Descriptor, assessment: Mapping[str, Any],
                      info: PackInfo) -> dict[str, Any]:
    """The gap dashboard document (``gaps.pdf``): the items by group, in the common frame."""
    ctx = _base_context(dashboard.decision, descriptor, assessment, info)
    ctx["doc"]["keyword"] = "audit pack gaps"
    ctx["control"] = [{**row, "label": "Scope"} if row["label"] == "Legal basis" else row
                      for row in ctx["control"]]
    ctx.update(
        dashboard=dashboard.data,
        gaps=[],
        sections=[],
        signoff=[],
        toc=[{"anchor": g["anchor"], "citation": "", "heading": g["heading"], "level": 1}
             for g in dashboard.data["groups"]],
    )
    return ctx


def dashboard_of(contexts: Iterable[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The dashboard data carried by a pack's rendered contexts (the transparency report's)."""
    return next((c["dashboard"] for c in contexts if "dashboard" in c), None)
