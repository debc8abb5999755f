"""The AI-system descriptor: the facts a team states about one AI system.

Every field is optional unless the document cannot be understood without it: a fact that is
not stated is *unknown*, never false. The obligations engine turns unknown facts it needs into
``undetermined`` verdicts that name the missing fact.

This module holds no legal values. Enumerations here are vocabularies of facts (roles, sizes,
modalities); which of them trigger which provision is decided by the rule data under
``jurisdictions/``.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints

SCHEMA_VERSION = 1

Identifier = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"),
]
NonEmptyText = Annotated[str, StringConstraints(min_length=1, max_length=20_000)]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
MarketCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")]
# Annex points in canonical form: "4(a)", "2", "5(b)".
AnnexPoint = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,2}(\([a-z]{1,2}\))?$")]
# Annex I entries: section and point, "A(11)" or "B(21)".
AnnexIEntry = Annotated[str, StringConstraints(pattern=r"^[AB]\([0-9]{1,2}\)$")]
LicenceId = Annotated[
    str,
    StringConstraints(pattern=r"^(LicenseRef-[A-Za-z0-9.\-]+|[A-Za-z0-9][A-Za-z0-9.+\-]*)$"),
]
Flop = Annotated[float, Field(ge=0, allow_inf_nan=False)]
#: Rules relate use cases to each other (e.g. an Annex III use case while another profiles), so
#: assessment time and explanation size grow with the square of their number: 400 use cases took
#: 30 s and 1.6 GB to build. A limit keeps every command fast on any descriptor.
MAX_USE_CASES = 50
RelativePath = Annotated[str, StringConstraints(min_length=1, max_length=4096)]



class _Model(BaseModel):
    """Base: strict keys, immutable. Field docstrings become schema descriptions at export time
(see compliance.schema_export); they are not parsed at run time, which keeps imports fast."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        str_strip_whitespace=True,
    )


# --------------------------------------------------------------------------- organisation


class Role(str, Enum):
    provider = "provider"
    deployer = "deployer"
    importer = "importer"
    distributor = "distributor"
    authorised_representative = "authorised_representative"
    product_manufacturer = "product_manufacturer"
    developer = "developer"


class SizeClass(str, Enum):
    micro = "micro"
    small = "small"
    medium = "medium"
    small_mid_cap = "small_mid_cap"
    large = "large"


class Money(_Model):
    amount: Annotated[float, Field(ge=0, allow_inf_nan=False)]
    """Amount in the stated currency."""
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
    """ISO 4217 currency code, e.g. USD or EUR."""
    fiscal_year: int | None = None
    """Fiscal year the figure refers to."""
    usd_equivalent: Annotated[float, Field(ge=0, allow_inf_nan=False)] | None = None
    """The amount in US dollars, converted by you (state the rate you used in your records),
    when the currency is not USD. Laws that state thresholds in US dollars compare this figure;
    the tool never converts currencies, so without it such a threshold stays undetermined."""


class KoreaMetrics(_Model):
    """Figures for the Korean domestic-representative test, as the Enforcement Decree measures
    them."""

    previous_year_revenue_krw: Annotated[float, Field(ge=0, allow_inf_nan=False)] | None = None
    """Total revenue in the previous year (for a corporation: the previous business year),
    converted to Korean won at that year's average exchange rate."""
    previous_year_ai_service_revenue_krw: Annotated[float, Field(ge=0, allow_inf_nan=False)] | None = None
    """Revenue of the AI-service business in the previous year, converted to Korean won at that
    year's average exchange rate."""
    average_daily_users_kr: Annotated[int, Field(ge=0)] | None = None
    """Average daily number of users in Korea of all the organisation's AI products and
    services over the three months before the end of the previous year."""
    fined_for_ignoring_corrective_order: StrictBool | None = None
    """The organisation has been fined for not complying with a stop or corrective order of
    the Korean Minister of Science and ICT."""


