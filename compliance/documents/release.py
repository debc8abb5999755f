"""Release renditions: clean copies of the pack's documents for the people who receive them.

The working draft (``<pack>/*.pdf``) shows everything a reviewer needs: gaps marked where they
occur, and the pack's gap dashboard (``gaps.pdf``, internal: no release copy) with the descriptor
paths that would close them, provenance, the not-legal-advice banner, a sign-off grid and the
descriptor and assessment attached. None of that may leave the organisation. ``build --release``
therefore also writes ``<pack>/release/<audience>/<document>.pdf`` for each audience a document is
meant for (``DocumentSpec.release``):

* ``authority`` — the AI Office, national competent authorities, notified bodies;
* ``downstream`` — downstream providers, deployers and distributors;
* ``public`` — published on the organisation's website.

A release rendition carries only the fields meant for its audience (the recipient codes of a
document structure's legend name the audience each code stands for), no draft banner, no gap
marker or pointer to the dashboard, no field paths, no contents page or sign-off grid, and no internal attachment: public and
downstream copies embed nothing; the authority's copy embeds a JSON file with that document's own
fields. A missing fact is a *release gap*: the build is refused unless ``--allow-gaps``, which
prints "Not provided." in its place.

This module is pure: it transforms the render contexts the draft was made from; the pack builder
renders and signs.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from compliance.errors import ComplianceError, ExitCode

AUDIENCE_LABELS: dict[str, str] = {
    "authority": "AI Office, national competent authorities and notified bodies",
    "downstream": "Downstream providers, deployers and distributors",
    "public": "The public",
}
RELEASE_FOLDER = "release"


class ReleaseGapsError(ComplianceError):
    """A release was asked for while documents meant for an audience miss facts."""

    exit_code = ExitCode.FINDINGS


@dataclass(frozen=True)
class ReleaseOptions:
    """What ``build --release`` was asked for; picklable, so each build process loads the key
    itself. The key and its password never appear in a repr, a log or the pack."""

    allow_gaps: bool = False
    p12: bytes | None = field(default=None, repr=False)
    """The PKCS#12 file's bytes (key and certificate chain) when the release is signed."""
    password: bytes | None = field(default=None, repr=False)
    signing_time: dt.datetime | None = None
    """The time written into each signature (from --sign-time or the as-of date)."""

    def key(self, signer_fingerprint: str | None) -> dict[str, Any]:
        """The part of the build's inputs key: the options and the signing certificate's SHA-256,
        never the key."""
        return {"allow_gaps": self.allow_gaps, "signer": signer_fingerprint,
                "signing_time": self.signing_time.isoformat() if self.signing_time else None}


@dataclass(frozen=True)
class ReleaseGap:
    document: str
    """The document's file stem."""
    audience: str
    item: str
    """What is missing, in words: the provision and the field's label."""


@dataclass
class ReleaseDocument:
    stem: str
    audience: str
    context: dict[str, Any]
    fields_json: bytes | None
    """The document's own fields as JSON (the authority's machine-readable copy), else None."""
    gaps: list[ReleaseGap] = field(default_factory=list)
    redacted: list[str] = field(default_factory=list)
    """The ids of the sections and fields withheld from this copy."""

    @property
    def path(self) -> str:
        return f"{RELEASE_FOLDER}/{self.audience}/{self.stem}.pdf"


def _words(*parts: str | None) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())


