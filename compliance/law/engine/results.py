"""Result types of an assessment, and their JSON form (see schemas/obligations.schema.json)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum
from typing import Any

from compliance.descriptor.model import Descriptor
from compliance.law.deciding import DEFAULT_LIMIT, DecidingFact, deciding_facts
from compliance.law.engine.conditions import Step, Truth
from compliance.law.models.rule import Arm, Jurisdiction, Rule
from compliance.law.rulebook import LoadedRule
from compliance.version import __version__

OUTPUT_FORMAT_VERSION = 1


class Verdict(str, Enum):
    applies = "applies"
    does_not_apply = "does_not_apply"
    undetermined = "undetermined"


class Status(str, Enum):
    in_force = "in_force"
    upcoming = "upcoming"


def _missing(steps: tuple[Step, ...]) -> list[str]:
    seen: dict[str, None] = {}
    for step in steps:
        for fact in step.missing:
            seen.setdefault(fact, None)
    return list(seen)


def _reason(step: Step) -> str:
    mark = {Truth.true: "yes", Truth.false: "no", Truth.unknown: "unknown"}[step.truth]
    return f"{step.text}: {mark}"


def _plain(steps: tuple[Step, ...]) -> list[str]:
    """The reasons as plain sentences, one per entry of ``reasons``."""
    return [s.sentence for s in steps]


def _steps_json(steps: tuple[Step, ...]) -> list[dict[str, Any]]:
    return [
        {k: v for k, v in {
            "text": s.text, "truth": s.truth.value, "fact": s.fact,
            "classification": s.classification, "missing": list(s.missing) or None,
        }.items() if v is not None}
        for s in steps
    ]


def _verification(rule: Rule) -> dict[str, Any]:
    v = rule.verification
    return {
        "status": v.status.value,
        "checked_against": v.checked_against,
        "checked_on": v.checked_on.isoformat(),
        "alternative_reading": v.alternative_reading,
    }


@dataclass(frozen=True)
class ClassificationResult:
    id: str
    rule: Rule
    subject: str
    truth: Truth
    steps: tuple[Step, ...]
    effective_from: dt.date | None = None
    upcoming_from: dt.date | None = None

    @property
    def missing(self) -> list[str]:
        return _missing(self.steps)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.rule.title,
            "subject": self.subject,
            "value": self.truth.value,
            "from": self.effective_from.isoformat() if self.effective_from else None,
            "upcoming_from": self.upcoming_from.isoformat() if self.upcoming_from else None,
            "citation": self.rule.citation.pinpoint,
            "reasons": [_reason(s) for s in self.steps],
            "reasons_plain": _plain(self.steps),
            "missing_facts": self.missing,
            "steps": _steps_json(self.steps),
            "verification": _verification(self.rule),
        }


@dataclass(frozen=True)
class ObligationResult:
    id: str
    loaded: LoadedRule
    subject: str
    verdict: Verdict
    steps: tuple[Step, ...]
    status: Status | None = None
    arm: Arm | None = None
    roles: tuple[str, ...] = ()
    since: dt.date | None = None

    @property
    def rule(self) -> Rule:
        return self.loaded.rule

    @property
    def applies_from(self) -> dt.date | None:
        if self.arm is None or self.verdict is not Verdict.applies:
            return None
        return self.since or self.arm.from_

    @property
    def missing(self) -> list[str]:
        return _missing(self.steps)

    def to_json(self) -> dict[str, Any]:
        rule = self.rule
        return {
            "id": self.id,
            "rule": self.loaded.id,
            "subject": self.subject,
            "jurisdiction": self.loaded.jurisdiction,
            "citation": rule.citation.pinpoint,
            "instrument": rule.citation.instrument,
            "citation_text": rule.citation.text,
            "citation_verbatim": rule.citation.verbatim,
            "citation_url": rule.citation.url,
            "title": rule.title,
            "summary": rule.summary,
            "role": list(self.roles or rule.addressees or []),
            "addressees": list(rule.addressees or []),
            "verdict": self.verdict.value,
            "status": self.status.value if self.status else None,
            "applies_from": self.applies_from.isoformat() if self.applies_from else None,
            "date_basis": self.arm.basis if self.arm is not None and self.verdict is Verdict.applies else None,
            "current_wording_from": self.arm.from_.isoformat() if self.arm is not None and self.since
            and self.since != self.arm.from_ else None,
            "reasons": [_reason(s) for s in self.steps],
            "reasons_plain": _plain(self.steps),
            "missing_facts": self.missing,
            "steps": _steps_json(self.steps),
            "documents": list(rule.documents or []),
            "depends_on": list(rule.depends_on or []),
            "verification": _verification(rule),
        }


@dataclass(frozen=True)
class TierResult:
    id: str
    label: str
    steps: tuple[Step, ...]
    caveats: tuple[str, ...]
    blocking: str | None = None
    """What the law forbids when the tier bars the system (see Tier.blocking)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "blocking": self.blocking,
            "reasons": [_reason(s) for s in self.steps],
            "reasons_plain": _plain(self.steps),
            "caveats": list(self.caveats),
        }


