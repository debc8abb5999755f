"""What a general-purpose AI model's provider states about two of its documents: the copyright
policy (``models[].copyright``) and, for a model with systemic risk, the Safety and Security
Model Report (``models[].safety_security``). Every field is a fact the provider states; which
measures of the law or of the Code of Practice each one serves is said by the documents' sections
files under ``templates/``, not here."""

from __future__ import annotations

import datetime as dt

from pydantic import StrictBool

from compliance.descriptor.model.common import NonEmptyText, _Model


class CopyrightPolicy(_Model):
    """The provider's policy to comply with Union copyright law for this model."""

    policy_version: str | None = None
    """Version of the copyright policy document."""
    policy_updated: dt.date | None = None
    """Date the copyright policy was last updated."""
    responsibilities: str | None = None
    """Who in the organisation implements the policy and oversees it (units or roles)."""
    summary_url: str | None = None
    """Where a summary of the policy is published, if it is."""
    no_circumvention: StrictBool | None = None
    """The provider's web crawlers do not circumvent effective technological measures that
    restrict access to protected content (e.g. paywalls, subscription or login walls)."""
    excludes_infringing_websites: StrictBool | None = None
    """Web crawling excludes the websites that courts or public authorities in the EU or the
    EEA recognise as persistently and repeatedly infringing copyright on a commercial scale."""
    robots_txt: StrictBool | None = None
    """The provider's web crawlers read and follow robots.txt instructions (Robots Exclusion
    Protocol, RFC 9309)."""
    other_reservation_protocols: list[NonEmptyText] | None = None
    """The other machine-readable protocols for reserving text-and-data-mining rights that the
    crawlers identify and comply with ([] = none besides robots.txt)."""
    crawler_information_url: str | None = None
    """Where rightsholders find information about the crawlers (names, robots.txt user agents,
    how reservations are honoured) and how to be notified when it changes."""
    output_safeguards: str | None = None
    """The technical safeguards against outputs that reproduce training content in a
    copyright-infringing way."""
    infringing_use_prohibition: str | None = None
    """Where copyright-infringing uses of the model are prohibited: the acceptable-use policy or
    terms (a link or clause), or, for a model released under an open-source licence, the
    documentation that alerts users to the prohibition."""
    contact_point: str | None = None
    """The electronic point of contact for rightsholders."""
    complaint_mechanism: str | None = None
    """How rightsholders and their representatives lodge complaints about non-compliance, and
    how complaints are handled."""


class IdentifiedSystemicRisk(_Model):
    """One systemic risk identified for the model, with the result of its analysis."""

    risk: NonEmptyText
    """The systemic risk, e.g. "CBRN", "loss of control", "cyber offence", "harmful
    manipulation", or another risk identified."""
    estimate: str | None = None
    """The systemic risk estimate (e.g. a risk tier, score or probability with severity)."""
    acceptable: StrictBool | None = None
    """The risk was determined to be acceptable under the provider's acceptance criteria."""
    mitigations: str | None = None
    """The safety and security mitigations that address this risk."""


class SafetySecurity(_Model):
    """The facts of the model's Safety and Security Model Report (models with systemic risk)."""

    report_version: str | None = None
    """Version of the Model Report."""
    report_updated: dt.date | None = None
    """Date of the Model Report's last update."""
    framework: str | None = None
    """The Safety and Security Framework the report applies: name, version and the date it was
    confirmed, or a link."""
    capabilities: str | None = None
    """High-level description of the model's capabilities, propensities and affordances, and how
    they differ from the provider's other models on the market."""
    internal_use: str | None = None
    """How the model has been and is expected to be used by the provider itself, including in
    the development, oversight or evaluation of models ("none" if it is not)."""
    versions: str | None = None
    """The model versions made available or used, and how their systemic risks and mitigations
    differ."""
    model_specification: str | None = None
    """How the model is intended to operate (its "model specification"): principles, their
    priority, topics it refuses, system prompt; or a link to it."""
    acceptance_justification: str | None = None
    """Why the systemic risks stemming from the model are acceptable, with the safety margins."""
    justification_conditions: str | None = None
    """The reasonably foreseeable conditions under which that justification would no longer
    hold."""
    decision_process: str | None = None
    """How the decision to proceed was made, and whether input from external actors or
    independent external evaluators informed it."""
    identification_process: str | None = None
    """The systemic risk identification process."""
    systemic_risks: list[IdentifiedSystemicRisk] | None = None
    """The systemic risks identified, each with its estimate and acceptance ([] = none)."""
    adversarial_testing: str | None = None
    """The adversarial testing (e.g. red teaming) conducted and documented: who tested, what,
    under which conditions."""
    safety_mitigations: str | None = None
    """The safety mitigations implemented and their limitations."""
    security_goal: str | None = None
    """The threat actors the security mitigations are meant to protect against."""
    security_mitigations: str | None = None
    """The cybersecurity mitigations implemented for the model and its physical infrastructure
    (e.g. protection of unreleased weights, hardened interfaces, insider-threat controls)."""
    external_evaluators_involved: StrictBool | None = None
    """Independent external evaluators were involved in the model evaluations."""
    external_reports: list[NonEmptyText] | None = None
    """Reports of independent external evaluators and of independent external security reviews
    (links or citations; [] = none available)."""
    external_evaluator_choice: str | None = None
    """Why the independent external evaluators were chosen, by their qualifications."""
    no_external_evaluator_justification: str | None = None
    """Why no independent external evaluator was involved."""
    risk_landscape_changes: str | None = None
    """Information on material changes to the systemic risk landscape that the model's
    development or use brings (e.g. new scaling laws, novel architectures, training techniques),
    or "none"."""
