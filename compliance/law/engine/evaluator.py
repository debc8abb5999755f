"""Evaluate a rulebook for one descriptor and one as-of date. Pure: no I/O, no clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypedDict

from compliance.descriptor.model import Descriptor
from compliance.errors import RuleDataError
from compliance.law.engine.conditions import Context, Outcome, Step, Truth, evaluate, scoped_context
from compliance.law.engine.results import (
    Assessment,
    ClassificationResult,
    JurisdictionResult,
    ObligationResult,
    Status,
    TierResult,
    Verdict,
)
from compliance.law.engine.wording import finding
from compliance.law.facts import fact_view
from compliance.law.models.rule import Arm, Kind, Scope
from compliance.law.rulebook import LoadedRule, Rulebook

Bindings = Mapping[str, Any]


class _ResultBase(TypedDict):
    """The fields every ObligationResult of one rule instance shares, whatever the verdict."""

    id: str
    loaded: LoadedRule
    subject: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class Timing:
    """Which dated arm governs at the as-of date."""

    state: str  # in_force | upcoming | ended | none | unknown
    arm: Arm | None = None
    steps: tuple[Step, ...] = ()
    since: dt.date | None = None  # start of the unbroken run of active arms ending in ``arm``


def _not_before(arm: Arm, ctx: Context) -> dt.date | None:
    """The date selected by ``arm.not_before``, if any element matches."""
    selector = arm.not_before
    if selector is None:
        return None
    items, shown = ctx.resolve(selector.earliest)
    if not isinstance(items, list):
        return None
    dates = []
    for index, item in enumerate(items):
        label = item.get("id") if isinstance(item, dict) else None
        sub = Context(ctx.facts, ctx.as_of, ctx.classify, dict(ctx.bindings), item, f"{shown}[{label or index}]")
        if evaluate(selector.where, sub).truth is Truth.true and isinstance(item, dict):
            value = item.get(selector.field)
            if isinstance(value, str):
                value = dt.date.fromisoformat(value[:10])
            if isinstance(value, dt.date):
                dates.append(value)
    return min(dates) if dates else None


def timing(arms: list[Arm] | None, ctx: Context) -> Timing:
    if not arms:
        return Timing("in_force")
    as_of = ctx.as_of
    evaluated = [(arm, evaluate(arm.when, ctx)) for arm in arms]
    active = [(a, o) for a, o in evaluated if o.truth is Truth.true]
    unknown = [(a, o) for a, o in evaluated if o.truth is Truth.unknown]
    starts = {id(a): max(a.from_, _not_before(a, ctx) or a.from_) for a, _ in active}
    for arm, outcome in active:
        start = starts[id(arm)]
        if start <= as_of and (arm.until is None or as_of < arm.until):
            since = start if start != arm.from_ else _since(arm, [a for a, _ in active])
            return Timing("in_force", arm, outcome.steps, since)
    upcoming = sorted((p for p in active if starts[id(p[0])] > as_of), key=lambda p: starts[id(p[0])])
    open_unknown = [(a, o) for a, o in unknown if a.until is None or as_of < a.until]
    if upcoming:
        first = upcoming[0]
        if any(a.from_ <= starts[id(first[0])] for a, _ in open_unknown):
            return Timing("unknown", None, tuple(s for _, o in open_unknown for s in o.steps))
        return Timing("upcoming", first[0], first[1].steps, starts[id(first[0])])
    if open_unknown:
        return Timing("unknown", None, tuple(s for _, o in open_unknown for s in o.steps))
    if active:
        last = max(active, key=lambda p: p[0].until or dt.date.max)
        return Timing("ended", last[0], last[1].steps)
    return Timing("none", None, tuple(s for _, o in evaluated for s in o.steps))


def _since(arm: Arm, active: list[Arm]) -> dt.date:
    """An obligation whose wording changed (one arm ends the day the next begins) has applied
    without a break since the first arm of the run."""
    start = arm.from_
    while True:
        previous = [a for a in active if a.until == start]
        if not previous:
            return start
        start = min(a.from_ for a in previous)


@dataclass
class _Evaluator:
    book: Rulebook
    facts: dict[str, Any]
    as_of: dt.date
    memo: dict[tuple[str, str], ClassificationResult] = field(default_factory=dict)
    active: set[tuple[str, str]] = field(default_factory=set)
    role_memo: dict[tuple[tuple[str, ...], str | None], tuple[Outcome, tuple[str, ...]]] = field(default_factory=dict)
    explain: bool = True
    outcomes: dict[int, Outcome] = field(default_factory=dict)
    system_context: Context | None = None

    def context(self, bindings: Bindings) -> Context:
        if not bindings:  # system scope: one context serves every rule (nothing ever changes it)
            if self.system_context is None:
                self.system_context = scoped_context(self.facts, self.as_of, self.classify, {}, explain=self.explain)
            return self.system_context
        return scoped_context(self.facts, self.as_of, self.classify, bindings, explain=self.explain)

    # ----------------------------------------------------------------- classifications
    def classify(self, rule_id: str, bindings: Bindings) -> Outcome:
        result = self.classification(rule_id, bindings)
        outcome = self.outcomes.get(id(result))
        if outcome is None:  # one Outcome per classification result (results live in self.memo)
            outcome = self.outcomes[id(result)] = Outcome(result.truth, tuple(result.steps),
                                                          result.rule.label or result.rule.title)
        return outcome

    def classification(self, rule_id: str, bindings: Bindings) -> ClassificationResult:
        loaded = self.book.rules.get(rule_id)
        if loaded is None or loaded.rule.kind is not Kind.classification:
            raise RuleDataError(f"unknown classification {rule_id!r}")
        if loaded.rule.scope is Scope.system:
            known = self.memo.get((rule_id, "system"))
            if known is not None:
                return known
        subject, own = _subject(loaded.rule.scope, bindings)
        key = (rule_id, subject)
        if key in self.memo:
            return self.memo[key]
        if key in self.active:
            raise RuleDataError(f"classification cycle through {rule_id}")
        self.active.add(key)
        try:
            result = self._classify(loaded, subject, own)
        finally:
            self.active.discard(key)
        self.memo[key] = result
        return result

    def _classify(self, loaded: LoadedRule, subject: str, bindings: Bindings) -> ClassificationResult:
        rule = loaded.rule
        ctx = self.context(bindings)
        outcome = evaluate(rule.condition, ctx)
        truth, steps, start, upcoming = outcome.truth, list(outcome.steps), None, None
        if truth is Truth.true and rule.effective:
            when = timing(rule.effective, ctx)
            if when.state == "in_force":
                start = when.arm.from_ if when.arm else None
            elif when.state == "upcoming":
                truth, upcoming = Truth.false, when.arm.from_ if when.arm else None
                effect = f"takes effect on {upcoming} ({when.arm.basis if when.arm else ''})"
                steps.append(Step(effect, Truth.false, sentence=finding(f"it {effect}")))
            elif when.state == "unknown":
                truth = Truth.unknown
                steps.extend(when.steps)
            else:
                truth = Truth.false
                steps.append(Step("not in effect at the as-of date", Truth.false,
                                  sentence="It is not in effect at the as-of date."))
        return ClassificationResult(
            id=loaded.id, rule=rule, subject=subject, truth=truth, steps=tuple(steps),
            effective_from=start, upcoming_from=upcoming,
        )

    # ----------------------------------------------------------------- roles
    def roles(self, addressees: list[str], bindings: Bindings,
              jurisdiction: str | None = None) -> tuple[Outcome, tuple[str, ...]]:
        """Whether the organisation holds one of ``addressees`` (stated, or granted by a
        classification such as an Art. 25-style shift), and which it holds. A role granted by
        one jurisdiction's law counts only for that jurisdiction's obligations. Only
        system-scoped grants count, so the answer is the same for every subject: computed once
        per set of addressees."""
        key = (tuple(addressees), jurisdiction)
        known = self.role_memo.get(key)
        if known is None:
            known = self.role_memo[key] = self._roles(addressees, bindings, jurisdiction)
        return known

    def _roles(self, addressees: list[str], bindings: Bindings,
               jurisdiction: str | None) -> tuple[Outcome, tuple[str, ...]]:
        stated = self.facts.get("organisation", {}).get("roles")
        held = sorted(set(addressees) & set(stated or []))
        steps: list[Step] = []
        if held:
            steps.append(Step(f"organisation holds role {', '.join(held)}", Truth.true, fact="organisation.roles",
                              sentence=f"The organisation holds the role of {_roles_text(held, 'and')}."))
        granted_unknown: list[Step] = []
        any_unknown = False  # (not the steps: a run without explanations has none)
        for loaded in self.book.role_grants():
            role = loaded.rule.grants_role
            if jurisdiction is not None and loaded.jurisdiction != jurisdiction:
                continue
            if role in addressees and role not in held and loaded.rule.scope is Scope.system:
                result = self.classification(loaded.id, bindings)
                if result.truth is Truth.true:
                    held.append(role)
                    became = f"organisation becomes {role} ({loaded.rule.citation.pinpoint}: {loaded.rule.title})"
                    steps.append(Step(became, Truth.true, classification=loaded.id,
                                      sentence=finding(f"the {became.replace('_', ' ')}")))
                elif result.truth is Truth.unknown:
                    granted_unknown.extend(result.steps)
                    any_unknown = True
        if held:
            return Outcome(Truth.true, tuple(steps)), tuple(sorted(set(held)))
        if stated is None:
            return Outcome(Truth.unknown, (Step("organisation.roles is not stated", Truth.unknown,
                                                fact="organisation.roles", missing=("organisation.roles",),
                                                sentence="organisation.roles is not stated."),)), ()
        if any_unknown:
            return Outcome(Truth.unknown, tuple(granted_unknown)), ()
        # the test ("holds role X") is false: worded as the test, like every other step
        return Outcome(Truth.false, (Step(
            f"organisation holds role {' or '.join(addressees)}", Truth.false, fact="organisation.roles",
            sentence=f"The organisation does not hold the role of {_roles_text(addressees, 'or')}."),)), ()

    # ----------------------------------------------------------------- obligations
    def obligation(self, loaded: LoadedRule, bindings: Bindings) -> ObligationResult:
        rule = loaded.rule
        subject, own = _subject(rule.scope, bindings)
        ctx = self.context(own)
        role, held = self.roles(rule.addressees or [], own, loaded.jurisdiction)
        base: _ResultBase = {"id": _instance_id(loaded.id, subject), "loaded": loaded, "subject": subject,
                             "roles": held}
        if role.truth is Truth.false:
            return ObligationResult(**base, verdict=Verdict.does_not_apply, steps=role.steps)
        cond = evaluate(rule.condition, ctx)
        if cond.truth is Truth.false:
            return ObligationResult(**base, verdict=Verdict.does_not_apply, steps=cond.steps)
        when = timing(rule.effective, ctx)
        if when.state == "ended":
            ceased = f"ceased to apply on {when.arm.until if when.arm else '?'}"
            note = Step(ceased, Truth.false, sentence=finding(f"it {ceased}"))
            return ObligationResult(**base, verdict=Verdict.does_not_apply, arm=when.arm, steps=(*when.steps, note))
        if when.state == "none":
            # no dated arm can be active, whatever the missing facts are
            note = Step("none of the dated conditions of this provision is met", Truth.false,
                        sentence="None of the dated conditions of this provision is met.")
            return ObligationResult(**base, verdict=Verdict.does_not_apply, steps=(*when.steps, note))
        unknown = [o for o in (role, cond) if o.truth is Truth.unknown]
        if unknown or when.state == "unknown":
            steps = tuple(s for o in unknown for s in o.steps) + (when.steps if when.state == "unknown" else ())
            return ObligationResult(**base, verdict=Verdict.undetermined, steps=steps)
        steps = (*role.steps, *cond.steps, *when.steps)
        status = Status.in_force if when.state == "in_force" else Status.upcoming
        return ObligationResult(**base, verdict=Verdict.applies, status=status, arm=when.arm, steps=steps,
                                since=when.since)


def _subject(scope: Scope, bindings: Bindings) -> tuple[str, dict[str, Any]]:
    """The subject key for a rule of ``scope`` and the bindings that rule sees."""
    if scope is Scope.system:
        return "system", {}
    name = "model" if scope is Scope.model else "use_case"
    if name not in bindings:
        raise RuleDataError(f"a {scope.value}-scoped rule was used outside a {name} context")
    item, _shown = bindings[name]
    return f"{name}:{item.get('id')}", {name: bindings[name]}


def _instance_id(rule_id: str, subject: str) -> str:
    return rule_id if subject == "system" else f"{rule_id}@{subject.split(':', 1)[1]}"


def _subject_bindings(scope: Scope, facts: dict[str, Any]) -> list[dict[str, Any]]:
    if scope is Scope.system:
        return [{}]
    if scope is Scope.model:
        return [{"model": (m, f"models[{m['id']}]")} for m in facts.get("models") or []]
    cases = (facts.get("system") or {}).get("use_cases") or []
    return [{"use_case": (u, f"system.use_cases[{u['id']}]")} for u in cases]


def _tier(ev: _Evaluator, code: str) -> TierResult | None:
    tiers = ev.book.jurisdictions[code].tiers
    if not tiers:
        return None
    caveats: list[str] = []
    for tier in tiers:
        outcome = evaluate(tier.when, ev.context({}))
        if outcome.truth is Truth.true:
            if tier.when is None and caveats:
                # the fallback tier is only a conclusion when every other tier is ruled out
                return TierResult("undetermined", f"Undetermined (otherwise: {tier.label})", (), tuple(caveats))
            # a certain tier is reported; a more severe one that could not be ruled out is a caveat
            steps = tuple(outcome.steps)
            if tier.blocking:  # say which practice: the tests that made the barring classification hold
                steps += tuple(s for step in outcome.steps if step.classification
                               for s in ev.classification(step.classification, {}).steps if s.truth is Truth.true)
            return TierResult(tier.id, tier.label, steps, tuple(caveats), tier.blocking)
        if outcome.truth is Truth.unknown:
            caveats.append(f"{tier.label}: undetermined ({', '.join(outcome.missing) or 'missing facts'})")
    return TierResult("undetermined", "Undetermined", (), tuple(caveats))


@dataclass(frozen=True)
class Selection:
    code: str
    selected: bool
    reason: str
    pending: tuple[str, ...] = ()
    """Selected only because a selection condition is unknown: the facts that decide whether
    the jurisdiction's law reaches the system at all."""