class Organisation(_Model):
    name: NonEmptyText
    """Legal name of the organisation that owns this descriptor."""
    country: CountryCode | None = None
    """ISO 3166-1 alpha-2 country of establishment (e.g. DE, US, GB)."""
    roles: list[Role] | None = None
    """Roles the organisation holds for this system (provider, developer, deployer, importer,
    distributor, authorised_representative, product_manufacturer). One organisation may hold
    several. "developer" is the US state-law role: it designs, codes, trains or substantially
    modifies the AI system or model (an EU provider that develops its own system usually holds
    it too)."""
    size: SizeClass | None = None
    """Size class: micro, small, medium (together SMEs), small_mid_cap, or large."""
    has_partner_or_linked_enterprises: StrictBool | None = None
    """Whether the organisation has partner or linked enterprises (affects SME simplifications)."""
    public_authority: StrictBool | None = None
    """A public authority, body governed by public law, or EU institution, body or agency."""
    private_entity_providing_public_services: StrictBool | None = None
    """A private entity providing public services."""
    financial_institution: StrictBool | None = None
    """Subject to Union financial-services internal-governance requirements."""
    law_enforcement_authority: StrictBool | None = None
    """A law-enforcement authority, or acting on its behalf."""
    natural_person_personal_use: StrictBool | None = None
    """A natural person using the system in a purely personal, non-professional activity."""
    employees: Annotated[int, Field(ge=0)] | None = None
    """Number of employees (headcount)."""
    annual_revenue: Money | None = None
    """Annual gross revenue, for revenue thresholds in some laws."""
    authorised_representative: str | None = None
    """Name of the authorised representative in the EU, where one is appointed."""
    contact: str | None = None
    """Contact address or e-mail for regulatory matters."""
    code_of_practice_signatory: StrictBool | None = None
    """Signatory of the EU General-Purpose AI Code of Practice."""
    own_name_on_existing_high_risk_system: StrictBool | None = None
    """The organisation puts its name or trademark on a high-risk AI system that another
    provider already placed on the market or put into service (value-chain provider rule)."""
    substantially_modified_existing_high_risk_system: StrictBool | None = None
    """The organisation made a substantial modification to a high-risk AI system that another
    provider already placed on the market or put into service."""
    changed_intended_purpose_of_existing_system: StrictBool | None = None
    """The organisation changed the intended purpose of an AI system (including a
    general-purpose AI system) not classified as high-risk that another provider already placed
    on the market or put into service."""
    places_of_business: list[CountryCode] | None = None
    """ISO 3166-1 alpha-2 countries where the organisation has an address or place of business
    (head office, branch or other office), including its country of establishment ([] =
    none besides organisation.country)."""
    korea_metrics: KoreaMetrics | None = None
    """Figures Korea's AI Basic Act uses to decide whether a foreign operator must designate a
    domestic representative."""


# --------------------------------------------------------------------------- system


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


class Modality(str, Enum):
    text = "text"
    code = "code"
    image = "image"
    audio = "audio"
    speech = "speech"
    video = "video"
    tabular = "tabular"
    time_series = "time_series"
    structured = "structured"
    other = "other"


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
    safety_component: StrictBool | None = None
    """The AI system is a safety component of the product, or is itself the product."""
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


# --------------------------------------------------------------------------- models


class Origin(str, Enum):
    own = "own"
    third_party = "third_party"
    modified_third_party = "modified_third_party"


class ComputeMethod(str, Enum):
    stated = "stated"
    estimated_6nd = "estimated_6nd"
    hardware = "hardware"


class TrainingCompute(_Model):
    flop: Flop | None = None
    """Training compute in FLOP that directly contributed to parameter updates. If omitted
    and parameters and training_tokens are known, it is estimated as 6 * parameters * tokens."""
    cumulative_flop: Flop | None = None
    """Cumulative training compute (incl. synthetic-data generation and fine-tuning) if it
    differs from flop."""
    method: ComputeMethod | None = None
    """How the figure was obtained: stated, estimated_6nd or hardware."""
    training_tokens: Annotated[int, Field(ge=0)] | None = None
    """Number of training tokens (D in 6*N*D)."""
    uncertainty_pct: Annotated[float, Field(ge=0, le=1000)] | None = None
    """Estimated uncertainty of the figure in percent."""


class DataSource(_Model):
    name: NonEmptyText
    """Name of the dataset or source."""
    type: (
        Literal[
            "public_dataset",
            "web_crawl",
            "licensed",
            "user_data",
            "synthetic",
            "proprietary",
            "other",
        ]
        | None
    ) = None
    """Kind of source."""
    modalities: list[Modality] | None = None
    """Modalities in this source."""
    size: str | None = None
    """Size, e.g. '2.1T tokens' or '40 GB'."""
    provenance: str | None = None
    """Where the data came from and on what terms."""
    personal_data: StrictBool | None = None
    """Whether it contains personal data."""
    url: str | None = None
    """Where the dataset is described."""


class TrainingData(_Model):
    sources: list[DataSource] | None = None
    """The datasets and sources used."""
    curation: str | None = None
    """Cleaning, filtering and labelling methods."""
    size_tokens: Annotated[int, Field(ge=0)] | None = None
    """Total size in tokens, where meaningful."""
    tdm_opt_outs_respected: StrictBool | None = None
    """Text-and-data-mining rights reservations were identified and respected."""
    description: str | None = None
    """Overall description of the training data."""


class Energy(_Model):
    training_kwh: Annotated[float, Field(ge=0)] | None = None
    """Energy used for training, in kWh."""
    method: str | None = None
    """How the figure was measured or estimated."""


