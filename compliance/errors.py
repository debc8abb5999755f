"""Exit codes and the exception tree. Every user-facing failure maps to one exit code."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Documented process exit codes (see README, "Exit codes")."""

    OK = 0
    FINDINGS = 1  # invalid input, failed checks, overdue reports, new obligations
    USAGE = 2  # bad command line, unreadable file, unknown id
    INTERNAL = 3  # the tool's own data or installation is broken, or a bug in compliance
    INTERRUPTED = 130


class ComplianceError(Exception):
    """An error with a message meant for the user, and the exit code it maps to.

    Messages often quote input (a descriptor value, a register line, a file name), so the
    message and hint are made printable here, once (see :mod:`compliance.io.textsafe`): control and
    bidirectional-override characters show as ``\\x1b`` / ``\\u202e`` wherever the error is shown.
    """

    exit_code: ExitCode = ExitCode.FINDINGS

    def __init__(self, message: str, hint: str | None = None) -> None:
        from compliance.io.textsafe import printable

        message = printable(message)
        super().__init__(message)
        self.message = message
        self.hint = printable(hint) if hint is not None else None


class UsageError(ComplianceError):
    exit_code = ExitCode.USAGE


class InputError(ComplianceError):
    """The user's descriptor (or other input file) is invalid."""


class TemplateError(ComplianceError):
    """A template failed to load or render: a syntax error, an undefined variable, something
    the sandbox refuses, or a path outside the template folders. The message starts with the
    template file and line (``templates/eu/x.html.j2:12: template error: ...``)."""


class MissingDataError(ComplianceError):
    """Data the tool ships (rule data, templates, fonts, schemas) is missing, empty or
    unreadable. A compliance tool without its law must fail loudly, never answer "nothing
    applies"."""

    exit_code = ExitCode.INTERNAL


class RuleDataError(ComplianceError):
    """The rule data under jurisdictions/ is invalid: a defect of the rule set, not the user's."""

    exit_code = ExitCode.INTERNAL
