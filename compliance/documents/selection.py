"""The document registry: which documents an audit pack can hold, and when each one is built.

Applicability is decided by the rule data, not here. Obligation rules carry ``documents:`` tags
(``annex_iv``, ``annex_iv.5``, ``annex_xi``, ...; see ``docs/rule-data.md``); a document is built
when at least one obligation tagged with it (or with one of its sections) has the verdict
``applies``, whether already in force or upcoming. The transparency report is always built; the
gap dashboard whenever the draft misses a fact (the pack builder adds its decision).

This module holds no article numbers that decide anything: the ``citation`` of a document spec
is only the heading printed on the cover.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Scope = Literal["system", "model"]


@dataclass(frozen=True)
class DocumentSpec:
    """One kind of document the pack can contain."""

    key: str
    """Tag used in rule data (``documents: [annex_iv]``) and in evidence ``sections``."""
    title: str
    """Title printed on the cover."""
    template: str
    """Template path, relative to a templates directory."""
    filename: str
    """Output file stem; model-scoped documents get ``-<model id>`` appended."""
    scope: Scope
    """``system``: one per pack; ``model``: one per model whose obligations carry the tag."""
    basis: str
    """Legal basis printed on the cover (display only)."""
    always: bool = False
    """Built whatever the obligations say (the transparency report)."""
    jurisdiction: str | None = None
    """Code of the jurisdiction whose law calls for the document (``None``: any). A document of a
    jurisdiction the assessment does not cover is left out of the pack's list altogether."""
    release_title: str | None = None
    """The title of the release renditions, where the draft's says it is a draft."""
    release: tuple[str, ...] = ()
    """Audiences that receive a clean release rendition (``build --release``): ``authority``
    (AI Office, national authorities, notified bodies), ``downstream`` (downstream providers,
    deployers, distributors), ``public`` (published). Empty: an internal working document."""
    from_gaps: bool = False
    """Not decided from the obligations: the pack builds it when the draft has a gap (the gap
    dashboard, :mod:`compliance.documents.context.gaps`)."""


TRANSPARENCY_REPORT = DocumentSpec(
    key="transparency_report",
    title="Transparency report",
    template="eu/ai_act/transparency_report.html.j2",
    filename="transparency-report",
    scope="system",
    basis="Summary of the obligations assessment",
    always=True,
)

GAP_DASHBOARD = DocumentSpec(
    key="gaps",
    title="Gap dashboard",
    template="base/gaps.html.j2",
    filename="gaps",
    scope="system",
    basis="Every fact the draft pack misses, listed once",
    from_gaps=True,
)

