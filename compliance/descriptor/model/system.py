"""The AI system as a whole: markets, purpose, lifecycle and design changes, transparency and
biometric features, the prohibited-practice screening, third-party supplies, its use cases
(``use_cases``) and the deployer's fundamental rights impact assessment (``fria``)."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated, Literal

from pydantic import Field, StrictBool

from compliance.descriptor.model.common import (
    MAX_USE_CASES,
    Identifier,
    MarketCode,
    NonEmptyText,
    _Model,
)
from compliance.descriptor.model.fria import FundamentalRightsImpactAssessment
from compliance.descriptor.model.high_risk import (
    EuRegistration,
    InstructionsForUseContent,
    PostMarketMonitoring,
)
from compliance.descriptor.model.use_cases import UseCase


class Stage(str, Enum):
    research = "research"
    development = "development"
    real_world_testing = "real_world_testing"
    on_market = "on_market"
    withdrawn = "withdrawn"


class DesignChange(_Model):
    date: dt.date
    """Date the change was (or will be) made."""
    description: NonEmptyText
    """What changed."""
    significant: StrictBool | None = None
    """Whether it is a significant change in the system's design."""
    substantial_modification: StrictBool | None = None
    """Whether it is a substantial modification (a change not foreseen in the initial
    conformity assessment that affects compliance or the intended purpose)."""


class Lifecycle(_Model):
    stage: Stage | None = None
    """Where the system is in its lifecycle: research, development, real_world_testing,
    on_market or withdrawn."""
    eu_placed_on_market: dt.date | None = None
    """Date the system was first placed on the EU market (actual)."""
    eu_put_into_service: dt.date | None = None
    """Date the system was first put into service in the EU (actual)."""
    planned_eu_placement: dt.date | None = None
    """Planned date of first placing on the EU market or putting into service."""
    first_public_release: dt.date | None = None
    """Date the system was first released to members of the public (free or paid), in any
    market."""
    design_changes: list[DesignChange] | None = None
    """Changes to the system's design over its lifecycle, with dates."""
    intended_for_public_authorities: StrictBool | None = None
    """Whether the system is intended to be used by public authorities."""


class SyntheticContent(str, Enum):
    text = "text"
    image = "image"
    audio = "audio"
    video = "video"


class RemoteBiometricIdentification(str, Enum):
    none = "none"
    real_time = "real_time"
    post = "post"


class Features(_Model):
    """Transparency-relevant and biometric features of the system as a whole."""

    interacts_directly_with_natural_persons: StrictBool | None = None
    """The system is intended to interact directly with natural persons (e.g. a chatbot)."""
    interaction_obvious_from_context: StrictBool | None = None
    """It is obvious to a reasonably well-informed person that they interact with an AI system."""
    synthetic_content: list[SyntheticContent] | None = None
    """Kinds of synthetic content the system generates: text, image, audio, video ([] = none)."""
    assistive_editing_only: StrictBool | None = None
    """The system only performs an assistive function for standard editing, or does not
    substantially alter the input data or its semantics."""
    deep_fakes: StrictBool | None = None
    """The system is used to generate or manipulate image, audio or video content constituting
    a deep fake."""
    artistic_satirical_or_fictional_work: StrictBool | None = None
    """Deep-fake content forms part of an evidently artistic, creative, satirical or fictional
    work."""
    public_interest_text_publication: StrictBool | None = None
    """Generated or manipulated text is published to inform the public on matters of public
    interest."""
    human_editorial_control: StrictBool | None = None
    """Such text undergoes human review or editorial control and a person holds editorial
    responsibility for its publication."""
    emotion_recognition: StrictBool | None = None
    """The system identifies or infers emotions or intentions of natural persons from
    biometric data."""
    emotion_recognition_medical_or_safety: StrictBool | None = None
    """Emotion recognition is intended for medical or safety reasons."""
    biometric_categorisation: StrictBool | None = None
    """The system assigns natural persons to categories on the basis of biometric data."""
    biometric_categorisation_sensitive_attributes: StrictBool | None = None
    """Biometric categorisation deduces or infers race, political opinions, trade-union
    membership, religious or philosophical beliefs, sex life or sexual orientation."""
    remote_biometric_identification: RemoteBiometricIdentification | None = None
    """Remote biometric identification: none, real_time or post."""
    authorised_by_law_for_criminal_offences: StrictBool | None = None
    """Use is authorised by law to detect, prevent, investigate or prosecute criminal
    offences."""
    available_to_public_to_report_crime: StrictBool | None = None
    """The system (authorised by law for criminal offences) is available for the public to
    report a criminal offence."""


