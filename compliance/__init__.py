"""compliance: turn the facts of an AI system into the obligations and documents regulators ask
for. Not legal advice.

The public API (see docs/api.md) is re-exported here and imported on first use, so that
``import compliance`` (and ``compliance validate``) stays fast::

    import datetime as dt
    import compliance

    report = compliance.validate("ai-system.yaml", as_of=dt.date(2027, 12, 2))
    assessment = compliance.assess("ai-system.yaml", as_of=dt.date(2027, 12, 2))
    pack = compliance.build_pack("ai-system.yaml", "audit-packs", as_of=dt.date(2027, 12, 2))
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from compliance.version import __version__

if TYPE_CHECKING:
    from compliance.api import Validation, assess, build_pack, load, validate
    from compliance.descriptor.model import Descriptor
    from compliance.errors import ComplianceError
    from compliance.law.engine.results import Assessment

__all__ = ["Assessment", "ComplianceError", "Descriptor", "Validation", "__version__", "assess",
           "build_pack", "load", "validate"]


def __getattr__(name: str) -> Any:
    if name in ("Validation", "assess", "build_pack", "load", "validate"):
        from compliance import api

        return getattr(api, name)
    if name == "Assessment":
        from compliance.law.engine.results import Assessment

        return Assessment
    if name == "ComplianceError":
        from compliance.errors import ComplianceError

        return ComplianceError
    if name == "Descriptor":
        from compliance.descriptor.model import Descriptor

        return Descriptor
    raise AttributeError(f"module 'compliance' has no attribute {name!r}")