def select_jurisdictions(descriptor: Descriptor, book: Rulebook, as_of: dt.date) -> list[Selection]:
    """Which jurisdictions the descriptor's markets (or a jurisdiction's own selection condition)
    bring in. Unknown markets select everything: nothing is ruled out on a missing fact."""
    facts = fact_view(descriptor, book.licences)
    markets = (facts.get("system") or {}).get("markets")
    ev = _Evaluator(book, facts, as_of)
    out = []
    for code in sorted(book.jurisdictions):
        j = book.jurisdictions[code]
        if markets is None:
            out.append(Selection(code, True, "system.markets is not stated"))
            continue
        hit = sorted(set(markets) & set(j.markets))
        if hit:
            out.append(Selection(code, True, f"offered in {', '.join(hit)}"))
            continue
        extra = evaluate(j.also_selected_when, ev.context({})) if j.also_selected_when else None
        if extra is not None and extra.truth is not Truth.false:
            why = "; ".join(s.text for s in extra.steps) or "selection condition"
            pending = extra.missing if extra.truth is Truth.unknown else ()
            out.append(Selection(code, True, f"{why} ({extra.truth.value})", pending))
        else:
            out.append(Selection(code, False, f"not offered in {', '.join(j.markets)}"))
    return out


def assess_selected(descriptor: Descriptor, book: Rulebook, as_of: dt.date, *, explain: bool = True) -> Assessment:
    """Assess the jurisdictions the descriptor's markets select, recording why."""
    selection = select_jurisdictions(descriptor, book, as_of)
    return assess(descriptor, book, as_of, [s.code for s in selection if s.selected], selection=selection,
                  explain=explain)


