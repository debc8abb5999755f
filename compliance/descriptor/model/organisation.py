"""The organisation that describes the system: its roles in the value chain (provider,
deployer, developer, ...), size class, public or private status, revenue and the figures
Korea's domestic-representative test uses."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

from pydantic import Field, StrictBool, StringConstraints

from compliance.descriptor.model.common import CountryCode, NonEmptyText, _Model


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
    address: NonEmptyText | None = None
    """Postal address of the organisation (registered office or place of establishment)."""
    contact: str | None = None
    """Contact address or e-mail for regulatory matters."""
    website: str | None = None
    """The organisation's public internet website (URL), where documents the law asks it to post
    or publish are found (e.g. Cal. Civ. Code § 3111, Cal. Bus. & Prof. Code § 22757.12)."""
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
