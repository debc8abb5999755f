"""Problems found in user input: one shape for every check and every output format."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    error = "error"
    warning = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One located finding. ``check`` names the rule that produced it (e.g. ``schema``,
    ``dates-in-order``) so users can look it up and CI can filter on it."""

    file: str
    line: int
    column: int
    severity: Severity
    check: str
    message: str
    hint: str | None = None
    path: str = ""

    def format(self) -> str:
        text = f"{self.file}:{self.line}:{self.column}: {self.severity.value}: {self.message} [{self.check}]"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class ProblemList:
    """``errors`` and ``warnings`` of anything that holds ``problems`` (a validation result)."""

    problems: Sequence[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.warning]


def dotted(path: tuple[str | int, ...]) -> str:
    """Render a data path as ``system.use_cases[0].annex_iii``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out