DOCUMENTS: tuple[DocumentSpec, ...] = (
    TRANSPARENCY_REPORT,
    DocumentSpec(
        key="annex_iv",
        title="Technical documentation of a high-risk AI system",
        template="eu/ai_act/annex_iv.html.j2",
        filename="annex-iv-technical-documentation",
        scope="system",
        basis="Art. 11(1) and Annex IV",
        jurisdiction="eu",
        release=("authority",),
    ),
    DocumentSpec(
        key="annex_v",
        title="EU declaration of conformity (draft for signature)",
        release_title="EU declaration of conformity",
        template="eu/ai_act/annex_v.html.j2",
        filename="annex-v-declaration-of-conformity",
        scope="system",
        basis="Art. 47 and Annex V",
        jurisdiction="eu",
        release=("authority", "downstream"),
    ),
    DocumentSpec(
        key="instructions_for_use",
        title="Instructions for use of a high-risk AI system",
        template="eu/ai_act/instructions_for_use.html.j2",
        filename="instructions-for-use",
        scope="system",
        basis="Art. 13(2)-(3)",
        jurisdiction="eu",
        release=("downstream", "authority"),
    ),
    DocumentSpec(
        key="post_market_monitoring_plan",
        title="Post-market monitoring plan",
        template="eu/ai_act/post_market_monitoring_plan.html.j2",
        filename="post-market-monitoring-plan",
        scope="system",
        basis="Art. 72(1)-(3); Annex IV(9)",
        jurisdiction="eu",
        release=("authority",),
    ),
    DocumentSpec(
        key="annex_viii",
        title="Registration data for the EU database",
        template="eu/ai_act/annex_viii.html.j2",
        filename="eu-database-registration",
        scope="system",
        basis="Art. 49 and Annex VIII",
        jurisdiction="eu",
        release=("authority",),
    ),
    DocumentSpec(
        key="fria",
        title="Fundamental rights impact assessment",
        template="eu/ai_act/fria.html.j2",
        filename="fria",
        scope="system",
        basis="Art. 27(1)(a)-(f)",
        jurisdiction="eu",
        release=("authority",),
    ),
    DocumentSpec(
        key="annex_xi",
        title="Technical documentation of a general-purpose AI model",
        template="eu/ai_act/annex_xi.html.j2",
        filename="annex-xi-model-documentation",
        scope="model",
        basis="Art. 53(1)(a) and Annex XI; GPAI Code of Practice, Model Documentation Form",
        jurisdiction="eu",
        release=("authority", "downstream"),
    ),
    DocumentSpec(
        key="annex_xii",
        title="Information for downstream providers",
        template="eu/ai_act/annex_xii.html.j2",
        filename="annex-xii-downstream-information",
        scope="model",
        basis="Art. 53(1)(b) and Annex XII",
        jurisdiction="eu",
        release=("downstream",),
    ),
    DocumentSpec(
        key="incident_log",
        title="Serious-incident log",
        template="eu/ai_act/incident_log.html.j2",
        filename="incident-log",
        scope="system",
        basis="Art. 73 (and Art. 26(5), Art. 55(1)(c) where they apply); other laws' reporting clocks",
        release=("authority",),
    ),
    DocumentSpec(
        key="training_summary",
        title="Public summary of training content",
        template="eu/ai_act/training_summary.html.j2",
        filename="training-content-summary",
        scope="model",
        basis="Art. 53(1)(d); AI Office template, C(2025) 5235 final",
        jurisdiction="eu",
        release=("public",),
    ),
    DocumentSpec(
        key="copyright_policy",
        title="Copyright policy",
        template="eu/ai_act/copyright_policy.html.j2",
        filename="copyright-policy",
        scope="model",
        basis="Art. 53(1)(c); GPAI Code of Practice, Copyright chapter",
        jurisdiction="eu",
        release=("authority", "public"),
    ),
    DocumentSpec(
        key="safety_security_report",
        title="Safety and Security Model Report (outline for the provider to complete)",
        release_title="Safety and Security Model Report",
        template="eu/ai_act/safety_security_report.html.j2",
        filename="safety-and-security-model-report",
        scope="model",
        basis=("Art. 55(1)(a)-(d); GPAI Code of Practice, Safety and Security chapter (Commitment 7),"
               " the Code's means of showing compliance with Art. 55"),
        jurisdiction="eu",
        release=("authority",),
    ),
    DocumentSpec(
        key="ca_frontier_ai_framework",
        title="Frontier AI framework",
        template="us_ca/sb53/frontier_ai_framework.html.j2",
        filename="ca-frontier-ai-framework",
        scope="system",
        basis="Cal. Bus. & Prof. Code § 22757.12(a), (b) and (f) (SB 53)",
        jurisdiction="us_ca",
        release=("public",),
    ),
    DocumentSpec(
        key="ca_transparency_report",
        title="Frontier model transparency report",
        template="us_ca/sb53/transparency_report.html.j2",
        filename="ca-frontier-model-transparency-report",
        scope="model",
        basis="Cal. Bus. & Prof. Code § 22757.12(c) and (f) (SB 53)",
        jurisdiction="us_ca",
        release=("public",),
    ),
    DocumentSpec(
        key="ca_training_data_documentation",
        title="Training data documentation of a generative AI system",
        template="us_ca/ab2013/training_data_documentation.html.j2",
        filename="ca-training-data-documentation",
        scope="system",
        basis="Cal. Civ. Code § 3111 (AB 2013)",
        jurisdiction="us_ca",
        release=("public",),
    ),
    DocumentSpec(
        key="kr_labelling_notice",
        title="AI notice and labelling statement (Korea)",
        template="kr/ai_basic_act/labelling_notice.html.j2",
        filename="kr-ai-labelling-notice",
        scope="system",
        basis="AI Basic Act Art. 31(1)-(3); Enforcement Decree Art. 23",
        jurisdiction="kr",
        release=("public",),
    ),
    DocumentSpec(
        key="cn_labelling_notice",
        title="AI-generated content labelling statement (China)",
        template="cn/labelling_measures/labelling_notice.html.j2",
        filename="cn-ai-content-labelling-notice",
        scope="system",
        basis="Labelling Measures Arts 4, 5 and 8; GB 45438-2025; Interim Measures Art. 12",
        jurisdiction="cn",
        release=("public",),
    ),
    GAP_DASHBOARD,
)

