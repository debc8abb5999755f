"""Structure-driven documents: every document whose legal structure is a sections file (EU AI Act
Annex IV, V, XI and XII, FRIA, training-data summary; the other jurisdictions' documents).

The legal structure of each document (sections, points, fields, which descriptor fact fills which
field, who receives it) is data: ``<document>.sections.yaml`` next to the document's template.
This module is generic: it walks that structure, fills each field from the descriptor or from
linked evidence, and turns every missing fact into a *gap* that names the obligation it blocks.
Nothing here writes filler text for a missing fact.

A field names its fact by a dotted path (``model.training_data.sources``), optionally filtering a
list (``sources[type=web_crawl]``), or a list of paths of which the first stated fills it. A field
may instead answer a yes/no ``question`` defined in the file's ``questions:`` (see
``_Walker.answer``: "no" only when the descriptor says the list is complete). Formats that place
a figure in a band (``band``, ``modality_bands``) read the bounds from the file's ``bands:``, so
no threshold of a form or template lives in the code. A list of entries shows one line per entry
with the ``columns`` the field names (``records``).

A section with ``each: <list fact>`` is repeated once per item (e.g. one analysis per fundamental
right): its fields name facts relative to the item (``.risk``) and carry ``{n}``, the item's
number, in their ids; a gap in an item's field blocks the obligation its id's point names.

A condition (``applicable_if``) tests a fact, a classification, an obligation's verdict or a
question, or combines such tests with ``any`` or ``all``. A section marked ``only_when_applying``
is left out unless an applying obligation's ``documents:`` tag names it or one of its parts (the
parts of a form that only some operators fill in).

A draft may speak of the pack ("see the draft declaration in this pack"); a release rendition,
which travels alone, may not. A fixed ``text`` field may carry ``release_text`` and a section
``release_intro``: the wording :mod:`compliance.documents.release` prints instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from compliance.descriptor.model import Descriptor
from compliance.documents.context.base import (
    PackInfo,
    _base_context,
    _classification_values,
    _ob_ref,
)
from compliance.documents.context.facts import (
    _first_stated,
    resolve,
)
from compliance.documents.context.formatting import _plain, fmt_sci, format_value
from compliance.documents.context.structure_file import load_structure as load_structure
from compliance.documents.selection import Decision, all_obligations, tag_matches


class _Walker:
    """Fills one structured document for one subject."""

    def __init__(
        self,
        *,
        doc_key: str,
        facts: Mapping[str, Any],
        obligations: Sequence[Mapping[str, Any]],
        evidence: Sequence[Mapping[str, Any]],
        classifications: Mapping[str, str],
        fallback_blockers: Sequence[Mapping[str, Any]],
        questions: Mapping[str, Mapping[str, Any]] | None = None,
        bands: Mapping[str, Any] | None = None,
    ) -> None:
        self.doc_key = doc_key
        self.facts = facts
        self.questions = questions or {}
        self.bands = bands or {}
        self.verdicts: dict[str, list[str]] = {}
        for o in obligations:
            self.verdicts.setdefault(o.get("rule") or o["id"], []).append(
                o.get("verdict", "undetermined"))
        self.obligations = [o for o in obligations if o.get("verdict") == "applies"]
        self.undetermined = [o for o in obligations if o.get("verdict") == "undetermined"]
        self.evidence = evidence
        self.classifications = classifications
        self.fallback = [_ob_ref(o) for o in fallback_blockers]
        self.gaps: list[dict[str, Any]] = []

    # which obligations a gap at `where` blocks: the most specific tag that covers it
    def blockers(self, where: str) -> list[dict[str, str]]:
        """Applying obligations tagged for ``where``; failing those, undetermined ones (the gap
        blocks them if they turn out to apply); failing those, the document's obligations."""
        for candidates in (self.obligations, self.undetermined):
            best_len = -1
            best: list[Mapping[str, Any]] = []
            for ob in candidates:
                for tag in ob.get("documents") or []:
                    if where == tag or where.startswith(tag + "."):
                        if len(tag) > best_len:
                            best_len, best = len(tag), [ob]
                        elif len(tag) == best_len and ob not in best:
                            best.append(ob)
            if best:
                return [_ob_ref(o) for o in best]
        return list(self.fallback)

    def linked_evidence(self, where: str) -> list[Mapping[str, Any]]:
        found = []
        blockers = {b["id"] for b in self.blockers(where)} if where else set()
        for ev in self.evidence:
            if where in ev["sections"]:
                found.append(ev)
        # evidence linked by obligation fills sections the obligation is tagged with exactly
        for ev in self.evidence:
            if ev in found or ev["sections"]:
                continue
            for ob in self.obligations:
                if ob["id"] in ev["obligations"] and ob["id"] in blockers and where in (
                    ob.get("documents") or []
                ):
                    found.append(ev)
                    break
        return found

    def gap(self, where: str, citation: str, what: str, fact: str | None) -> dict[str, Any]:
        hint = (
            f"State {fact} in the descriptor, or link evidence with sections: [{where}]."
            if fact
            else f"Link evidence with sections: [{where}] in the descriptor."
        )
        gap = {
            "where": where,
            "citation": citation,
            "what": what,
            "fact": fact or "",
            "hint": hint,
            "blocks": self.blockers(where),
        }
        self.gaps.append(gap)
        return gap

    def answer(self, name: str) -> tuple[str | None, str]:
        """A yes/no question of the sections file: ('yes'|'no'|None, the fact that would answer it).

        Yes when some listed item's ``key`` is one of ``yes_if``. No only when the list is stated,
        every item's ``key`` is stated, none is in ``yes_if`` or ``open_if`` (values that leave
        the question open, e.g. user data of unstated origin) and the ``complete`` fact is true.
        Anything else is unanswered: the descriptor does not say."""
        q = self.questions[name]
        items = resolve(self.facts, q["items"])
        if not isinstance(items, list):
            return None, q["items"]
        yes, open_ = set(q["yes_if"]), set(q.get("open_if") or [])
        unstated = undecided = False
        for item in items:
            value = item.get(q["key"]) if isinstance(item, Mapping) else None
            if value is None:
                unstated = True
                continue
            values = set(value) if isinstance(value, list) else {value}
            if values & yes:
                return "yes", ""
            if values & open_:
                undecided = True
        if unstated or undecided:
            return None, f"{q['items']}.{q['key']}"
        if resolve(self.facts, q["complete"]) is True:
            return "no", ""
        return None, q["complete"]

    def _applicability(self, spec: Mapping[str, Any]) -> tuple[str, str | None]:
        """('applicable'|'not_applicable'|'unknown'|'pending', message). 'pending': a question
        the document answers in a field of its own is open; the field that depends on it waits
        for that answer rather than adding a second gap for the same missing fact."""
        cond = spec.get("applicable_if")
        if not cond:
            return "applicable", None
        if "any" in cond or "all" in cond:  # conditions combined, three-valued
            state = self._combined(cond)
            if state == "applicable":
                return "applicable", None
            return state, cond.get("otherwise" if state == "not_applicable" else "unknown")
        if "question" in cond:
            answered, _ = self.answer(cond["question"])
            if answered == "yes":
                return "applicable", None
            if answered == "no":
                return "not_applicable", cond.get("otherwise")
            return "pending", cond.get("unknown")
        if "obligation" in cond:  # whether an obligation of the rule data applies to the subject
            verdicts = self.verdicts.get(cond["obligation"], [])
            if "applies" in verdicts:
                return "applicable", None
            if verdicts and all(v == "does_not_apply" for v in verdicts):
                return "not_applicable", cond.get("otherwise")
            return "unknown", cond.get("unknown")
        if "classification" in cond:
            value = self.classifications.get(cond["classification"], "unknown")
            if value == "true":
                return "applicable", None
            if value == "false":
                return "not_applicable", cond.get("otherwise")
            return "unknown", cond.get("unknown")
        value = resolve(self.facts, cond["fact"])
        if value is None:
            return "unknown", cond.get("unknown")
        if "contains" in cond:
            items = value if isinstance(value, list) else [value]
            if cond["contains"] in items:
                return "applicable", None
            return "not_applicable", cond.get("otherwise")
        truthy = [v for v in value if v] if isinstance(value, list) else value
        if truthy:
            return "applicable", None
        return "not_applicable", cond.get("otherwise")

    def _combined(self, cond: Mapping[str, Any]) -> str:
        """``any``: applicable when one part is, not applicable when every part is not; ``all``:
        not applicable when one part is not, applicable when every part is; else open."""
        states = [self._applicability({"applicable_if": part})[0]
                  for part in cond.get("any") or cond.get("all") or []]
        decided, other = (("applicable", "not_applicable") if "any" in cond
                          else ("not_applicable", "applicable"))
        if decided in states:
            return decided
        if states and all(s == other for s in states):
            return other
        return "pending" if "pending" in states else "unknown"

    def applying_tag(self, sid: str) -> bool:
        """Whether an applying obligation's ``documents:`` tag names section ``sid`` or a part of
        it (a section marked ``only_when_applying`` is left out of the document otherwise)."""
        return any(tag_matches(tag, sid) for ob in self.obligations for tag in ob.get("documents") or [])

    def field(self, spec: Mapping[str, Any], section: Mapping[str, Any]) -> dict[str, Any]:
        fid = spec["id"]
        citation = spec.get("citation") or section.get("citation", "")
        out: dict[str, Any] = {
            "id": fid,
            "label": spec["label"],
            "citation": citation,
            "recipients": list(spec.get("recipients") or []),
            "note": spec.get("note", ""),
            "lines": [],
            "evidence": [],
            "gap": None,
            "not_applicable": "",
        }
        state, message = self._applicability(spec)
        if state == "not_applicable":
            out["not_applicable"] = message or "Not applicable."
            return out
        if "text" in spec:  # a fixed statement required by the law (e.g. Annex V(3))
            out["lines"] = [spec["text"]]
            if "release_text" in spec:  # what the release rendition says instead (no draft, no pack)
                out["release_lines"] = [spec["release_text"]]
            if state in ("unknown", "pending") and message:
                out["lines"].append(f"(Required only if it applies: {message}.)")
            return out
        if "question" in spec:  # a yes/no question of the template
            answered, missing = self.answer(spec["question"])
            if answered is not None:
                out["lines"] = [spec.get(answered, answered.capitalize())]
                return out
            out["evidence"] = [dict(e) for e in self.linked_evidence(fid)]
            if not out["evidence"]:
                out["gap"] = self.gap(fid, citation, spec["label"], missing)
            return out
        fact = spec.get("fact")
        facts = [fact] if isinstance(fact, str) else list(fact or [])
        value = _first_stated(self.facts, facts) if facts else None
        if value is not None and value != [] and value != "":
            out["lines"] = format_value(value, spec.get("format", "text"), self._bands(spec),
                                        spec.get("columns"))
        elif value == [] and spec.get("empty"):
            out["lines"] = [spec["empty"]]
        out["evidence"] = [dict(e) for e in self.linked_evidence(fid)]
        if not out["lines"] and not out["evidence"]:
            if spec.get("optional"):
                out["not_applicable"] = spec.get("optional_text", "None stated.")
            elif state == "pending":
                out["not_applicable"] = message or (
                    "Depends on the answer above, which the descriptor does not give yet.")
            else:
                what = spec.get("gap_label") or spec["label"]
                if state == "unknown" and message:
                    what = f"{what} ({message})"
                out["gap"] = self.gap(fid, citation, what, " or ".join(facts) or None)
        return out

    def _bands(self, spec: Mapping[str, Any]) -> Any:
        return self.bands[spec["bands"]] if spec.get("bands") is not None else None

    def section(self, spec: Mapping[str, Any], level: int = 1) -> dict[str, Any]:
        sid = spec["id"]
        out: dict[str, Any] = {
            "id": sid,
            "anchor": sid.replace(".", "-"),
            "citation": spec.get("citation", ""),
            "heading": spec["heading"],
            "intro": spec.get("intro", ""),
            **({"release_intro": spec["release_intro"]} if "release_intro" in spec else {}),
            "level": level,
            "fields": [],
            "children": [],
            "evidence": [],
            "gap": None,
            "not_applicable": "",
        }
        state, message = self._applicability(spec)
        if state == "not_applicable":
            out["not_applicable"] = message or "Not applicable."
            return out
        out["fields"] = [self.field(f, spec) for f in spec.get("fields") or []]
        out["children"] = [c for child in spec.get("children") or []
                           for c in self.sections(child, level + 1)]
        out["evidence"] = [dict(e) for e in self.linked_evidence(sid)]
        needs_evidence = spec.get("evidence", "required" if not (
            spec.get("fields") or spec.get("children")) else "optional")
        if needs_evidence == "required" and not out["evidence"]:
            what = spec.get("gap_label") or spec["heading"]
            if state in ("unknown", "pending") and message:
                what = f"{what} ({message})"
            out["gap"] = self.gap(sid, out["citation"], what, spec.get("gap_fact"))
        return out

    def sections(self, spec: Mapping[str, Any], level: int = 1) -> list[dict[str, Any]]:
        """A section, or for a repeated one (``each``) a section per item of its list fact; none
        for a section marked ``only_when_applying`` that no applying obligation's tag names."""
        if spec.get("only_when_applying") and not self.applying_tag(spec["id"]):
            return []
        if "each" not in spec:
            return [self.section(spec, level)]
        items = resolve(self.facts, spec["each"])
        base = {"id": spec["id"], "citation": spec.get("citation", ""), "heading": spec["heading"],
                "intro": spec.get("intro", "")}
        if not isinstance(items, list) or not items:
            if items == [] and spec.get("empty"):  # stated: none
                return [{**self.section({**base, "evidence": "optional"}, level),
                         "not_applicable": spec["empty"]}]
            return [self.section({**base, "evidence": "required", "gap_fact": spec["each"],
                                  "gap_label": spec.get("gap_label") or spec["heading"]}, level)]
        out = []
        facts = self.facts
        for n, item in enumerate(items, 1):
            # the item's facts are relative paths (".risk"): resolved under the empty key
            self.facts = {**facts, "": item}
            try:
                stated = _first_stated(self.facts, [spec["item_heading"]]) if spec.get(
                    "item_heading") else None
                heading = str(stated) if stated else f"{spec['heading']} ({n})"
                out.append(self.section({  # headed by the item (its fields cite the law)
                    "id": f"{spec['id']}.{n}",
                    "citation": str(spec.get("item_citation", "")).replace("{n}", str(n)),
                    "heading": heading,
                    "fields": [{**f, "id": str(f["id"]).replace("{n}", str(n)),
                                "gap_label": f"{f['label']} — {heading}"}
                               for f in spec.get("fields") or []],
                }, level))
            finally:
                self.facts = facts
        return out


