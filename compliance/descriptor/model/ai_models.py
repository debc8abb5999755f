"""The AI models in or behind the system: origin and base model, intended tasks, training
compute and data, energy, licence, openness (released components), monetisation, distribution
and releases, systemic risk and reported evaluations; the copyright-policy and Safety and Security
Model Report facts are in ``gpai_policies``."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated, Literal

from pydantic import Field, StrictBool

from compliance.descriptor.model.common import (
    Flop,
    Identifier,
    LicenceId,
    NonEmptyText,
    YearMonth,
    _Model,
)
from compliance.descriptor.model.gpai_policies import CopyrightPolicy, SafetySecurity


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
    """Name of the dataset or source. A source may be named by kind only (e.g. "own web crawl"),
    where the dataset itself is not disclosed."""
    type: (
        Literal[
            "public_dataset",
            "web_crawl",
            "licensed",
            "third_party_private",
            "user_interactions",
            "user_data_other_services",
            "user_data",
            "synthetic",
            "proprietary",
            "other",
        ]
        | None
    ) = None
    """Kind of source, along the categories of the AI Office's training-content summary template:
    public_dataset (publicly available dataset), web_crawl (crawled or scraped from online
    sources by or for the provider), licensed (private data commercially licensed from
    rightsholders or their representatives), third_party_private (private data obtained from
    other third parties, e.g. data brokers or database providers), user_interactions (data from
    users' interactions with the model), user_data_other_services (user data collected through
    the provider's other services or products), user_data (user data, origin not stated),
    synthetic (synthetic data created by or for the provider), proprietary (the provider's own
    non-public data not collected from users) or other."""
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
    collected_from: YearMonth | dt.date | None = None
    """When collection of the data in this source began (YYYY-MM or a date)."""
    collected_until: YearMonth | dt.date | None = None
    """When collection of the data in this source ended (YYYY-MM or a date); unset while it is
    ongoing or unknown (see training_data.collection_continues)."""
    first_used: YearMonth | dt.date | None = None
    """When the dataset was first used during the development of the model (YYYY-MM or a date)."""


class TrainingModality(_Model):
    """The training data of one modality: its size and the types of content in it."""

    modality: Modality
    """The modality (text, code, image, audio, speech, video, ...)."""
    size: Annotated[float, Field(ge=0, allow_inf_nan=False)]
    """Amount of training data of this modality, in unit."""
    unit: NonEmptyText
    """Unit of size. The training-content summary gives the template's size band when the unit
    is the one its bands count in (tokens for text, images for images, hours for audio and
    video); any other unit (e.g. GB) is shown as a custom size."""
    content_types: list[NonEmptyText] | None = None
    """Types of content, e.g. web pages, books, news articles, source code, photographs."""


class TrainingData(_Model):
    sources: list[DataSource] | None = None
    """The datasets and sources used."""
    sources_complete: StrictBool | None = None
    """Every kind of source used for training is listed in sources, each with its type (a source
    may be listed by kind only): a kind of source that no listed source has was not used. Only
    then does the training-content summary answer "no" to a source category (template §2);
    otherwise an unlisted category is left unanswered."""
    curation: str | None = None
    """Cleaning, filtering and labelling methods."""
    size_tokens: Annotated[int, Field(ge=0)] | None = None
    """Total size in tokens, where meaningful."""
    modalities: list[TrainingModality] | None = None
    """Size and types of content of the training data per modality (template §1.3)."""
    latest_collection_date: YearMonth | dt.date | None = None
    """Latest date of data acquisition or collection for the training data, as YYYY-MM (the
    template asks for month and year) or as a full date."""
    collection_continues: StrictBool | None = None
    """The model continues to be trained on data acquired or collected after
    latest_collection_date."""
    languages: list[NonEmptyText] | None = None
    """Natural languages in the training data (e.g. ISO 639 codes such as en, fr)."""
    tdm_opt_outs_respected: StrictBool | None = None
    """Text-and-data-mining rights reservations were identified and respected."""
    description: str | None = None
    """Overall description of the training data."""
    summary_version: str | None = None
    """Version of the public summary of the training content (template header)."""
    summary_updated: dt.date | None = None
    """Date the public summary of the training content was last updated (template header)."""


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


class Release(_Model):
    """The first release of the model through one distribution channel."""

    channel: Channel
    """Distribution channel: api, download, hub, library, cloud, on_premises, chat_interface,
    mobile_app, embedded or internal."""
    date: dt.date
    """Date the model was first made available through this channel."""
    description: str | None = None
    """Where or to whom, e.g. "worldwide, gated download on the model hub"."""


class ModalityLimit(_Model):
    """The maximum size of one input or output modality."""

    modality: Modality
    """The modality."""
    max_size: NonEmptyText
    """Maximum size with its unit, e.g. "131072 tokens", "8 images of up to 20 MB each",
    "30 minutes", or "N/A"."""


ParameterRange = Literal[
    "1m_500m", "500m_5b", "5b_15b", "15b_50b", "50b_100b", "100b_500b", "500b_1t", "over_1t"
]


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
    parameter_range: ParameterRange | None = None
    """Range of the number of parameters, as the size ranges of the Model Documentation Form
    (1m_500m, 500m_5b, 5b_15b, 15b_50b, 50b_100b, 100b_500b, 500b_1t, over_1t): for when the
    exact number is not disclosed. When parameters is stated, the documents give the range of
    that number instead."""
    input_modalities: list[Modality] | None = None
    """Input modalities."""
    output_modalities: list[Modality] | None = None
    """Output modalities."""
    context_window: Annotated[int, Field(ge=0)] | None = None
    """Context window in tokens."""
    max_input_sizes: list[ModalityLimit] | None = None
    """Maximum input size per input modality (e.g. the context window for text)."""
    max_output_sizes: list[ModalityLimit] | None = None
    """Maximum output size per output modality."""
    intended_tasks: str | None = None
    """Tasks the model is intended to perform: the model's own intended uses, which are usually
    wider than the intended purpose of any one system built on it (Annex XI(1)(1)(a), Annex
    XII(1)(a))."""
    integration_targets: str | None = None
    """Type and nature of the AI systems the model can be integrated into, e.g. "chat
    assistants, retrieval-augmented search, coding tools" (Annex XI(1)(1)(a), Annex XII(1)(a))."""
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
    release_date: dt.date | None = None
    """Date the model was first released through any channel, anywhere (the Union market date is
    eu_placed_on_market)."""
    releases: list[Release] | None = None
    """Date of first release per distribution channel."""
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
    documentation_version: str | None = None
    """Version number of the model documentation (Model Documentation Form header)."""
    documentation_updated: dt.date | None = None
    """Date the model documentation was last updated (Model Documentation Form header)."""
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
    copyright: CopyrightPolicy | None = None
    """The copyright policy for the model: the provider's measures on lawful access, rights
    reservations, infringing outputs and complaints."""
    safety_security: SafetySecurity | None = None
    """The Safety and Security Model Report's facts (models with systemic risk)."""