class _Cleaner:
    """One document, one audience: the fields meant for it, gaps turned into "not provided",
    and the redactions the law allows applied (with the statement of each)."""

    def __init__(self, stem: str, audience: str, context: Mapping[str, Any]) -> None:
        self.stem, self.audience = stem, audience
        self.codes = {str(item.get("code")): item.get("audience") for item in context.get("legend") or []}
        self.gaps: list[ReleaseGap] = []
        rules = context.get("release_redactions") or {}
        self.redaction_rules: Mapping[str, Any] = rules if audience in (rules.get("audiences") or []) else {}
        self.redactions = {str(r["section"]): r for r in context.get("redactions") or []} if self.redaction_rules else {}
        self.redacted: list[str] = []
        """Statement lines of the redactions applied, in document order."""
        self.applied: set[str] = set()

    def _redact(self, item: dict[str, Any], label: str) -> bool:
        """Withhold ``item`` when a redaction names it: its content replaced by the ground."""
        redaction = self.redactions.get(str(item.get("id")))
        if redaction is None:
            return False
        rules = self.redaction_rules
        ground = (rules.get("reasons") or {}).get(redaction["reason"], redaction["reason"])
        item.update(lines=[f"Redacted under {rules.get('basis', 'the law')} {ground}."], evidence=[], gap=None,
                    fields=[], children=[], not_applicable="")
        self.redacted.append(f"{label}: {redaction['description']} (redacted {ground})")
        self.applied.add(str(item.get("id")))
        return True

    def meant_for(self, item: Mapping[str, Any]) -> bool:
        codes = item.get("recipients") or []
        return not codes or any(self.codes.get(code) == self.audience for code in codes)

    def gap(self, citation: str | None, label: str | None) -> None:
        self.gaps.append(ReleaseGap(self.stem, self.audience, _words(citation, label) or "an item"))

    def evidence(self, items: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Evidence as a reader outside the organisation sees it: the authority gets what it is
        and its date (never an internal path or hash); the others get nothing."""
        if self.audience != "authority":
            return []
        return [{"description": e.get("description") or "", "date": e.get("date") or "",
                 "status": "present"} for e in items if e.get("status") == "present"]

    def field(self, f: Mapping[str, Any]) -> dict[str, Any]:
        out = {**f, "recipients": [], "evidence": self.evidence(f.get("evidence") or [])}
        if f.get("release_lines"):  # a draft's statement about the pack, worded for the release
            out["lines"] = list(f["release_lines"])
        if self._redact(out, _words(f.get("citation"), f.get("label"))):
            return out
        if f.get("gap"):
            self.gap(f.get("citation"), f.get("label"))
            out["gap"], out["not_provided"] = None, True
        return out

    def section(self, s: Mapping[str, Any]) -> dict[str, Any] | None:
        withheld = {**s}
        if self._redact(withheld, _words(s.get("citation"), s.get("heading"))):
            withheld["intro"] = " ".join(withheld.pop("lines"))
            return withheld
        fields = [self.field(f) for f in s.get("fields") or [] if self.meant_for(f)]
        children = [c for c in (self.section(c) for c in s.get("children") or []) if c is not None]
        out = {**s, "fields": fields, "children": children,
               "evidence": self.evidence(s.get("evidence") or [])}
        if "release_intro" in s:  # a draft's note about the pack, worded for the release
            out["intro"] = s["release_intro"]
        if s.get("gap"):
            self.gap(s.get("citation"), s.get("heading"))
            out["gap"], out["not_provided"] = None, True
        had_content = bool(s.get("fields") or s.get("children"))
        if had_content and not fields and not children and not out.get("not_provided"):
            return None  # every item of it is for another audience
        return out


def _fields_json(stem: str, sections: list[dict[str, Any]]) -> bytes:
    def walk(s: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "citation": s.get("citation") or "", "heading": s.get("heading") or "",
            "fields": [{"id": f.get("id"), "label": f.get("label"), "citation": f.get("citation") or "",
                        "value": list(f.get("lines") or []), "provided": not f.get("not_provided"),
                        **({"not_applicable": f["not_applicable"]} if f.get("not_applicable") else {})}
                       for f in s.get("fields") or []],
            "sections": [walk(c) for c in s.get("children") or []],
        }
    data = {"document": stem, "sections": [walk(s) for s in sections]}
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def release_document(stem: str, audience: str, context: Mapping[str, Any]) -> ReleaseDocument:
    """The release rendition's context of one document for one audience, and its gaps."""
    cleaner = _Cleaner(stem, audience, context)
    ctx = copy.deepcopy(dict(context))
    if "sections" in ctx:
        ctx["sections"] = [s for s in (cleaner.section(s) for s in ctx["sections"]) if s is not None]
        if cleaner.redaction_rules:
            _state_redactions(ctx["sections"], str(cleaner.redaction_rules.get("statement_field")),
                              cleaner.redacted)
    else:  # a document without a structure file (the incident log): its own gap list
        for gap in ctx.get("gaps") or []:
            cleaner.gap(gap.get("citation"), gap.get("what"))
    ctx["intro"] = ctx.get("release_intro") or ""  # a draft's intro speaks to the preparer
    ctx.update(gaps=[], toc=[], legend=[], signoff=[], redactions=[],
               release={"audience": audience, "audience_label": AUDIENCE_LABELS[audience]})
    fields = _fields_json(stem, ctx["sections"]) if audience == "authority" and "sections" in ctx else None
    return ReleaseDocument(stem, audience, ctx, fields, cleaner.gaps, sorted(cleaner.applied))


def _state_redactions(sections: list[dict[str, Any]], statement_field: str, lines: list[str]) -> None:
    """The statement of what was redacted and why, in the field the structure names for it."""
    for s in sections:
        for f in s.get("fields") or []:
            if f.get("id") == statement_field and lines:
                f.update(lines=list(lines), not_applicable="", gap=None, not_provided=False)
        _state_redactions(s.get("children") or [], statement_field, lines)


def release_documents(rendered: Iterable[tuple[str, tuple[str, ...], Mapping[str, Any]]]) -> list[ReleaseDocument]:
    """Every release rendition of a pack, from (stem, audiences, draft context) per document."""
    return [release_document(stem, audience, context)
            for stem, audiences, context in rendered for audience in audiences]


def refuse_redactions(documents: Iterable[ReleaseDocument], redactions: Iterable[str]) -> None:
    """Raise ReleaseGapsError when a redaction of the descriptor names nothing a released
    document allows to be withheld (a mistyped id would otherwise publish what it meant to hide)."""
    documents = list(documents)
    if not any(d.context.get("release_redactions") for d in documents):
        return  # nothing is published where the law allows redactions
    unknown = sorted(set(redactions) - {r for d in documents for r in d.redacted})
    if unknown:
        raise ReleaseGapsError(
            f"the release is refused: redaction of {', '.join(unknown)} names no part of a document "
            "published with redactions allowed",
            "name a section or field id of such a document (e.g. ca_transparency_report.c_2.a), "
            "as the draft's headings show them")


def refuse_gaps(documents: Iterable[ReleaseDocument]) -> None:
    """Raise ReleaseGapsError listing each missing item per document and audience."""
    gaps = [g for d in documents for g in d.gaps]
    if not gaps:
        return
    lines = [f"  {g.document} ({g.audience}): {g.item}" for g in gaps]
    raise ReleaseGapsError(
        f"the release is refused: {len(gaps)} item{'s are' if len(gaps) != 1 else ' is'} missing "
        "from documents meant for an audience:\n" + "\n".join(lines),
        "state the missing facts (the draft's gap dashboard, gaps.pdf, lists each gap with its "
        "descriptor path), or pass --allow-gaps to print them as 'Not provided.'")
