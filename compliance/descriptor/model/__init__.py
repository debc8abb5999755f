"""The AI-system descriptor: the facts a team states about one AI system.

Every field is optional unless the document cannot be understood without it: a fact that is
not stated is *unknown*, never false. The obligations engine turns unknown facts it needs into
``undetermined`` verdicts that name the missing fact.

This package holds no legal values. Enumerations here are vocabularies of facts (roles, sizes,
modalities); which of them trigger which provision is decided by the rule data under
``jurisdictions/``.

One module per part of the descriptor: ``common`` (format version, constrained types, the base
model), ``organisation``, ``system`` (lifecycle, features, prohibited-practice screening),
``use_cases`` (classification facts), ``fria`` (the deployer's fundamental rights impact
assessment), ``high_risk`` (instructions-for-use content, post-market monitoring, EU database
registration), ``ai_models`` (with ``gpai_policies``: a model's copyright policy and Safety and
Security Model Report facts), ``evidence`` (evidence files and the
incident register) and ``descriptor`` (the root ``Descriptor``). Import from this package: every
public name is re-exported here.
"""

from __future__ import annotations

from compliance.descriptor.model.ai_models import (
    AIModel,
    BaseModelRef,
    Channel,
    Component,
    ComponentKind,
    ComputeMethod,
    DataSource,
    Energy,
    Evaluation,
    Licence,
    Modality,
    ModalityLimit,
    Monetisation,
    Origin,
    ParameterRange,
    RebuttalStatus,
    Release,
    SystemicRisk,
    TrainingCompute,
    TrainingData,
    TrainingModality,
)
from compliance.descriptor.model.common import (
    MAX_USE_CASES,
    SCHEMA_VERSION,
    AnnexIEntry,
    AnnexPoint,
    CountryCode,
    Flop,
    Identifier,
    LicenceId,
    MarketCode,
    NonEmptyText,
    RelativePath,
    YearMonth,
)
from compliance.descriptor.model.descriptor import Descriptor
from compliance.descriptor.model.evidence import (
    Evidence,
    Incidents,
    Redaction,
    RedactionReason,
)
from compliance.descriptor.model.fria import (
    AffectedCategory,
    FriaNotification,
    FundamentalRightsImpactAssessment,
    PeriodAndFrequency,
    RightAnalysis,
    RiskLevel,
)
from compliance.descriptor.model.gpai_policies import (
    CopyrightPolicy,
    IdentifiedSystemicRisk,
    SafetySecurity,
)
from compliance.descriptor.model.high_risk import (
    AccuracyMetric,
    EuRegistration,
    InstructionsForUseContent,
    MonitoringSource,
    NotifiedBodyCertificate,
    PostMarketMonitoring,
)
from compliance.descriptor.model.organisation import (
    KoreaMetrics,
    Money,
    Organisation,
    Role,
    SizeClass,
)
from compliance.descriptor.model.system import (
    DesignChange,
    Features,
    Lifecycle,
    ProhibitedPracticeScreening,
    RemoteBiometricIdentification,
    Stage,
    SupplyKind,
    SyntheticContent,
    System,
    ThirdPartySupply,
)
from compliance.descriptor.model.use_cases import (
    AnnexIProduct,
    ConsequentialDecisionDomain,
    Derogation,
    DerogationCondition,
    HighImpactDomain,
    Setting,
    UseCase,
)

__all__ = [
    "RightAnalysis",
    "PeriodAndFrequency",
    "RiskLevel",
    "FundamentalRightsImpactAssessment",
    "FriaNotification",
    "AffectedCategory",
    "AIModel",
    "AnnexIEntry",
    "AnnexIProduct",
    "AnnexPoint",
    "BaseModelRef",
    "Channel",
    "Component",
    "ComponentKind",
    "CopyrightPolicy",
    "IdentifiedSystemicRisk",
    "SafetySecurity",
    "ComputeMethod",
    "ConsequentialDecisionDomain",
    "CountryCode",
    "DataSource",
    "Derogation",
    "DerogationCondition",
    "Descriptor",
    "AccuracyMetric",
    "EuRegistration",
    "InstructionsForUseContent",
    "MonitoringSource",
    "NotifiedBodyCertificate",
    "PostMarketMonitoring",
    "DesignChange",
    "Energy",
    "Evaluation",
    "Evidence",
    "Redaction",
    "RedactionReason",
    "Features",
    "Flop",
    "HighImpactDomain",
    "Identifier",
    "Incidents",
    "KoreaMetrics",
    "Licence",
    "LicenceId",
    "Lifecycle",
    "MarketCode",
    "Modality",
    "ModalityLimit",
    "Monetisation",
    "Money",
    "NonEmptyText",
    "Organisation",
    "Origin",
    "ParameterRange",
    "ProhibitedPracticeScreening",
    "RebuttalStatus",
    "Release",
    "RelativePath",
    "RemoteBiometricIdentification",
    "Role",
    "MAX_USE_CASES",
    "SCHEMA_VERSION",
    "Setting",
    "SizeClass",
    "Stage",
    "SupplyKind",
    "SyntheticContent",
    "System",
    "SystemicRisk",
    "ThirdPartySupply",
    "TrainingCompute",
    "TrainingData",
    "TrainingModality",
    "UseCase",
    "YearMonth",
]