def _flatten_toc(sections: Sequence[Mapping[str, Any]], depth: int = 2) -> list[dict[str, Any]]:
    toc = []
    for s in sections:
        if s["level"] <= depth:
            toc.append({"anchor": s["anchor"], "citation": s["citation"],
                        "heading": s["heading"], "level": s["level"]})
            toc.extend(_flatten_toc(s["children"], depth))
    return toc


# --------------------------------------------------------------------------- context


def structured_context(
    decision: Decision,
    structure: Mapping[str, Any],
    descriptor: Descriptor,
    assessment: Mapping[str, Any],
    info: PackInfo,
    evidence: Sequence[Mapping[str, Any]],
) -> dict[str, Any]:
    """Context for a document whose legal structure is described by a sections file."""
    ctx = _base_context(decision, descriptor, assessment, info)
    if structure.get("keyword"):
        ctx["doc"]["keyword"] = structure["keyword"]
    if structure.get("jurisdiction"):  # one law's document: only that law's notice
        ctx["meta"]["disclaimer"] = next(
            (j.get("disclaimer") or "" for j in assessment.get("jurisdictions", [])
             if j.get("code") == structure["jurisdiction"]), ctx["meta"]["disclaimer"])
    data = _plain(descriptor)
    facts: dict[str, Any] = {"organisation": data.get("organisation", {}),
                             "system": data.get("system", {}),
                             "models": data.get("models", [])}
    if decision.model_id:
        model: dict[str, Any] = next(
            (m for m in data.get("models", []) if m.get("id") == decision.model_id), {})
        facts["model"] = {**model, "derived": _derived_model_facts(model)}
    subject_obligations = [
        o for o in all_obligations(assessment) if (o.get("subject") or "system") == decision.subject
    ]
    classifications = _classification_values(assessment, decision.subject)
    classifications.update(
        {k: v for k, v in _classification_values(assessment, "system").items()
         if k not in classifications}
    )
    walker = _Walker(
        doc_key=decision.spec.key,
        facts=facts,
        obligations=subject_obligations,
        evidence=evidence,
        classifications=classifications,
        fallback_blockers=decision.applying or decision.obligations,
        questions=structure.get("questions"),
        bands=structure.get("bands"),
    )
    sections = [out for s in structure["sections"] for out in walker.sections(s)]
    ctx.update(
        {
            "intro": structure.get("intro", ""),
            "release_intro": structure.get("release_intro", ""),
            "release_signature": structure.get("release_signature", "invisible"),
            "release_redactions": structure.get("release_redactions"),
            "redactions": [r.model_dump(mode="json") for r in descriptor.redactions or []],
            "legend": structure.get("legend", []),
            "sections": sections,
            "toc": _flatten_toc(sections, int(structure.get("toc_depth", 2))),
            "gaps": walker.gaps,
        }
    )
    if structure.get("signoff"):
        ctx["signoff"] = [{"role": r} for r in structure["signoff"]]
    return ctx


def _derived_model_facts(model: Mapping[str, Any]) -> dict[str, Any]:
    """Display-only derived facts (the engine's own derivations decide verdicts)."""
    compute = model.get("training_compute") or {}
    derived: dict[str, Any] = {}
    if compute.get("flop") is not None:
        derived["training_compute"] = f"{fmt_sci(compute['flop'])} FLOP (stated)"
    elif model.get("parameters") and compute.get("training_tokens"):
        flop = 6 * model["parameters"] * compute["training_tokens"]
        derived["training_compute"] = (
            f"{fmt_sci(flop)} FLOP (estimated as 6 × parameters × training tokens)"
        )
    return derived