@dataclass(frozen=True)
class JurisdictionResult:
    jurisdiction: Jurisdiction
    tier: TierResult | None
    classifications: tuple[ClassificationResult, ...]
    obligations: tuple[ObligationResult, ...]

    def shown_pinpoint(self, rule: Rule) -> str:
        """The rule's pinpoint as a reader sees it: where the jurisdiction's obligations cite
        several instruments (an act and its decree), prefixed with the instrument's short name,
        unless the pinpoint already begins with it ("GB 45438-2025 cl. 5")."""
        pinpoint = rule.citation.pinpoint
        if len({o.rule.citation.instrument for o in self.obligations}) < 2:
            return pinpoint
        instrument = self.jurisdiction.instruments.get(rule.citation.instrument)
        if instrument is None or pinpoint.startswith(instrument.short):
            return pinpoint
        return f"{instrument.short} {pinpoint}"

    def highlights(self) -> list[dict[str, Any]]:
        """The jurisdiction's highlighted classifications that hold for the system or a model, in
        the data's order (least to most significant)."""
        held = {c.id for c in self.classifications if c.truth.value == "true"}
        return [{"id": h.id, "label": h.label, "headline": h.headline}
                for h in self.jurisdiction.highlights or [] if h.classification in held]

    def to_json(self) -> dict[str, Any]:
        j = self.jurisdiction
        return {
            "code": j.code,
            "name": j.name,
            "rules_version": j.rules_version,
            "disclaimer": j.disclaimer,
            "tier": self.tier.to_json() if self.tier else None,
            "highlights": self.highlights(),
            "classifications": [c.to_json() for c in self.classifications],
            "obligations": [o.to_json() for o in self.obligations],
        }


@dataclass(frozen=True)
class Assessment:
    descriptor: Descriptor
    as_of: dt.date
    rules_digest: str
    jurisdictions: tuple[JurisdictionResult, ...]
    selection: tuple[tuple[str, bool, str], ...] = ()
    pending: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """Jurisdictions selected only because a selection condition is unknown, with the facts
    that decide it (e.g. whether the output is used in the EU)."""

    def pending_on(self, code: str) -> tuple[str, ...]:
        return next((facts for c, facts in self.pending if c == code), ())

    def obligations(self) -> list[ObligationResult]:
        return [o for j in self.jurisdictions for o in j.obligations]

    def classifications(self) -> list[ClassificationResult]:
        return [c for j in self.jurisdictions for c in j.classifications]

    def blocking(self) -> list[JurisdictionResult]:
        """The jurisdictions whose law bars the system (a prohibited practice is classified as
        present): every output leads with them."""
        return [j for j in self.jurisdictions if j.tier is not None and j.tier.blocking]

    def deciding_facts(self, limit: int = DEFAULT_LIMIT) -> list[DecidingFact]:
        """The unstated facts that decide the most undetermined obligations, best first. The
        obligations of a jurisdiction whose reach is itself pending are left out: its own
        question (``pending``) comes first."""
        return deciding_facts(((o.id, o.missing) for o in self.undetermined()), limit)

    def undetermined(self) -> list[ObligationResult]:
        """Undetermined obligations, leaving out the jurisdictions whose reach is itself pending."""
        pending = {code for code, _facts in self.pending}
        return [o for j in self.jurisdictions if j.jurisdiction.code not in pending
                for o in j.obligations if o.verdict is Verdict.undetermined]

    def to_json(self) -> dict[str, Any]:
        system = self.descriptor.system
        return {
            "format_version": OUTPUT_FORMAT_VERSION,
            "tool": {"name": "compliance", "version": __version__},
            "notice": "Not legal advice. Verdicts follow from the stated facts and the rule data.",
            "as_of": self.as_of.isoformat(),
            "rules_digest": self.rules_digest,
            "system": {"id": system.id, "name": system.name, "version": system.version},
            "selection": [{"jurisdiction": code, "selected": chosen, "reason": reason,
                           **({"pending_on": list(self.pending_on(code))} if self.pending_on(code) else {})}
                          for code, chosen, reason in self.selection],
            "blocking": [{"jurisdiction": j.jurisdiction.code, "tier": j.tier.id, "label": j.tier.label,
                          "consequence": j.tier.blocking, "reasons": [_reason(s) for s in j.tier.steps],
                          "reasons_plain": _plain(j.tier.steps)}
                         for j in self.blocking() if j.tier is not None],
            "deciding_facts": [q.to_json() for q in self.deciding_facts()],
            "jurisdictions": [j.to_json() for j in self.jurisdictions],
        }
