"""Document contexts: plain data for the templates, with every formatting decision taken here.

One module per document family, over two shared ones:

- ``formatting``: display labels and value formatting helpers;
- ``base``: pack-wide facts (PackInfo), evidence records, each document's header;
- ``structured``: documents whose legal structure is a ``<document>.sections.yaml`` file;
- ``transparency``: the pack's transparency report;
- ``incident_log``: the incident log, from the incident register;
- ``facts``: fact paths in the descriptor data (dotted, filtered, first stated);
- ``deciding``: the pack index's questions that decide the most undetermined obligations;
- ``gaps``: the pack's gap dashboard, every missing fact listed once.

Templates receive only dicts, lists, strings and numbers; no pydantic objects and no callables.
This package re-exports the names the pack builder and the tests import.
"""

from __future__ import annotations

from compliance.documents.context.base import PackInfo, evidence_records
from compliance.documents.context.deciding import deciding_context
from compliance.documents.context.facts import resolve
from compliance.documents.context.gaps import (
    Dashboard,
    build_dashboard,
    dashboard_context,
    dashboard_of,
)
from compliance.documents.context.incident_log import incident_log_context
from compliance.documents.context.structured import (
    _Walker,
    load_structure,
    structured_context,
)
from compliance.documents.context.transparency import transparency_context

__all__ = [
    "Dashboard",
    "PackInfo",
    "_Walker",
    "build_dashboard",
    "dashboard_context",
    "dashboard_of",
    "deciding_context",
    "evidence_records",
    "incident_log_context",
    "load_structure",
    "resolve",
    "structured_context",
    "transparency_context",
]
