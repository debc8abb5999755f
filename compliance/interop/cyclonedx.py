"""Export a descriptor as a CycloneDX 1.6 ML-BOM (JSON).

Built with cyclonedx-python-lib: the system is the BOM's subject (metadata.component), each
model a ``machine-learning-model`` component, each training-data source a ``data`` component,
with licences, base models as pedigree ancestors, dependencies, and ``compliance:*``
properties for stated facts CycloneDX has no field for. The library (11.x) cannot express
``component.modelCard`` or ``component.data``; those two parts are added to the library's JSON
output here and the whole document is validated against the CycloneDX 1.6 JSON schema in the
tests.

Only stated facts are exported: an unknown fact is absent, never "false" or filler text.
Deterministic: the serial number is a name-based UUID of the descriptor's digest, bom-refs are
derived from descriptor ids, and the only timestamp is the one passed in.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import warnings
from typing import Any
from urllib.parse import quote

from compliance.descriptor.model import AIModel, Descriptor, Licence
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

SPEC_VERSION = "1.6"


_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def _uri(value: str) -> str:
    """``value`` as a URI reference: characters outside printable ASCII (spaces, private-use
    and other non-IRI characters a descriptor may hold) percent-encoded as UTF-8, URI syntax
    characters and existing escapes kept (a lone ``%`` becomes ``%25``), so the BOM's
    ``iri-reference`` fields always validate."""
    return quote(_LONE_PERCENT.sub("%25", value), safe=":/?#[]@!$&'()*+,;=%~-._")


def _licences(licence: Licence | None) -> list[Any]:
    from cyclonedx import spdx
    from cyclonedx.model import XsUri
    from cyclonedx.model.license import DisjunctiveLicense, LicenseExpression

    if licence is None:
        return []
    url = XsUri(_uri(licence.url)) if licence.url else None
    spdx_id = spdx.fixup_id(licence.id)
    if spdx_id is not None:
        return [DisjunctiveLicense(id=spdx_id, url=url)]
    if licence.id.startswith("LicenseRef-"):
        return [LicenseExpression(licence.id)]
    return [DisjunctiveLicense(name=licence.name or licence.id, url=url)]


def _props(pairs: list[tuple[str, str]]) -> list[Any]:
    from cyclonedx.model import Property

    return [Property(name=name, value=value) for name, value in pairs]


def _data_ref(model: AIModel, index: int) -> str:
    return f"data:{slug(model.id)}:{index + 1}"


def _model_component(model: AIModel) -> Any:
    from cyclonedx.model import ExternalReference, ExternalReferenceType, XsUri
    from cyclonedx.model.component import Component, ComponentType, Pedigree
    from cyclonedx.model.contact import OrganizationalEntity

    component = Component(
        type=ComponentType.MACHINE_LEARNING_MODEL,
        name=model_label(model),
        version=model.version,
        bom_ref=f"model:{slug(model.id)}",
        supplier=OrganizationalEntity(name=model.provider) if model.provider else None,
        licenses=_licences(model.licence),
        properties=_props(properties_for(model, MODEL_PROPERTY_PATHS)),
    )
    if model.documentation_url:
        component.external_references.add(ExternalReference(
            type=ExternalReferenceType.DOCUMENTATION, url=XsUri(_uri(model.documentation_url))))
    base = model.base_model
    if base is not None:
        base_props = base_model_properties(base)
        ancestor = Component(
            type=ComponentType.MACHINE_LEARNING_MODEL,
            name=base.id,
            bom_ref=f"model:{slug(model.id)}:base",
            supplier=OrganizationalEntity(name=base.provider) if base.provider else None,
            licenses=_licences(base.licence),
            properties=_props(base_props),
        )
        component.pedigree = Pedigree(ancestors=[ancestor])
    return component


def _data_components(model: AIModel) -> list[Any]:
    from cyclonedx.model.component import Component, ComponentType

    sources = (model.training_data.sources if model.training_data else None) or []
    return [
        Component(type=ComponentType.DATA, name=source.name, bom_ref=_data_ref(model, i),
                  properties=_props(properties_for(source, SOURCE_PROPERTY_PATHS, SOURCE_PREFIX)))
        for i, source in enumerate(sources)
    ]


def _model_card(model: AIModel, descriptor: Descriptor) -> dict[str, Any]:
    """The modelCard object (CycloneDX 1.6 ``modelCard``), stated facts only. The intended tasks
    are ``modelParameters.task`` ("directly influences the input and/or output", free text);
    the integration targets lead ``considerations.useCases`` ("the intended use cases of the
    model"). Release dates, size limits and the training-data facts the model card has no field
    for are ``compliance:*`` properties of the component."""
    parameters: dict[str, Any] = {}
    if model.intended_tasks:
        parameters["task"] = model.intended_tasks
    if model.architecture:
        parameters["architectureFamily"] = model.architecture
    sources = (model.training_data.sources if model.training_data else None) or []
    if sources:
        parameters["datasets"] = [{"ref": _data_ref(model, i)} for i in range(len(sources))]
    if model.input_modalities:
        parameters["inputs"] = [{"format": m.value} for m in model.input_modalities]
    if model.output_modalities:
        parameters["outputs"] = [{"format": m.value} for m in model.output_modalities]
    card: dict[str, Any] = {}
    if parameters:
        card["modelParameters"] = parameters
    metrics = []
    for evaluation in model.evaluations or []:
        metric: dict[str, Any] = {"type": evaluation.metric, "value": json.dumps(evaluation.value)}
        where = " / ".join(x for x in (evaluation.dataset, evaluation.split) if x)
        if where:
            metric["slice"] = where
        metrics.append(metric)
    if metrics:
        card["quantitativeAnalysis"] = {"performanceMetrics": metrics}
    considerations: dict[str, Any] = {}
    # the model's own: the systems it can be integrated into; then the uses of this system
    use_cases = [model.integration_targets] if model.integration_targets else []
    use_cases += [uc.description for uc in descriptor.system.use_cases or [] if uc.description]
    if use_cases:
        considerations["useCases"] = use_cases
    if model.energy is not None:
        energy = properties_for(model, ("energy.training_kwh", "energy.method"))
        if energy:
            considerations["environmentalConsiderations"] = {
                "properties": [{"name": n, "value": v} for n, v in energy]}
    if considerations:
        card["considerations"] = considerations
    if model.training_data and model.training_data.description:
        card.setdefault("properties", []).append(
            {"name": "compliance:training_data.description",
             "value": model.training_data.description})
    if model.training_data and model.training_data.curation:
        card.setdefault("properties", []).append(
            {"name": "compliance:training_data.curation", "value": model.training_data.curation})
    return card


def _data_entries(model: AIModel) -> dict[str, list[dict[str, Any]]]:
    """bom-ref -> the ``data`` array of each data component."""
    from cyclonedx.model import XsUri

    out: dict[str, list[dict[str, Any]]] = {}
    sources = (model.training_data.sources if model.training_data else None) or []
    for i, source in enumerate(sources):
        entry: dict[str, Any] = {"type": "dataset", "name": source.name}
        if source.url:
            entry["contents"] = {"url": str(XsUri(_uri(source.url)))}
        if source.personal_data is True:
            entry["sensitiveData"] = ["personal data"]
        if source.provenance:
            entry["description"] = source.provenance
        out[_data_ref(model, i)] = [entry]
    return out


def build_bom(descriptor: Descriptor, timestamp: dt.datetime | None) -> dict[str, Any]:
    """The ML-BOM as plain JSON data."""
    from cyclonedx.model import Property
    from cyclonedx.model.bom import Bom
    from cyclonedx.model.component import Component, ComponentType
    from cyclonedx.model.contact import OrganizationalEntity
    from cyclonedx.output.json import JsonV1Dot6

    digest = descriptor_digest(descriptor)
    system = descriptor.system
    bom = Bom(serial_number=document_uuid(digest, "cyclonedx"))
    # None: no timestamp at all (deterministic); the library's type hint omits None.
    bom.metadata.timestamp = timestamp  # type: ignore[assignment]
    subject = Component(type=ComponentType.APPLICATION, name=system.name, version=system.version,
                        bom_ref=f"system:{slug(system.id)}", description=system.intended_purpose)
    bom.metadata.component = subject
    bom.metadata.manufacturer = OrganizationalEntity(name=descriptor.organisation.name)
    bom.metadata.tools.components.add(Component(
        type=ComponentType.APPLICATION, name="compliance", version=__version__,
        bom_ref="tool:compliance"))
    bom.metadata.properties.add(Property(name="compliance:descriptor.sha256", value=digest))

    models = descriptor.models or []
    model_components = []
    cards: dict[str, dict[str, Any]] = {}
    data: dict[str, list[dict[str, Any]]] = {}
    for model in models:
        component = _model_component(model)
        datasets = _data_components(model)
        bom.components.add(component)
        for item in datasets:
            bom.components.add(item)
            bom.register_dependency(item, [])
        bom.register_dependency(component, datasets)
        model_components.append(component)
        card = _model_card(model, descriptor)
        if card:
            cards[str(component.bom_ref)] = card
        data.update(_data_entries(model))
    bom.register_dependency(subject, model_components)

    with warnings.catch_warnings():
        # The library warns about incomplete dependency graphs; ours is complete by
        # construction, and a warning must not turn into output noise.
        warnings.simplefilter("ignore")
        document: dict[str, Any] = json.loads(JsonV1Dot6(bom).output_as_string())
    for component_json in document.get("components", []):
        ref = component_json.get("bom-ref")
        if ref in cards:
            component_json["modelCard"] = cards[ref]
        if ref in data:
            component_json["data"] = data[ref]
    return document


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def export_cyclonedx(descriptor: Descriptor, timestamp: dt.datetime | None) -> str:
    return dumps(build_bom(descriptor, timestamp))
