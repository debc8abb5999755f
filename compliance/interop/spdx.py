"""Export a descriptor as an SPDX 3.0.1 JSON-LD document with the AI and Dataset profiles.

The document is built with spdx-python-model, the SPDX project's bindings generated from the
3.0.1 SHACL model: every element is an object of its ``v3_0_1`` class, every enumeration value
one of the model's named individuals, and the library's ``JSONLDSerializer`` writes the JSON-LD
(context, ``@graph``, compact names, blank-node ids). Setting a property the class does not have,
a value of the wrong type or a required property left empty fails here, not downstream.

The system is a ``software_Package`` (primary purpose application) and the document's root
element; each model is an ``ai_AIPackage`` (its intended tasks as ``ai_domain``, "the domain
where the AI model ... can be expected to operate successfully"; its integration targets as
``ai_informationAboutApplication``, "how the AI model is used inside the software"; its first
release date as ``releaseTime``, midnight UTC; the descriptor states no standard compliance or
limitation of a model, so ``ai_standardCompliance`` and ``ai_limitation`` stay absent); each
training-data source a ``dataset_DatasetPackage``; base models are ``ai_AIPackage`` elements
the model is ``descendantOf``; licences are ``simplelicensing_LicenseExpression`` elements linked by
``hasDeclaredLicense``. Stated facts SPDX has no property for travel as ``compliance:*``
entries of the standard ``extension_CdxPropertiesExtension`` (the same names the CycloneDX
export uses).

Own code, and why: which descriptor fact goes to which SPDX property (the library is the model,
not the mapping), and the identifiers. Element ids are
``urn:uuid:<uuid5 of the descriptor digest>#<kind>-<id>``: stable for the same facts, different
when the facts change. ``created`` is the only timestamp and comes from the caller. The
serializer orders the ``@graph`` by element id (the one blank node, the CreationInfo, first,
as ``_:CreationInfo0``), so the output is byte-for-byte deterministic.

Imported only by ``compliance export spdx``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from spdx_python_model import v3_0_1 as spdx3

from compliance.descriptor.model import AIModel, DataSource, Descriptor, Licence, Modality
from compliance.interop._common import (
    MODEL_PROPERTY_PATHS,
    SOURCE_PREFIX,
    SOURCE_PROPERTY_PATHS,
    base_model_properties,
    descriptor_digest,
    document_uuid,
    model_label,
    properties_for,
    slug,
)
from compliance.version import __version__

SPEC_VERSION = "3.0.1"
_ABSOLUTE_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$")

# Descriptor modality -> SPDX dataset_DatasetType (its named individuals). Code is text data.
DATASET_TYPES: dict[Modality, str] = {
    Modality.text: spdx3.dataset_DatasetType.text,
    Modality.code: spdx3.dataset_DatasetType.text,
    Modality.image: spdx3.dataset_DatasetType.image,
    Modality.audio: spdx3.dataset_DatasetType.audio,
    Modality.speech: spdx3.dataset_DatasetType.audio,
    Modality.video: spdx3.dataset_DatasetType.video,
    Modality.tabular: spdx3.dataset_DatasetType.structured,
    Modality.time_series: spdx3.dataset_DatasetType.timeseries,
    Modality.structured: spdx3.dataset_DatasetType.structured,
    Modality.other: spdx3.dataset_DatasetType.other,
}
_PURPOSE = spdx3.software_SoftwarePurpose
_REL = spdx3.RelationshipType
_PROFILES = spdx3.ProfileIdentifierType


def _presence(value: bool | None) -> str | None:
    if value is None:
        return None
    return spdx3.PresenceType.yes if value else spdx3.PresenceType.no


def _extension(pairs: list[tuple[str, str]]) -> list[spdx3.extension_CdxPropertiesExtension]:
    if not pairs:
        return []
    return [spdx3.extension_CdxPropertiesExtension(extension_cdxProperty=[
        spdx3.extension_CdxPropertyEntry(extension_cdxPropName=name,
                                         extension_cdxPropValue=value)
        for name, value in pairs
    ])]


def _entries(pairs: list[tuple[str, str]]) -> list[spdx3.DictionaryEntry]:
    return [spdx3.DictionaryEntry(key=key, value=value) for key, value in pairs]


def _stated(props: dict[str, Any]) -> dict[str, Any]:
    """Drop unknown (None) and empty values: an absent property is an unknown fact."""
    return {k: v for k, v in props.items() if v is not None and v != [] and v != ""}


class _Builder:
    def __init__(self, descriptor: Descriptor, created: dt.datetime) -> None:
        self.descriptor = descriptor
        self.digest = descriptor_digest(descriptor)
        self.base = f"urn:uuid:{document_uuid(self.digest, 'spdx')}"
        self.creation = spdx3.CreationInfo(specVersion=SPEC_VERSION, created=created)
        self.elements: list[spdx3.Element] = []
        self.relationships: list[spdx3.Relationship] = []
        self.agents: dict[str, spdx3.Organization] = {}
        self.licences: dict[str, spdx3.simplelicensing_LicenseExpression] = {}

    def iri(self, kind: str, name: str = "") -> str:
        return f"{self.base}#{kind}" + (f"-{slug(name)}" if name else "")

    def element(self, cls: Any, kind: str, key: str = "", /, **props: Any) -> Any:
        """A new element of SPDX class ``cls`` with the id for ``kind``-``key``; only the
        stated ``props`` are set."""
        obj = cls(spdxId=self.iri(kind, key), creationInfo=self.creation, **_stated(props))
        self.elements.append(obj)
        return obj

    def agent(self, name: str) -> spdx3.Organization:
        if name not in self.agents:
            self.agents[name] = self.element(spdx3.Organization, "agent",
                                             str(len(self.agents) + 1), name=name)
        return self.agents[name]

    def licence(self, licence: Licence) -> spdx3.simplelicensing_LicenseExpression:
        if licence.id not in self.licences:
            custom = []
            if licence.id.startswith("LicenseRef-") and licence.url:
                custom = _entries([(licence.id, licence.url)])
            self.licences[licence.id] = self.element(
                spdx3.simplelicensing_LicenseExpression, "licence", licence.id,
                simplelicensing_licenseExpression=licence.id,
                simplelicensing_customIdToUri=custom, name=licence.name)
        return self.licences[licence.id]

    def relate(self, source: spdx3.Element, kind: str, targets: list[Any]) -> None:
        if not targets:
            return
        number = str(len(self.relationships) + 1)
        self.relationships.append(spdx3.Relationship(
            spdxId=self.iri("relationship", number), creationInfo=self.creation,
            from_=source, relationshipType=kind, to=targets))

    # ------------------------------------------------------------------ content

    def dataset(self, model: AIModel, index: int,
                source: DataSource) -> spdx3.dataset_DatasetPackage:
        types = sorted({DATASET_TYPES[m] for m in source.modalities or []}) or [
            spdx3.dataset_DatasetType.noAssertion]
        extra = properties_for(source, SOURCE_PROPERTY_PATHS, SOURCE_PREFIX)
        home = source.url if source.url and _ABSOLUTE_URI.match(source.url) else None
        if source.url and home is None:  # not an absolute URI: keep the stated text as text
            extra.append((f"{SOURCE_PREFIX}url", source.url))
        dataset: spdx3.dataset_DatasetPackage = self.element(
            spdx3.dataset_DatasetPackage, "dataset", f"{model.id}-{index + 1}",
            name=source.name,
            software_primaryPurpose=_PURPOSE.data,
            dataset_datasetType=types,
            dataset_hasSensitivePersonalInformation=_presence(source.personal_data),
            dataset_dataCollectionProcess=source.provenance,
            software_homePage=home,
            extension=_extension(extra))
        return dataset

    def model(self, model: AIModel) -> spdx3.ai_AIPackage:
        sources = (model.training_data.sources if model.training_data else None) or []
        personal = [s.personal_data for s in sources]
        if any(p is True for p in personal):
            sensitive: str | None = spdx3.PresenceType.yes
        elif sources and all(p is False for p in personal):
            sensitive = spdx3.PresenceType.no
        else:
            sensitive = None
        hyper = [(key, str(value)) for key, value in (("parameters", model.parameters),
                                                      ("context_window", model.context_window))
                 if value is not None]
        metrics = []
        for evaluation in model.evaluations or []:
            where = " / ".join(x for x in (evaluation.dataset, evaluation.split) if x)
            key = f"{evaluation.metric} ({where})" if where else evaluation.metric
            metrics.append((key, json.dumps(evaluation.value)))
        energy = None
        if model.energy is not None and model.energy.training_kwh is not None:
            energy = spdx3.ai_EnergyConsumption(ai_trainingEnergyConsumption=[
                spdx3.ai_EnergyConsumptionDescription(
                    ai_energyQuantity=model.energy.training_kwh,
                    ai_energyUnit=spdx3.ai_EnergyUnitType.kilowattHour)])
        training = model.training_data
        day = model.release_date
        released = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC) if day else None
        package: spdx3.ai_AIPackage = self.element(
            spdx3.ai_AIPackage, "model", model.id,
            name=model_label(model),
            software_packageVersion=model.version,
            software_primaryPurpose=_PURPOSE.model,
            suppliedBy=self.agent(model.provider) if model.provider else None,
            ai_typeOfModel=[model.architecture] if model.architecture else None,
            ai_domain=[model.intended_tasks] if model.intended_tasks else None,
            ai_informationAboutApplication=model.integration_targets,
            releaseTime=released,
            ai_informationAboutTraining=training.description if training else None,
            ai_modelDataPreprocessing=[training.curation] if training and training.curation
            else None,
            ai_hyperparameter=_entries(hyper),
            ai_metric=_entries(metrics),
            ai_energyConsumption=energy,
            ai_useSensitivePersonalInformation=sensitive,
            externalRef=[spdx3.ExternalRef(externalRefType=spdx3.ExternalRefType.documentation,
                                           locator=[model.documentation_url])]
            if model.documentation_url else None,
            extension=_extension([p for p in properties_for(model, MODEL_PROPERTY_PATHS)
                                  if p[0] != "compliance:release_date"]))  # it is releaseTime
        if model.licence is not None:
            self.relate(package, _REL.hasDeclaredLicense, [self.licence(model.licence)])
        self.relate(package, _REL.trainedOn,
                    [self.dataset(model, i, s) for i, s in enumerate(sources)])
        base = model.base_model
        if base is not None:
            base_package = self.element(
                spdx3.ai_AIPackage, "base-model", model.id,
                name=base.id,
                software_primaryPurpose=_PURPOSE.model,
                suppliedBy=self.agent(base.provider) if base.provider else None,
                extension=_extension(base_model_properties(base)))
            if base.licence is not None:
                self.relate(base_package, _REL.hasDeclaredLicense, [self.licence(base.licence)])
            self.relate(package, _REL.descendantOf, [base_package])
        return package

    def build(self) -> spdx3.SHACLObjectSet:
        descriptor = self.descriptor
        self.creation.createdBy = [self.agent(descriptor.organisation.name)]
        tool = self.element(spdx3.Tool, "tool", "compliance", name=f"compliance {__version__}")
        self.creation.createdUsing = [tool]
        system = descriptor.system
        package = self.element(
            spdx3.software_Package, "system", system.id,
            name=system.name,
            software_packageVersion=system.version,
            software_primaryPurpose=_PURPOSE.application,
            description=system.intended_purpose)
        self.relate(package, _REL.contains, [self.model(m) for m in descriptor.models or []])
        document = spdx3.SpdxDocument(
            spdxId=self.iri("document"),
            creationInfo=self.creation,
            name=f"{system.name}: AI bill of materials",
            comment=f"Generated by compliance {__version__} from an AI-system descriptor "
                    f"(SHA-256 of its canonical facts: {self.digest}). Facts not stated in the "
                    "descriptor are absent, not false. Not legal advice.",
            profileConformance=[_PROFILES.core, _PROFILES.software, _PROFILES.simpleLicensing,
                                _PROFILES.dataset, _PROFILES.ai, _PROFILES.extension],
            rootElement=[package],
            element=[*self.elements, *self.relationships])
        return spdx3.SHACLObjectSet([document, *self.elements, *self.relationships])


def build_document(descriptor: Descriptor, created: dt.datetime) -> dict[str, Any]:
    """The SPDX 3.0.1 document as JSON-LD data, serialised by spdx-python-model."""
    objects = _Builder(descriptor, created).build()
    data: dict[str, Any] = spdx3.JSONLDSerializer().serialize_data(objects, force_at_graph=True)
    return data


def export_spdx(descriptor: Descriptor, created: dt.datetime) -> str:
    return json.dumps(build_document(descriptor, created), indent=2, ensure_ascii=False) + "\n"