class ProhibitedPracticeScreening(_Model):
    """Answers to the prohibited-practice screening. Each answer is a judgement the organisation
    records; the engine does not infer these from keywords."""

    manipulative_techniques_causing_significant_harm: StrictBool | None = None
    """Deploys subliminal, purposefully manipulative or deceptive techniques that materially
    distort behaviour and cause or are reasonably likely to cause significant harm."""
    exploits_vulnerabilities_causing_significant_harm: StrictBool | None = None
    """Exploits vulnerabilities due to age, disability or a specific social or economic
    situation, materially distorting behaviour with significant harm."""
    social_scoring_with_detrimental_treatment: StrictBool | None = None
    """Evaluates or classifies persons over time by social behaviour or personal
    characteristics, with detrimental treatment in unrelated contexts or disproportionate to
    the behaviour."""
    crime_risk_assessment_solely_on_profiling: StrictBool | None = None
    """Assesses or predicts the risk of a person committing a criminal offence based solely on
    profiling or on personality traits and characteristics."""
    supports_human_assessment_on_objective_facts: StrictBool | None = None
    """The crime-risk assessment only supports a human assessment already based on objective,
    verifiable facts directly linked to a criminal activity."""
    untargeted_facial_image_scraping: StrictBool | None = None
    """Creates or expands facial-recognition databases through untargeted scraping of facial
    images from the internet or CCTV footage."""
    can_generate_non_consensual_intimate_imagery: StrictBool | None = None
    """Intimate or sexually explicit imagery of identifiable persons without consent is the
    intended purpose, or a reasonably foreseeable and reproducible outcome."""
    can_generate_child_sexual_abuse_material: StrictBool | None = None
    """Child sexual abuse material is the intended purpose, or a reasonably foreseeable and
    reproducible outcome."""
    reliable_safeguards_against_such_content: StrictBool | None = None
    """Reasonable, adequate technical and other safeguards reliably prevent such content."""
    used_to_produce_such_content: StrictBool | None = None
    """The deployer uses the system for the purpose of producing such content."""
    biometric_dataset_labelling_or_law_enforcement_only: StrictBool | None = None
    """Biometric categorisation is limited to labelling or filtering lawfully acquired
    biometric datasets, or to categorisation in the area of law enforcement."""
    realtime_rbi_law_enforcement_exception: (
        Literal["none", "victim_search", "imminent_threat", "suspect_localisation"] | None
    ) = None
    """For real-time remote biometric identification in publicly accessible spaces for law
    enforcement: the objective relied on, or none."""


class SupplyKind(str, Enum):
    ai_system = "ai_system"
    general_purpose_ai_model = "general_purpose_ai_model"
    ai_model = "ai_model"
    tool = "tool"
    service = "service"
    component = "component"
    process = "process"


class ThirdPartySupply(_Model):
    """Something a third party supplies that is used for or integrated in the system."""

    supplier: NonEmptyText | None = None
    """Who supplies it."""
    kind: SupplyKind | None = None
    """What is supplied: ai_system, general_purpose_ai_model, ai_model (any other AI model),
    tool, service, component or process."""
    public_free_open_source: StrictBool | None = None
    """The supplier makes it accessible to the public under a free and open-source licence."""


