"""Licence findings for ``compliance validate`` (warnings), read against the licence catalogue.

These are licence-permission checks, not AI Act rules: a licence that excludes the EU while the
system is offered there, a fine-tune published under terms its base licence does not allow, a
missing "Built with ..." notice or name prefix, and a user count near a licence's threshold.
The licence facts come from the catalogue data; nothing here names a licence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from compliance.descriptor.model import AIModel, Descriptor, Origin
from compliance.descriptor.problems import Problem, Severity, dotted
from compliance.descriptor.yamlio import Located
from compliance.law.licences import Catalogue
from compliance.law.models.licence import Derivatives, LicenceEntry

# A stated user count within this fraction below a licence threshold is worth a warning.
THRESHOLD_MARGIN = 0.20
_TEXT_ONLY = {"text", "code"}

LICENCE_CHECKS = {
    "licence-unknown": "A licence id that is not in the catalogue but close to one that is (a likely typo).",
    "licence-territory": "A licence that excludes the EU while the system is offered there or the organisation is established there.",
    "licence-derivative": "A modified model published under terms its base model's licence does not allow.",
    "licence-attribution": "A 'Built with ...' notice or model-name prefix the upstream licence requires is missing.",
    "licence-threshold": "Stated monthly active users at or within 20% of a licence's user threshold.",
}


def _norm(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", text).strip().lower()


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _upstream(model: AIModel, index: int) -> list[tuple[tuple[str | int, ...], str]]:
    """Licences under which the organisation is a licensee: the base model's, and the model's
    own when the model comes from a third party."""
    out: list[tuple[tuple[str | int, ...], str]] = []
    if model.base_model and model.base_model.licence:
        out.append((("models", index, "base_model", "licence", "id"), model.base_model.licence.id))
    if model.licence and model.origin in (Origin.third_party, Origin.modified_third_party):
        out.append((("models", index, "licence", "id"), model.licence.id))
    return out


class _Run:
    def __init__(self, descriptor: Descriptor, located: Located, file: str, catalogue: Catalogue) -> None:
        self.d, self.located, self.file, self.cat = descriptor, located, file, catalogue

    def problem(self, path: tuple[str | int, ...], check: str, message: str, hint: str) -> Problem:
        mark = self.located.mark_for(path)
        return Problem(self.file, mark.line, mark.column, Severity.warning, check, message, hint, dotted(path))

    # ------------------------------------------------------------------ checks
    def unknown(self, index: int, model: AIModel) -> Iterator[Problem]:
        spots: list[tuple[tuple[str | int, ...], str]] = []
        if model.licence:
            spots.append((("models", index, "licence", "id"), model.licence.id))
        if model.base_model and model.base_model.licence:
            spots.append((("models", index, "base_model", "licence", "id"), model.base_model.licence.id))
        for path, ident in spots:
            if self.cat.lookup(ident) is None:
                # custom LicenseRef- ids are legitimate; flag them only when they differ from a
                # catalogue spelling by punctuation or case alone
                if ident.lower().startswith("licenseref-"):
                    squashed = _squash(ident)
                    close = sorted({v for k, v in self.cat.index.items() if _squash(k) == squashed})
                else:
                    close = self.cat.suggest(ident, 1)
                if close:
                    yield self.problem(path, "licence-unknown",
                                       f"licence {ident!r} is not in the licence catalogue",
                                       f"did you mean {close[0]!r}? (a custom licence is fine: "
                                       "state licence.ai_act_foss with your own assessment)")

    def territory(self, index: int, model: AIModel) -> Iterator[Problem]:
        markets = self.d.system.markets
        country = self.d.organisation.country
        modalities = set(m.value for m in (model.input_modalities or []) + (model.output_modalities or []))
        text_only = bool(modalities) and modalities <= _TEXT_ONLY
        for path, ident in _upstream(model, index):
            entry = self.cat.lookup(ident)
            if entry is None:
                continue
            for excl in entry.terms.territorial_exclusions:
                if excl.models == "multimodal" and text_only:
                    continue
                offered = markets is not None and excl.region in markets
                established = country in excl.countries if country else None
                scope = "" if excl.models == "all" else f" for its {excl.models} models"
                if excl.excludes == "use_in_territory":
                    if offered or established:
                        yield self.problem(path, "licence-territory",
                            f"{entry.name} grants no rights in the {excl.region}{scope}, but the "
                            f"system is {'offered' if offered else 'operated by an organisation established'} there",
                            f"the licence does not cover use in the {excl.region}: use another model or "
                            "obtain a licence that does")
                elif established or (established is None and offered):
                    cond = "" if established else " if your organisation is established there (organisation.country is not stated)"
                    yield self.problem(path, "licence-territory",
                        f"{entry.name} grants no rights{scope} to licensees domiciled or with their "
                        f"principal place of business in the {excl.region}{cond}",
                        ("end users of a product built on the model are not affected, but an "
                         f"{excl.region}-established provider or deployer needs other terms") if excl.end_users_exempt
                        else "obtain other terms or use another model")

    def derivative(self, index: int, model: AIModel) -> Iterator[Problem]:
        if not (model.base_model and model.base_model.licence and model.licence):
            return
        base = self.cat.lookup(model.base_model.licence.id)
        own = self.cat.lookup(model.licence.id)
        if base is None or own is base:
            return
        path = ("models", index, "licence", "id")
        rule = base.terms.derivatives
        if rule is Derivatives.not_allowed:
            yield self.problem(path, "licence-derivative",
                f"the base model's licence {base.id} does not allow distributing modified versions",
                "do not publish the modified model, or obtain other terms from the base model's licensor")
        elif rule is Derivatives.same_licence:
            yield self.problem(path, "licence-derivative",
                f"the base model's licence {base.id} requires derivatives to stay under it, but the "
                f"model is published under {model.licence.id}",
                f"publish the model under {base.id} (with its notices and use policy), or state the "
                "licence that actually governs it")
        elif rule is Derivatives.keep_restrictions and own is not None and _drops_restrictions(base, own):
            yield self.problem(path, "licence-derivative",
                f"the base model's licence {base.id} requires its restrictions to be passed on, but "
                f"{own.id} does not carry them",
                f"include {base.id}'s use restrictions (and non-commercial condition, if any) as an "
                "enforceable part of the model's licence")

    def attribution(self, index: int, model: AIModel) -> Iterator[Problem]:
        derived = model.origin is Origin.modified_third_party or model.base_model is not None
        for path, ident in _upstream(model, index):
            entry = self.cat.lookup(ident)
            if entry is None:
                continue
            notice = entry.terms.built_with_notice
            if notice:
                shown = model.attribution_notices
                if shown is None:
                    yield self.problem(path, "licence-attribution",
                        f"{entry.name} requires products built on the model to display \"{notice}\"; "
                        "the descriptor does not say that it is displayed",
                        f"display \"{notice}\" and list it in models[].attribution_notices")
                elif not any(_norm(notice) in _norm(s) for s in shown):
                    yield self.problem(("models", index, "attribution_notices"), "licence-attribution",
                        f"{entry.name} requires \"{notice}\", which is not among the stated attribution notices",
                        f"add \"{notice}\" where the product or model is presented")
            prefix = entry.terms.name_prefix
            if prefix and derived and model.name and not _norm(model.name).startswith(_norm(prefix)):
                yield self.problem(("models", index, "name"), "licence-attribution",
                    f"{entry.name} requires models built with it that are distributed or made "
                    f"available to have names beginning with \"{prefix}\"; this one is {model.name!r}",
                    f"rename the model to start with \"{prefix}\" (e.g. \"{prefix} {model.name}\")")

    def threshold(self, index: int, model: AIModel) -> Iterator[Problem]:
        users = model.monthly_active_users
        if users is None:
            return
        for path, ident in _upstream(model, index):
            entry = self.cat.lookup(ident)
            limit = entry.terms.user_threshold if entry else None
            if entry is None or limit is None or users < limit.value * (1 - THRESHOLD_MARGIN):
                continue
            where = "exceed" if users > limit.value else "are close to"
            yield self.problem(path, "licence-threshold",
                f"{users:,} monthly active users {where} the {limit.value:,} threshold of {entry.name} "
                f"({limit.counted_for.strip()})",
                f"{limit.effect.strip()} Plan for it before the threshold is crossed.")


def _drops_restrictions(base: LicenceEntry, own: LicenceEntry) -> bool:
    if base.terms.use_restrictions != "none" and own.terms.use_restrictions == "none":
        return True
    return not base.terms.commercial_use and own.terms.commercial_use


def licence_findings(descriptor: Descriptor, located: Located, file: str, catalogue: Catalogue) -> list[Problem]:
    run = _Run(descriptor, located, file, catalogue)
    problems: list[Problem] = []
    for index, model in enumerate(descriptor.models or []):
        for fn in (run.unknown, run.territory, run.derivative, run.attribution, run.threshold):
            problems.extend(fn(index, model))
    return problems
