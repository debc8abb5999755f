"""The obligations engine: conditions, classifications, dated obligations. Pure code.

Submodules are imported on first use so that validation (which needs only the condition
evaluator) does not load the assessment machinery."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from compliance.law.engine.evaluator import assess
    from compliance.law.engine.results import Assessment, Status, Verdict

__all__ = ["assess", "Assessment", "Status", "Verdict"]


def __getattr__(name: str) -> Any:
    if name == "assess":
        from compliance.law.engine.evaluator import assess

        return assess
    if name in ("Assessment", "Status", "Verdict"):
        from compliance.law.engine import results

        return getattr(results, name)
    raise AttributeError(name)