class Licence(_Model):
    id: LicenceId
    """SPDX licence identifier or LicenseRef-… for custom licences."""
    name: str | None = None
    """Human-readable licence name."""
    url: str | None = None
    """Where the licence text is published."""
    ai_act_foss: StrictBool | None = None
    """Your own assessment that the licence grants access, use, modification and distribution
    of the model without the disqualifying restrictions (non-commercial or research-only use,
    distribution bans, user-scale thresholds, separate commercial licences). Used only when the
    licence is not in the tool's catalogue, or the catalogue rates it uncertain."""


class BaseModelRef(_Model):
    id: NonEmptyText
    """Identifier of the base model (e.g. a hub id)."""
    provider: str | None = None
    """Who provides the base model."""
    training_compute_flop: Flop | None = None
    """The base model's training compute, if known."""
    systemic_risk: StrictBool | None = None
    """Whether the base model is a general-purpose AI model with systemic risk."""
    licence: Licence | None = None
    """The base model's licence."""


class RebuttalStatus(str, Enum):
    none = "none"
    pending = "pending"
    accepted = "accepted"
    rejected = "rejected"


class SystemicRisk(_Model):
    designated: StrictBool | None = None
    """The Commission designated the model as having systemic risk."""
    notified_on: dt.date | None = None
    """Date the Commission was notified that the threshold is met."""
    rebuttal: RebuttalStatus | None = None
    """Status of arguments that the model does not present systemic risks."""


class Monetisation(str, Enum):
    price = "price"
    dual_licensing = "dual_licensing"
    paid_indispensable_support = "paid_indispensable_support"
    mandatory_paid_services = "mandatory_paid_services"
    exclusive_paid_hosting = "exclusive_paid_hosting"
    advertising_funded_hosting = "advertising_funded_hosting"
    personal_data_condition = "personal_data_condition"


class Channel(str, Enum):
    api = "api"
    download = "download"
    hub = "hub"
    library = "library"
    cloud = "cloud"
    on_premises = "on_premises"
    chat_interface = "chat_interface"
    mobile_app = "mobile_app"
    embedded = "embedded"
    internal = "internal"


class Evaluation(_Model):
    """One reported evaluation result of a model (e.g. from a model card's model-index)."""

    metric: NonEmptyText
    """Metric, e.g. accuracy, f1, exact_match, pass@1."""
    value: Annotated[float, Field(allow_inf_nan=False)]
    """The reported value, as published (no unit conversion)."""
    dataset: str | None = None
    """Evaluation dataset."""
    split: str | None = None
    """Dataset split or slice the result was computed on."""
    task: str | None = None
    """Task evaluated, e.g. text-generation."""
    source: str | None = None
    """Where the result is published (URL or reference)."""


class ComponentKind(str, Enum):
    """Components of a model release, after the Model Openness Framework (MOF)."""

    model_architecture = "model_architecture"
    model_parameters_final = "model_parameters_final"
    model_parameters_intermediate = "model_parameters_intermediate"
    model_metadata = "model_metadata"
    sample_model_outputs = "sample_model_outputs"
    data_preprocessing_code = "data_preprocessing_code"
    training_code = "training_code"
    inference_code = "inference_code"
    evaluation_code = "evaluation_code"
    supporting_libraries_and_tools = "supporting_libraries_and_tools"
    datasets = "datasets"
    evaluation_data = "evaluation_data"
    model_card = "model_card"
    data_card = "data_card"
    technical_report = "technical_report"
    research_paper = "research_paper"
    evaluation_results = "evaluation_results"


class Component(_Model):
    component: ComponentKind
    """Which component: model_architecture, model_parameters_final,
    model_parameters_intermediate, model_metadata, sample_model_outputs, data_preprocessing_code,
    training_code, inference_code, evaluation_code, supporting_libraries_and_tools, datasets,
    evaluation_data, model_card, data_card, technical_report, research_paper, evaluation_results."""
    public: StrictBool | None = None
    """The component is publicly available."""
    licence: LicenceId | None = None
    """SPDX id or LicenseRef-… under which it is released."""
    url: str | None = None
    """Where it is published."""


