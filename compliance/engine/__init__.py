"""The obligations engine: conditions, classifications, dated obligations. Pure code."""

from .assess import assess
from .results import Assessment, Status, Verdict

__all__ = ["assess", "Assessment", "Status", "Verdict"]
