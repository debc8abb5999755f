"""The licence catalogue: one YAML file per licence under ``jurisdictions/_licences/``.

A catalogue entry records what a licence permits (commercial use, use restrictions, user
thresholds, territorial exclusions, clauses on improving other models, attribution and naming
duties, what derivatives must carry) and a reasoned verdict on whether it is a "free and
open-source licence" in the AI Act sense (the Commission GPAI Guidelines' licence test). The
facts are data: nothing in ``compliance/`` names a licence.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from compliance.descriptor.model import CountryCode, LicenceId

Text = Annotated[str, StringConstraints(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Verdict(str, Enum):
    yes = "yes"
    no = "no"
    uncertain = "uncertain"


class Confidence(str, Enum):
    high = "high"
    medium = "medium"
    low = "low"


class LicenceKind(str, Enum):
    permissive = "permissive"
    """Attribution and notice conditions only (Apache-2.0, MIT, BSD, CC-BY)."""
    copyleft = "copyleft"
    """Share-alike: derivatives on the same or comparable terms."""
    responsible_ai = "responsible_ai"
    """Royalty-free with use-based restrictions that must be passed on (RAIL family)."""
    community = "community"
    """A vendor's custom model licence (Llama, Gemma, Qwen, NVIDIA, ...)."""
    non_commercial = "non_commercial"
    """Research, evaluation or other non-commercial use only."""
    no_derivatives = "no_derivatives"
    """Adapted versions may not be shared."""
    proprietary = "proprietary"
    """No public grant of rights (closed)."""


class UserThreshold(_Strict):
    metric: Literal["monthly_active_users"]
    """What is counted."""
    value: Annotated[int, Field(gt=0)]
    """The count above which the licence no longer grants rights without a further licence."""
    counted_for: Text
    """Whose users are counted and when (e.g. licensee and affiliates, preceding month)."""
    effect: Text
    """What happens above the threshold."""


class TerritorialExclusion(_Strict):
    region: Text
    """Region code as used in the descriptor's markets (e.g. EU)."""
    countries: list[CountryCode]
    """ISO 3166-1 alpha-2 countries of the region, for checks on organisation.country."""
    excludes: Literal["licensees_established", "use_in_territory"]
    """licensees_established: no rights for licensees domiciled or with their principal place
    of business there; use_in_territory: the licence grants no rights for use there."""
    models: Literal["all", "multimodal"] = "all"
    """Which models of the release the exclusion covers."""
    end_users_exempt: bool = False
    """End users of a product or service incorporating the model are not affected."""
    text: Text
    """The clause, quoted or paraphrased."""


class Derivatives(str, Enum):
    any_terms = "any_terms"
    """Derivatives may be released under any terms (keeping notices)."""
    keep_restrictions = "keep_restrictions"
    """Derivatives may carry their own terms, but the base licence's restrictions (use
    restrictions, non-commercial condition) must be passed on."""
    same_licence = "same_licence"
    """Derivatives stay under this licence (a copy must accompany them)."""
    not_allowed = "not_allowed"
    """Derivatives may not be distributed at all."""


class Terms(_Strict):
    commercial_use: bool
    """Commercial use is permitted (to licensees below any user threshold)."""
    commercial_use_note: str | None = None
    """Qualifications (e.g. only some models of the release)."""
    use_restrictions: Literal["none", "inline", "by_reference"]
    """Use-based restrictions: none, in the licence text, or in a policy incorporated by
    reference (acceptable-use or prohibited-use policy)."""
    use_restrictions_summary: str | None = None
    """What the restrictions cover."""
    use_policy_url: str | None = None
    """Where an incorporated use policy is published."""
    policy_updatable_by_licensor: bool = False
    """The licensor may change the use policy unilaterally."""
    remote_restriction_right: bool = False
    """The licensor reserves the right to restrict use (remotely or otherwise)."""
    user_threshold: UserThreshold | None = None
    """A user-count threshold above which a further licence is needed."""
    territorial_exclusions: list[TerritorialExclusion] = []
    """Regions whose licensees or users get no rights."""
    improve_other_models: Literal["allowed", "banned", "conditional"]
    """Using the model or its outputs to improve other models: allowed, banned, or allowed
    with conditions (e.g. a naming duty)."""
    improve_other_models_note: str | None = None
    distribution_allowed: bool
    """The model and derivatives may be redistributed."""
    derivatives: Derivatives
    """What a derivative (e.g. a fine-tune) must carry."""
    attribution: Text
    """Attribution and notice duties in plain words."""
    built_with_notice: str | None = None
    """Text that products or services built on the model must display (e.g. "Built with Llama")."""
    name_prefix: str | None = None
    """Derived models that are distributed or made available must have names beginning so."""
    fee: bool = False
    """A fee or royalty is payable for use."""
    governing_law: str | None = None


class AiaFoss(_Strict):
    """The licence test of the AI Act open-source exemption (Art. 53(2), 54(6)), as read by the
    Commission GPAI Guidelines §4.2."""

    verdict: Verdict
    """yes: the licence grants access, use, modification and distribution with only
    attribution or same-terms conditions; no: a disqualifying restriction; uncertain: use
    restrictions whose admissibility is a legal judgement."""
    reasoning: Text
    """Why, in one or two sentences."""
    rests_on: Text
    """The paragraph(s) the verdict rests on, e.g. 'GL ¶83'."""
    confidence: Confidence
    """How sure the catalogue is: high (settled text and reading), medium (a reading not yet
    confirmed by an authority), low (facts partly unverified)."""


class CatalogueVerification(_Strict):
    checked_against: Text
    """What was read: licence text URL and where it was read."""
    checked_on: dt.date
    """When."""
    markers: list[Text] = []
    """Reference-note markers still open ([V1], [INF], [UNVERIFIED]) and what they concern."""


class LicenceEntry(_Strict):
    """One licence of the catalogue."""

    format_version: Literal[1]
    id: LicenceId
    """SPDX identifier, or a LicenseRef-… chosen by this project for licences SPDX does not list."""
    name: Text
    """Full name and version."""
    spdx_listed: bool
    """The id is on the SPDX licence list (otherwise a project-chosen LicenseRef-…)."""
    hf_id: str | None = None
    """The Hugging Face Hub 'license:' value ('other' when the Hub has none)."""
    hf_license_name: str | None = None
    """The Hub 'license_name:' value used with 'license: other'."""
    aliases: list[str] = []
    """Other spellings that identify this licence (matched case-insensitively)."""
    url: Text
    """Where the licence text is published."""
    released: dt.date | None = None
    """Date of the licence version."""
    applies_to: str | None = None
    """Typical releases under it (models, versions)."""
    kind: LicenceKind
    osi_approved: bool
    """On the OSI list of approved licences."""
    osd_conformant: Literal["yes", "no", "uncertain"]
    """Whether the terms meet the Open Source Definition (OSAID 1.0 requires OSD-conformant
    terms for parameters and data information, OSI-approved licences for code)."""
    mof_content_types: list[Literal["code", "data", "document"]] = []
    """Component types for which the Model Openness Framework accepts this licence as open
    ([] = not an open licence for the MOF)."""
    terms: Terms
    aia_foss: AiaFoss
    verification: CatalogueVerification
    notes: str | None = None