BY_KEY: Mapping[str, DocumentSpec] = {spec.key: spec for spec in DOCUMENTS}


def tag_document(tag: str) -> str:
    """``annex_iv.2.g`` -> ``annex_iv``."""
    return tag.split(".", 1)[0]


def tag_matches(tag: str, key: str) -> bool:
    """Whether a ``documents:`` tag refers to document ``key`` or one of its sections."""
    return tag == key or tag.startswith(key + ".")


@dataclass(frozen=True)
class Decision:
    """Whether one document is in the pack, and why."""

    spec: DocumentSpec
    subject: str
    """``system`` or ``model:<id>``."""
    present: bool
    reason: str
    """One sentence for the pack index."""
    obligations: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    """The obligations tagged with this document (for this subject), in engine order."""

    @property
    def model_id(self) -> str | None:
        return self.subject.split(":", 1)[1] if self.subject.startswith("model:") else None

    @property
    def stem(self) -> str:
        model = self.model_id
        return f"{self.spec.filename}-{model}" if model else self.spec.filename

    @property
    def applying(self) -> tuple[dict[str, Any], ...]:
        return tuple(o for o in self.obligations if o.get("verdict") == "applies")


def all_obligations(assessment: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [o for j in assessment.get("jurisdictions", []) for o in j.get("obligations", [])]


def _subjects(assessment: Mapping[str, Any], descriptor_models: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {f"model:{m}": None for m in descriptor_models}
    for ob in all_obligations(assessment):
        subject = ob.get("subject") or "system"
        if subject.startswith("model:"):
            seen.setdefault(subject, None)
    return list(seen)


def _cite_list(citations: Iterable[str], limit: int = 4) -> str:
    unique = list(dict.fromkeys(citations))
    if len(unique) <= limit:
        return ", ".join(unique)
    return f"{', '.join(unique[:limit])} and {len(unique) - limit} more"


def _describe(ob: Mapping[str, Any]) -> str:
    status = ob.get("status")
    when = ob.get("applies_from")
    if status == "upcoming" and when:
        return f"{ob['citation']} (applies from {when})"
    return f"{ob['citation']}"


def decide(
    assessment: Mapping[str, Any], descriptor_models: Iterable[str] = ()
) -> list[Decision]:
    """Decide, for every registered document and subject, whether it goes into the pack."""
    obligations = all_obligations(assessment)
    decisions: list[Decision] = []
    model_subjects = _subjects(assessment, descriptor_models)
    assessed = {j.get("code") for j in assessment.get("jurisdictions", [])}
    for spec in DOCUMENTS:
        if spec.from_gaps or (spec.jurisdiction is not None and spec.jurisdiction not in assessed):
            continue
        subjects = ["system"] if spec.scope == "system" else model_subjects
        if spec.scope == "model" and not subjects:
            decisions.append(
                Decision(spec, "system", False, "The descriptor lists no AI models.")
            )
            continue
        for subject in subjects:
            tagged = tuple(
                ob
                for ob in obligations
                # a system document serves its models' duties too (Art. 55(1)(c) serious
                # incidents of a model go into the system's incident log)
                if (spec.scope == "system" or (ob.get("subject") or "system") == subject)
                and any(tag_matches(t, spec.key) for t in ob.get("documents") or [])
            )
            applying = [ob for ob in tagged if ob.get("verdict") == "applies"]
            if spec.always:
                decisions.append(
                    Decision(spec, subject, True, "Always included: summarises the assessment.",
                             tagged)
                )
            elif applying:
                cites = _cite_list(_describe(ob) for ob in applying)
                decisions.append(
                    Decision(spec, subject, True, f"Required by {cites}.", tagged)
                )
            else:
                undetermined = [ob for ob in tagged if ob.get("verdict") == "undetermined"]
                if undetermined:
                    facts = sorted({f for ob in undetermined for f in ob.get("missing_facts", [])})
                    cites = _cite_list(ob["citation"] for ob in undetermined)
                    reason = (
                        f"Not built: {cites} undetermined"
                        + (f" (missing: {', '.join(facts)})." if facts else ".")
                    )
                elif tagged:
                    cites = _cite_list(ob["citation"] for ob in tagged)
                    reason = f"Not built: no obligation that calls for it applies ({cites})."
                else:
                    reason = "Not built: no obligation of the rule set calls for it."
                decisions.append(Decision(spec, subject, False, reason, tagged))
    return decisions