class System(_Model):
    id: Identifier
    """Stable identifier of the system."""
    name: NonEmptyText
    """Name of the system."""
    version: str | None = None
    """Version of the system described."""
    intended_purpose: NonEmptyText | None = None
    """The use intended by the provider, including context and conditions of use."""
    is_ai_system: StrictBool | None = None
    """A machine-based system with some autonomy that infers from input how to generate
    outputs (the AI-system definition)."""
    markets: list[MarketCode] | None = None
    """Markets where the system is offered: EU, US-CA, US-CO, US-TX, KR, CN, ..."""
    output_used_in_eu: StrictBool | None = None
    """Output produced by the system is used in the EU."""
    public_service_markets: list[MarketCode] | None = None
    """Markets where the system is provided as a service to the general public (not only for
    internal use, research or development); [] = none."""
    monthly_users: Annotated[int, Field(ge=0)] | None = None
    """Monthly visitors or users of the system (all markets; a recent month)."""
    special_purpose: (
        Literal["security_and_integrity", "aircraft_operation", "federal_national_security_only", "none"]
        | None
    ) = None
    """A purpose some laws exempt: security_and_integrity (the system's sole purpose is to help
    ensure security and integrity), aircraft_operation (its sole purpose is operating aircraft
    in the national airspace), federal_national_security_only (developed for national security,
    military or defence purposes and made available only to a US federal entity), or none."""
    public_opinion_or_social_mobilisation: StrictBool | None = None
    """The service has public-opinion attributes or social-mobilisation capacity (e.g.
    forums, blogs, chat, live streaming, short video or other channels through which the
    public can express opinions or be mobilised)."""
    exclusively_military_defence_or_national_security: StrictBool | None = None
    """Placed on the market, put into service or used exclusively for military, defence or
    national-security purposes."""
    sole_purpose_scientific_rnd: StrictBool | None = None
    """Developed and put into service for the sole purpose of scientific research and
    development."""
    released_under_free_open_source_licence: StrictBool | None = None
    """The AI system is released under a free and open-source licence."""
    lifecycle: Lifecycle | None = None
    """Lifecycle dates and changes."""
    features: Features | None = None
    """Transparency-relevant and biometric features."""
    use_cases: Annotated[list[UseCase], Field(max_length=MAX_USE_CASES)] | None = None
    """Use cases, each with its classification facts (at most 1,000: describe a larger estate
    as several systems)."""
    prohibited_practices: ProhibitedPracticeScreening | None = None
    """Answers to the prohibited-practice screening."""
    third_party_supplies: list[ThirdPartySupply] | None = None
    """AI systems, AI models, tools, services, components or processes that third parties
    supply and that are used for or integrated in this system ([] = none). Third-party models
    already listed in models need not be repeated here."""
    built_on_gpai_model_of_same_provider: StrictBool | None = None
    """The system is based on a general-purpose AI model provided by the same provider or
    undertaking."""
    human_oversight: str | None = None
    """Human-oversight measures."""
    hardware: str | None = None
    """Hardware the system runs on."""
    user_interface: str | None = None
    """Description of the user interface given to deployers."""
    instructions_for_use: str | None = None
    """Where the instructions for use are, or what they contain."""
    fria: FundamentalRightsImpactAssessment | None = None
    """The deployer's fundamental rights impact assessment of its use of the system, and the
    notification of its results (for deployers that owe one)."""
    instructions_for_use_content: InstructionsForUseContent | None = None
    """The content of the instructions for use beyond the facts stated elsewhere (accuracy and its
    metrics, robustness, cybersecurity, circumstances of risk, explainability, performance for
    groups, input data, interpretation of output, pre-determined changes, lifetime, maintenance,
    log mechanisms)."""
    post_market_monitoring: PostMarketMonitoring | None = None
    """The provider's post-market monitoring system and plan."""
    eu_registration: EuRegistration | None = None
    """The data of the system's registration (or of its use by a public deployer) in the EU
    database."""
