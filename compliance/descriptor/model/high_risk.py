"""What a provider (or a public deployer) of a high-risk AI system states for three documents the
law asks of it: the content of the instructions for use that the system's existing facts do not
already give (``instructions_for_use_content``), the post-market monitoring system and its plan
(``post_market_monitoring``), and the data of its registration in the EU database
(``eu_registration``).

Every field is optional: what is not stated stays unknown and shows as a gap in the document
that needs it. Which provisions call for which document is decided by the rule data; the legal
structure of each document is its sections file under ``templates/``."""

from __future__ import annotations

import datetime as dt

from compliance.descriptor.model.common import CountryCode, NonEmptyText, _Model


class AccuracyMetric(_Model):
    """One declared level of accuracy, with its metric."""

    metric: NonEmptyText
    """The metric (e.g. top-20 recall against shortlists of experienced recruiters)."""
    value: NonEmptyText
    """The level against which the system was tested and validated and which can be expected
    (e.g. 0.88)."""
    conditions: NonEmptyText | None = None
    """The test data and conditions under which the level was measured (e.g. validation
    hold-out of 38,000 applications)."""


class InstructionsForUseContent(_Model):
    """The content of the instructions for use that deployers receive, beyond what other facts of
    the system state (intended purpose, human oversight, hardware, provider identity)."""

    accuracy: list[AccuracyMetric] | None = None
    """The levels of accuracy, each with its metric, against which the system was tested and
    validated and which can be expected."""
    robustness: NonEmptyText | None = None
    """The level of robustness the system was tested and validated against and which can be
    expected (e.g. behaviour on malformed or incomplete input, fail-safe behaviour)."""
    cybersecurity: NonEmptyText | None = None
    """The level of cybersecurity the system was tested and validated against and which can be
    expected (e.g. protection against data poisoning, adversarial input, unauthorised access)."""
    performance_circumstances: NonEmptyText | None = None
    """Known and foreseeable circumstances that may affect the expected accuracy, robustness or
    cybersecurity (e.g. input languages or formats the system handles less well)."""
    risk_circumstances: NonEmptyText | None = None
    """Known or foreseeable circumstances of use, as intended or under reasonably foreseeable
    misuse, that may lead to risks to health, safety or fundamental rights."""
    output_explanation: NonEmptyText | None = None
    """The technical capabilities and characteristics of the system to provide information that
    explains its output (e.g. per-criterion explanations), or that it has none."""
    group_performance: NonEmptyText | None = None
    """The system's performance for the specific persons or groups of persons on which it is
    intended to be used."""
    input_data: NonEmptyText | None = None
    """Specifications for the input data, and other relevant information on the training,
    validation and testing data sets, in view of the intended purpose."""
    output_interpretation: NonEmptyText | None = None
    """Information that enables deployers to interpret the output and use it appropriately."""
    predetermined_changes: list[NonEmptyText] | None = None
    """Changes to the system and its performance that the provider pre-determined at the initial
    conformity assessment ([] = none)."""
    expected_lifetime: NonEmptyText | None = None
    """The expected lifetime of the system (e.g. of a version, until its support ends)."""
    maintenance: NonEmptyText | None = None
    """The maintenance and care measures needed for the system to function properly, with their
    frequency, including software updates."""
    logging: NonEmptyText | None = None
    """The mechanisms in the system that let deployers collect, store and interpret the logs it
    records automatically."""


class MonitoringSource(_Model):
    """A source of the data the post-market monitoring system collects."""

    source: NonEmptyText
    """Where the data come from (e.g. deployers' override logs, complaints, a benchmark rerun)."""
    data: NonEmptyText | None = None
    """What data on the system's performance are collected from it."""
    frequency: NonEmptyText | None = None
    """How and how often they are collected (e.g. monthly export through the API)."""


class PostMarketMonitoring(_Model):
    """The provider's post-market monitoring system and the plan it is based on."""

    system: NonEmptyText | None = None
    """The post-market monitoring system: who runs it, what it covers, and why it is proportionate
    to the nature of the AI technologies and the risks of the system."""
    sources: list[MonitoringSource] | None = None
    """The sources of the performance data collected, including the data deployers provide."""
    performance_data: NonEmptyText | None = None
    """The performance data collected and the indicators analysed to evaluate the system's
    continuous compliance with the requirements for high-risk systems (accuracy, robustness,
    cybersecurity, bias, effectiveness of human oversight, ...)."""
    analysis: NonEmptyText | None = None
    """How the data are documented and analysed over the system's lifetime: frequency, thresholds
    that trigger action, who reviews the results."""
    interaction_with_other_ai_systems: NonEmptyText | None = None
    """How the interaction of the system with other AI systems is analysed, where relevant, or
    that the system does not interact with other AI systems."""
    plan_version: NonEmptyText | None = None
    """The identification of the post-market monitoring plan (title, version and date), as kept
    in the technical documentation."""
    sectoral_integration: NonEmptyText | None = None
    """Where the provider integrates these elements into a post-market monitoring system and plan
    already established under Union harmonisation legislation or Union financial-services law:
    that system and plan."""
    serious_incidents: NonEmptyText | None = None
    """How monitoring findings that may be serious incidents are identified, escalated and
    reported to the market surveillance authorities, and who does it."""
    corrective_actions: NonEmptyText | None = None
    """How a finding that the system is not in conformity leads to corrective action (bringing it
    into conformity, withdrawing, disabling or recalling it) and to informing distributors,
    deployers, the authorised representative and importers."""


class NotifiedBodyCertificate(_Model):
    """A certificate a notified body issued for the system."""

    type: NonEmptyText | None = None
    """The type of certificate (e.g. Union technical documentation assessment certificate)."""
    number: NonEmptyText | None = None
    """The certificate's number."""
    expiry: dt.date | None = None
    """The date the certificate expires."""
    notified_body: NonEmptyText | None = None
    """The name or identification number of the notified body that issued it."""


class EuRegistration(_Model):
    """The registration of the system, or of its use by a public deployer, in the EU database."""

    submitter: NonEmptyText | None = None
    """Name, address and contact details of the person who submits the registration on behalf of
    the provider or deployer (where another person submits it for a provider)."""
    member_states: list[CountryCode] | None = None
    """EU Member States (ISO 3166-1 alpha-2) in which the system has been, or is to be, placed on
    the market, put into service or made available."""
    operating_logic: NonEmptyText | None = None
    """A basic and concise description of the information the system uses (data, inputs) and of
    its operating logic."""
    certificate: NotifiedBodyCertificate | None = None
    """The notified body's certificate, where a notified body was involved."""
    information_url: NonEmptyText | None = None
    """A URL for additional information about the system (optional in the registration)."""
    provider_entry_url: NonEmptyText | None = None
    """For a deployer: the URL of the provider's entry of the system in the EU database."""
    fria_summary: NonEmptyText | None = None
    """For a deployer: a summary of the findings of its fundamental rights impact assessment."""
    dpia_summary: NonEmptyText | None = None
    """For a deployer: a summary of the data protection impact assessment, where one was carried
    out."""