def assess(
    descriptor: Descriptor,
    book: Rulebook,
    as_of: dt.date,
    jurisdictions: list[str] | None = None,
    selection: list[Selection] | None = None,
    *,
    explain: bool = True,
) -> Assessment:
    """Evaluate every rule of the given jurisdictions (all when None) for ``descriptor`` at
    ``as_of``; ``selection`` records why each jurisdiction was or was not chosen.

    ``explain=False`` gives the same verdicts, dates, tiers and classification values without
    the steps that explain them (no reasons, no missing facts, tier caveats without the facts):
    for callers that only count, such as ``status``."""
    facts = fact_view(descriptor, book.licences)
    ev = _Evaluator(book, facts, as_of, explain=explain)
    results = []
    for code in sorted(book.jurisdictions):
        if jurisdictions is not None and code not in jurisdictions:
            continue
        rules = sorted((r for r in book.rules.values() if r.jurisdiction == code), key=lambda r: r.id)
        classifications = [
            ev.classification(r.id, b)
            for r in rules if r.rule.kind is Kind.classification
            for b in _subject_bindings(r.rule.scope, facts)
        ]
        obligations = [
            ev.obligation(r, b)
            for r in rules if r.rule.kind is Kind.obligation
            for b in _subject_bindings(r.rule.scope, facts)
        ]
        results.append(
            JurisdictionResult(
                jurisdiction=book.jurisdictions[code],
                tier=_tier(ev, code),
                classifications=tuple(classifications),
                obligations=tuple(obligations),
            )
        )
    return Assessment(descriptor=descriptor, as_of=as_of, rules_digest=book.digest, jurisdictions=tuple(results),
                      selection=tuple((s.code, s.selected, s.reason) for s in selection or ()),
                      pending=tuple((s.code, s.pending) for s in selection or () if s.pending))


__all__ = ["assess", "assess_selected", "select_jurisdictions", "timing"]


def _roles_text(roles: list[str], joiner: str) -> str:
    """ "provider or product manufacturer": role names as words."""
    names = [r.replace("_", " ") for r in roles]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {joiner} {names[-1]}"
