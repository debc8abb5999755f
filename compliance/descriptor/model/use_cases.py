"""Use cases of the system and their classification facts: Annex III points and Annex I
products (with the derogation claim), settings of use, consequential-decision domains of US
state laws and the high-impact domains of Korea's AI Basic Act."""

from __future__ import annotations

from enum import Enum

from pydantic import StrictBool

from compliance.descriptor.model.common import (
    AnnexIEntry,
    AnnexPoint,
    Identifier,
    NonEmptyText,
    _Model,
)


class Setting(str, Enum):
    workplace = "workplace"
    education = "education"
    publicly_accessible_space = "publicly_accessible_space"
    law_enforcement = "law_enforcement"
    migration_asylum_border = "migration_asylum_border"
    justice = "justice"
    healthcare = "healthcare"
    critical_infrastructure = "critical_infrastructure"
    consumer = "consumer"
    other = "other"


class DerogationCondition(str, Enum):
    a = "a"
    b = "b"
    c = "c"
    d = "d"


class Derogation(_Model):
    """A claim that an Annex III use case is not high-risk (the derogation for narrow tasks)."""

    claimed: StrictBool
    """Whether the provider claims the derogation."""
    conditions: list[DerogationCondition] | None = None
    """The condition(s) (a)-(d) relied on."""
    no_significant_risk: StrictBool | None = None
    """The provider assessed that the system poses no significant risk of harm to health,
    safety or fundamental rights."""
    assessment_documented: StrictBool | None = None
    """The assessment is documented before placing on the market or putting into service."""


class AnnexIProduct(_Model):
    """The product-safety route to high risk: Union harmonisation legislation."""

    legislation: AnnexIEntry
    """Entry of the harmonisation legislation in canonical form: section and point, e.g. A(11)
    for medical devices or B(21) for machinery."""
    is_product: StrictBool | None = None
    """The AI system is itself the product covered by that legislation (e.g. software that is
    a medical device), as opposed to a component of a product (Art. 6(1)(a), second limb)."""
    safety_component: StrictBool | None = None
    """The AI system is intended to be used as a safety component of the product (Art. 6(1)(a),
    first limb; Art. 3(14) as amended). For a system that is itself the product, state
    is_product instead."""
    solely_non_safety_function: StrictBool | None = None
    """Used solely for non-safety aspects (user assistance, performance optimisation, service
    efficiency, automation, convenience or quality control)."""
    failure_endangers_health_or_safety: StrictBool | None = None
    """Failure or malfunction of the AI system would endanger health and safety."""
    third_party_conformity_assessment: StrictBool | None = None
    """The product must undergo third-party conformity assessment under that legislation."""
    third_party_assessment_only_for_non_safety_risks: StrictBool | None = None
    """Third-party assessment is required only for risks other than health and safety (e.g.
    radio spectrum, electromagnetic compatibility)."""


class HighImpactDomain(str, Enum):
    """Areas of use of Korea's AI Basic Act Art. 2(4), points (a) to (k)."""

    energy_supply = "energy_supply"
    drinking_water_production = "drinking_water_production"
    health_care = "health_care"
    medical_devices = "medical_devices"
    nuclear_safety = "nuclear_safety"
    biometric_analysis_for_criminal_investigation = "biometric_analysis_for_criminal_investigation"
    significant_rights_decisions = "significant_rights_decisions"
    transport_operation = "transport_operation"
    public_service_decisions = "public_service_decisions"
    student_assessment = "student_assessment"
    other_designated = "other_designated"


class ConsequentialDecisionDomain(str, Enum):
    """Decision areas of US state automated-decision laws (e.g. Colorado)."""

    employment = "employment"
    education = "education"
    lending = "lending"
    housing = "housing"
    insurance = "insurance"
    healthcare = "healthcare"
    legal_services = "legal_services"
    essential_government_services = "essential_government_services"


class UseCase(_Model):
    id: Identifier
    """Stable identifier of the use case within this descriptor."""
    description: NonEmptyText | None = None
    """What the system is used for in this use case."""
    annex_iii: list[AnnexPoint] | None = None
    """Annex III points this use case falls under, in canonical form (e.g. "4(a)"); [] when
    none apply."""
    annex_i: list[AnnexIProduct] | None = None
    """Products under Union harmonisation legislation (Annex I) this system is, or is a safety
    component of; [] when none."""
    settings: list[Setting] | None = None
    """Where the system is used: workplace, education, publicly_accessible_space,
    law_enforcement, migration_asylum_border, justice, healthcare, critical_infrastructure,
    consumer, other."""
    profiling: StrictBool | None = None
    """The system performs profiling of natural persons (GDPR Art. 4(4) sense)."""
    decisions_about_natural_persons: StrictBool | None = None
    """The system makes or assists decisions related to natural persons."""
    decisions_with_legal_or_similar_effects: StrictBool | None = None
    """Those decisions produce legal effects or similarly significantly affect persons."""
    derogation: Derogation | None = None
    """A claim that the use case is not high-risk despite an Annex III listing."""
    deployer_controls_input_data: StrictBool | None = None
    """The deployer exercises control over the input data."""
    deployer_controls_logs: StrictBool | None = None
    """The logs automatically generated by the system are (at least in part) under the
    deployer's control."""
    dpia_required: StrictBool | None = None
    """A data protection impact assessment is required for this use (Art. 35 GDPR or Art. 27
    of Directive (EU) 2016/680)."""
    consequential_decision_domains: list[ConsequentialDecisionDomain] | None = None
    """Areas in which this use case makes or feeds decisions about an individual's access to,
    eligibility for, selection for or compensation in: employment, education, lending
    (financial or lending services), housing, insurance, healthcare (health-care services),
    legal_services, essential_government_services (incl. public benefits) ([] = none)."""
    materially_influences_consequential_decisions: StrictBool | None = None
    """The system's output makes, or materially influences (is a substantial factor in), the
    decisions in consequential_decision_domains; not when it only summarises, organises,
    translates or drafts information for a human who decides on other grounds."""
    nyc_hiring_or_promotion_tool: StrictBool | None = None
    """Used to substantially assist or replace discretionary decisions to screen candidates for
    hiring, or employees for promotion, for positions in New York City (an automated employment
    decision tool: its simplified output is relied on alone, weighted more than any other
    criterion, or used to overrule other conclusions)."""
    licensed_professional_services: StrictBool | None = None
    """Used in providing the services of an occupation that needs a state licence or
    certification (e.g. an occupation regulated by the Utah Department of Commerce)."""
    sensitive_data_or_personal_advice: StrictBool | None = None
    """The interaction collects sensitive personal information (health, financial or biometric
    data) or gives personalised financial, legal, medical or mental-health advice or
    recommendations that could reasonably be relied on for significant personal decisions."""
    high_impact_domains: list[HighImpactDomain] | None = None
    """Areas of use listed for "high-impact AI" in Korea's AI Basic Act (Art. 2(4)(a)-(k)):
    energy_supply, drinking_water_production, health_care, medical_devices, nuclear_safety,
    biometric_analysis_for_criminal_investigation, significant_rights_decisions (e.g. hiring,
    loan screening), transport_operation, public_service_decisions, student_assessment,
    other_designated ([] = none)."""
    significant_impact_on_life_safety_or_rights: StrictBool | None = None
    """In this use the system may significantly affect, or pose a risk to, human life,
    physical safety or fundamental rights (your own assessment)."""
