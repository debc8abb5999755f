"""Export a descriptor as an SPDX 3.0.1 JSON-LD document with the AI and Dataset profiles.

Plain JSON, built here (no runtime dependency): the system is a ``software_Package``
(primary purpose application) and the document's root element; each model is an
``ai_AIPackage``; each training-data source a ``dataset_DatasetPackage``; base models are
``ai_AIPackage`` elements the model is ``descendantOf``; licences are
``simplelicensing_LicenseExpression`` elements linked by ``hasDeclaredLicense``. Stated facts
SPDX has no property for travel as ``compliance:*`` entries of the standard
``extension_CdxPropertiesExtension`` (the same names the CycloneDX export uses).

Element ids are ``urn:uuid:<uuid5 of the descriptor digest>#<kind>-<id>``: stable for the
same facts, different when the facts change. ``created`` is the only timestamp and comes from
the caller. The tests validate the output with the SPDX 3.0.1 bindings (spdx-python-model)
and a hand-written subset JSON schema (no package ships the official SPDX 3 JSON schema for
offline use).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from compliance.descriptor.model import AIModel, DataSource, Descriptor, Licence, Modality
from compliance.interop._common import (
    MODEL_PROPERTY_PATHS,
    SOURCE_PREFIX,
    SOURCE_PROPERTY_PATHS,
    base_model_properties,
    descriptor_digest,
    document_uuid,
    iso_utc,
    model_label,
    properties_for,
    slug,
)
from compliance.version import __version__

SPEC_VERSION = "3.0.1"
CONTEXT = "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
CREATION_INFO = "_:creationinfo"
_ABSOLUTE_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$")

# Descriptor modality -> SPDX dataset_DatasetType. Code is text data.
DATASET_TYPES: dict[Modality, str] = {
    Modality.text: "text",
    Modality.code: "text",
    Modality.image: "image",
    Modality.audio: "audio",
    Modality.speech: "audio",
    Modality.video: "video",
    Modality.tabular: "structured",
    Modality.time_series: "timeseries",
    Modality.structured: "structured",
    Modality.other: "other",
}


def _presence(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


def _extension(pairs: list[tuple[str, str]]) -> list[dict[str, Any]] | None:
    if not pairs:
        return None
    return [{
        "type": "extension_CdxPropertiesExtension",
        "extension_cdxProperty": [
            {"type": "extension_CdxPropertyEntry", "extension_cdxPropName": name,
             "extension_cdxPropValue": value}
            for name, value in pairs
        ],
    }]


def _clean(element: dict[str, Any]) -> dict[str, Any]:
    """Drop unknown (None) and empty values: an absent property is an unknown fact."""
    return {k: v for k, v in element.items() if v is not None and v != [] and v != ""}


class _Builder:
    def __init__(self, descriptor: Descriptor, created: dt.datetime) -> None:
        self.descriptor = descriptor
        self.digest = descriptor_digest(descriptor)
        self.base = f"urn:uuid:{document_uuid(self.digest, 'spdx')}"
        self.created = created
        self.elements: list[dict[str, Any]] = []
        self.relationships: list[dict[str, Any]] = []
        self.agents: dict[str, str] = {}
        self.licences: dict[str, str] = {}

    def iri(self, kind: str, name: str = "") -> str:
        return f"{self.base}#{kind}" + (f"-{slug(name)}" if name else "")

    def element(self, data: dict[str, Any]) -> str:
        data.setdefault("creationInfo", CREATION_INFO)
        self.elements.append(_clean(data))
        return str(data["spdxId"])

    def agent(self, name: str) -> str:
        if name not in self.agents:
            spdx_id = self.iri("agent", str(len(self.agents) + 1))
            self.agents[name] = spdx_id
            self.element({"type": "Organization", "spdxId": spdx_id, "name": name})
        return self.agents[name]

    def licence(self, licence: Licence) -> str:
        if licence.id not in self.licences:
            spdx_id = self.iri("licence", licence.id)
            custom = None
            if licence.id.startswith("LicenseRef-") and licence.url:
                custom = [{"type": "DictionaryEntry", "key": licence.id, "value": licence.url}]
            self.element({
                "type": "simplelicensing_LicenseExpression", "spdxId": spdx_id,
                "simplelicensing_licenseExpression": licence.id,
                "simplelicensing_customIdToUri": custom,
                "name": licence.name,
            })
            self.licences[licence.id] = spdx_id
        return self.licences[licence.id]

    def relate(self, source: str, kind: str, targets: list[str]) -> None:
        if not targets:
            return
        number = len(self.relationships) + 1
        self.relationships.append({
            "type": "Relationship", "spdxId": self.iri("relationship", str(number)),
            "creationInfo": CREATION_INFO, "from": source, "relationshipType": kind,
            "to": targets,
        })

    # ------------------------------------------------------------------ content

    def dataset(self, model: AIModel, index: int, source: DataSource) -> str:
        types = sorted({DATASET_TYPES[m] for m in source.modalities or []}) or ["noAssertion"]
        extra = properties_for(source, SOURCE_PROPERTY_PATHS, SOURCE_PREFIX)
        home = source.url if source.url and _ABSOLUTE_URI.match(source.url) else None
        if source.url and home is None:  # not an absolute URI: keep the stated text as text
            extra.append((f"{SOURCE_PREFIX}url", source.url))
        return self.element({
            "type": "dataset_DatasetPackage",
            "spdxId": self.iri("dataset", f"{model.id}-{index + 1}"),
            "name": source.name,
            "software_primaryPurpose": "data",
            "dataset_datasetType": types,
            "dataset_hasSensitivePersonalInformation": _presence(source.personal_data),
            "dataset_dataCollectionProcess": source.provenance,
            "software_homePage": home,
            "extension": _extension(extra),
        })

    def model(self, model: AIModel) -> str:
        sources = (model.training_data.sources if model.training_data else None) or []
        personal = [s.personal_data for s in sources]
        if any(p is True for p in personal):
            sensitive: str | None = "yes"
        elif sources and all(p is False for p in personal):
            sensitive = "no"
        else:
            sensitive = None
        hyper = [{"type": "DictionaryEntry", "key": key, "value": str(value)}
                 for key, value in (("parameters", model.parameters),
                                    ("context_window", model.context_window))
                 if value is not None]
        metrics = []
        for evaluation in model.evaluations or []:
            where = " / ".join(x for x in (evaluation.dataset, evaluation.split) if x)
            key = f"{evaluation.metric} ({where})" if where else evaluation.metric
            metrics.append({"type": "DictionaryEntry", "key": key,
                            "value": json.dumps(evaluation.value)})
        energy = None
        if model.energy is not None and model.energy.training_kwh is not None:
            energy = {"type": "ai_EnergyConsumption", "ai_trainingEnergyConsumption": [{
                "type": "ai_EnergyConsumptionDescription",
                "ai_energyQuantity": json.dumps(model.energy.training_kwh),
                "ai_energyUnit": "kilowattHour",
            }]}
        training = model.training_data
        model_id = self.element({
            "type": "ai_AIPackage",
            "spdxId": self.iri("model", model.id),
            "name": model_label(model),
            "software_packageVersion": model.version,
            "software_primaryPurpose": "model",
            "suppliedBy": self.agent(model.provider) if model.provider else None,
            "ai_typeOfModel": [model.architecture] if model.architecture else None,
            "ai_informationAboutTraining": training.description if training else None,
            "ai_modelDataPreprocessing": [training.curation] if training and training.curation
            else None,
            "ai_hyperparameter": hyper,
            "ai_metric": metrics,
            "ai_energyConsumption": energy,
            "ai_useSensitivePersonalInformation": sensitive,
            "externalRef": [{"type": "ExternalRef", "externalRefType": "documentation",
                             "locator": [model.documentation_url]}]
            if model.documentation_url else None,
            "extension": _extension(properties_for(model, MODEL_PROPERTY_PATHS)),
        })
        if model.licence is not None:
            self.relate(model_id, "hasDeclaredLicense", [self.licence(model.licence)])
        datasets = [self.dataset(model, i, s) for i, s in enumerate(sources)]
        self.relate(model_id, "trainedOn", datasets)
        base = model.base_model
        if base is not None:
            base_props = base_model_properties(base)
            base_id = self.element({
                "type": "ai_AIPackage",
                "spdxId": self.iri("base-model", model.id),
                "name": base.id,
                "software_primaryPurpose": "model",
                "suppliedBy": self.agent(base.provider) if base.provider else None,
                "extension": _extension(base_props),
            })
            if base.licence is not None:
                self.relate(base_id, "hasDeclaredLicense", [self.licence(base.licence)])
            self.relate(model_id, "descendantOf", [base_id])
        return model_id

    def build(self) -> dict[str, Any]:
        descriptor = self.descriptor
        organisation = self.agent(descriptor.organisation.name)
        tool = self.iri("tool", "compliance")
        self.element({"type": "Tool", "spdxId": tool, "name": f"compliance {__version__}"})
        system = descriptor.system
        system_id = self.element({
            "type": "software_Package",
            "spdxId": self.iri("system", system.id),
            "name": system.name,
            "software_packageVersion": system.version,
            "software_primaryPurpose": "application",
            "description": system.intended_purpose,
        })
        models = [self.model(m) for m in descriptor.models or []]
        self.relate(system_id, "contains", models)
        document = _clean({
            "type": "SpdxDocument",
            "spdxId": self.iri("document"),
            "creationInfo": CREATION_INFO,
            "name": f"{system.name}: AI bill of materials",
            "comment": f"Generated by compliance {__version__} from an AI-system descriptor "
                       f"(SHA-256 of its canonical facts: {self.digest}). Facts not stated in the "
                       "descriptor are absent, not false. Not legal advice.",
            "profileConformance": ["core", "software", "simpleLicensing", "dataset", "ai",
                                   "extension"],
            "rootElement": [system_id],
            "element": [e["spdxId"] for e in self.elements] + [
                r["spdxId"] for r in self.relationships],
        })
        creation = {
            "type": "CreationInfo",
            "@id": CREATION_INFO,
            "specVersion": SPEC_VERSION,
            "created": iso_utc(self.created),
            "createdBy": [organisation],
            "createdUsing": [tool],
        }
        return {"@context": CONTEXT,
                "@graph": [creation, document, *self.elements, *self.relationships]}


def build_document(descriptor: Descriptor, created: dt.datetime) -> dict[str, Any]:
    """The SPDX 3.0.1 document as plain JSON-LD data."""
    return _Builder(descriptor, created).build()


def export_spdx(descriptor: Descriptor, created: dt.datetime) -> str:
    return json.dumps(build_document(descriptor, created), indent=2, ensure_ascii=False) + "\n"
