"""Exit codes and the exception tree. Every user-facing failure maps to one exit code."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Documented process exit codes (see README, "Exit codes")."""

    OK = 0
    FINDINGS = 1  # invalid input, failed checks, overdue reports, new obligations
    USAGE = 2  # bad command line, unreadable file, unknown id
    INTERNAL = 3  # a bug in compliance itself
    INTERRUPTED = 130


class ComplianceError(Exception):
    """An error with a message meant for the user, and the exit code it maps to."""

    exit_code: ExitCode = ExitCode.FINDINGS

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(ComplianceError):
    exit_code = ExitCode.USAGE


class InputError(ComplianceError):
    """The user's descriptor (or other input file) is invalid."""


class RuleDataError(ComplianceError):
    """The rule data under jurisdictions/ is invalid: a defect of the rule set, not the user's."""

    exit_code = ExitCode.INTERNAL