class AIModel(_Model):
    id: Identifier
    """Stable identifier of the model within this descriptor."""
    name: str | None = None
    """Model name."""
    version: str | None = None
    """Model version."""
    origin: Origin | None = None
    """own (developed by or for the organisation), third_party (used as supplied), or
    modified_third_party (fine-tuned or otherwise modified)."""
    provider: str | None = None
    """Provider of a third-party model."""
    base_model: BaseModelRef | None = None
    """For modified models: the model that was modified."""
    modification_compute_flop: Flop | None = None
    """Compute used for the modification, in FLOP."""
    architecture: str | None = None
    """Architecture, e.g. 'decoder-only transformer'."""
    parameters: Annotated[int, Field(ge=0)] | None = None
    """Number of parameters."""
    input_modalities: list[Modality] | None = None
    """Input modalities."""
    output_modalities: list[Modality] | None = None
    """Output modalities."""
    context_window: Annotated[int, Field(ge=0)] | None = None
    """Context window in tokens."""
    significant_generality: StrictBool | None = None
    """The model displays significant generality and competently performs a wide range of
    distinct tasks."""
    narrow_task_only: StrictBool | None = None
    """The model is trained for one narrow task only (e.g. transcription, upscaling)."""
    foundation_model: StrictBool | None = None
    """The model is trained on a broad data set, designed for generality of output and
    adaptable to a wide range of distinctive tasks (a "foundation model" under California's
    SB 53)."""
    training_compute: TrainingCompute | None = None
    """Training compute."""
    training_data: TrainingData | None = None
    """Training data."""
    energy: Energy | None = None
    """Energy consumption."""
    licence: Licence | None = None
    """Licence under which the model is released."""
    weights_public: StrictBool | None = None
    """Parameters including weights are publicly available."""
    architecture_public: StrictBool | None = None
    """Information on the model architecture is publicly available."""
    usage_information_public: StrictBool | None = None
    """Information on model usage is publicly available."""
    monetised: StrictBool | None = None
    """The model is made available against a price or otherwise monetised."""
    monetisation: list[Monetisation] | None = None
    """How the model is monetised ([] = not at all)."""
    distribution_channels: list[Channel] | None = None
    """How the model is made available."""
    eu_placed_on_market: dt.date | None = None
    """Date the model was first placed on the EU market."""
    planned_eu_placement: dt.date | None = None
    """Planned date of first placing on the EU market."""
    sole_purpose_scientific_rnd: StrictBool | None = None
    """Developed and put into service solely for scientific research and development."""
    systemic_risk: SystemicRisk | None = None
    """Systemic-risk designation, notification and rebuttal."""
    eu_business_users: Annotated[int, Field(ge=0)] | None = None
    """Number of registered business users in the EU."""
    monthly_active_users: Annotated[int, Field(ge=0)] | None = None
    """Monthly active users of products built on the model."""
    documentation_url: str | None = None
    """Where the model's documentation or model card is published."""
    components: list[Component] | None = None
    """Released components and their licences (Model Openness Framework list), for the
    openness assessment; unlisted components count as not released."""
    attribution_notices: list[NonEmptyText] | None = None
    """Attribution notices displayed with the model or the product built on it, e.g. "Built
    with Llama" ([] = none)."""
    state_of_the_art_technology: StrictBool | None = None
    """The model (or the system built on it) applies the most advanced AI technology among
    those currently used in AI systems, given the state of the art."""
    risk_of_broad_significant_impact: StrictBool | None = None
    """The risks of the model (or the system built on it) could broadly and significantly
    affect human life, physical safety or fundamental rights."""
    languages: list[NonEmptyText] | None = None
    """Natural languages the model is stated to handle (e.g. ISO 639 codes such as en, de)."""
    evaluations: list[Evaluation] | None = None
    """Reported evaluation results (accuracy and other metrics)."""


# --------------------------------------------------------------------------- system, evidence


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
    """Use cases, each with its classification facts (at most 50: describe a larger estate as
    several systems)."""
    prohibited_practices: ProhibitedPracticeScreening | None = None
    """Answers to the prohibited-practice screening."""
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


class Evidence(_Model):
    path: RelativePath
    """File path relative to the descriptor's folder."""
    description: str | None = None
    """What the file shows."""
    obligations: list[NonEmptyText] | None = None
    """Obligation ids this evidence supports (e.g. eu.ai_act.art_09_risk_management)."""
    sections: list[NonEmptyText] | None = None
    """Document sections this evidence fills (e.g. annex_iv.2.g)."""
    date: dt.date | None = None
    """Date of the evidence."""


class Incidents(_Model):
    path: RelativePath
    """Path of the incident register (JSON Lines), relative to the descriptor's folder."""


class Descriptor(_Model):
    """An AI-system descriptor: the facts about one AI system and the organisation that
    describes it."""

    schema_version: Literal[1]
    """Version of the descriptor format. Currently 1."""
    organisation: Organisation
    """The organisation describing the system."""
    system: System
    """The AI system."""
    models: list[AIModel] | None = None
    """The AI models in or behind the system ([] = none)."""
    evidence: list[Evidence] | None = None
    """Evidence files linked to obligations or document sections."""
    incidents: Incidents | None = None
    """Where the incident register lives."""
