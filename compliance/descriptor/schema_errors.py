"""Turn pydantic validation errors into located, friendly problems."""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from compliance.descriptor.problems import Problem, Severity, dotted
from compliance.descriptor.yamlio import Located


def _unwrap(annotation: Any) -> Any:
    """The model class inside ``X | None``, ``list[X]``, ``Annotated[X, ...]``."""
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        for arg in get_args(annotation):
            if arg is not type(None):
                found = _unwrap(arg)
                if isinstance(found, type) and issubclass(found, BaseModel):
                    return found
        return None
    if origin in (list, tuple):
        return _unwrap(get_args(annotation)[0])
    return annotation


def model_at(model: type[BaseModel], path: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The pydantic model that describes the mapping at ``path`` (list indices skipped)."""
    current: Any = model
    for part in path:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(part)
        if field is None:
            return None
        current = _unwrap(field.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _allowed_values(ctx: dict[str, Any] | None) -> str | None:
    if not ctx:
        return None
    expected = ctx.get("expected")
    return str(expected) if expected else None


def _message(err: ErrorDetails, model: type[BaseModel], path: tuple[str | int, ...]) -> tuple[str, str | None]:
    kind = err["type"]
    if not path:
        name = "document"
    elif isinstance(path[-1], int) and len(path) > 1:
        name = f"{path[-2]}[{path[-1]}]"
    else:
        name = str(path[-1])
    value = err.get("input")
    if kind == "extra_forbidden":
        parent = model_at(model, path[:-1])
        options = sorted(parent.model_fields) if parent else []
        close = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}?" if close else None
        if not hint and options:
            hint = "allowed keys here: " + ", ".join(options)
        return f"unknown key {name!r}", hint
    if kind == "missing":
        where = dotted(path[:-1])
        return (f"missing required key {name!r}" + (f" in {where!r}" if where else ""),
                f"add '{name}:' to this mapping")
    if kind == "bool_type":
        return (
            f"{name!r} must be true or false, not {value!r}",
            "write true or false (unquoted); yes/no/on/off are not booleans here",
        )
    if kind in ("enum", "literal_error"):
        allowed = _allowed_values(err.get("ctx"))
        return f"{name!r} has an invalid value {value!r}", (f"expected {allowed}" if allowed else None)
    if kind == "string_pattern_mismatch":
        pattern = (err.get("ctx") or {}).get("pattern", "")
        hints = {
            "AnnexPoint": "write Annex III points in canonical form, e.g. \"4(a)\" or \"2\"",
        }
        hint = None
        if "\\([a-z]" in pattern and "[AB]" not in pattern:
            hint = hints["AnnexPoint"]
        elif "[AB]" in pattern:
            hint = 'write Annex I entries as section and point, e.g. "A(11)" or "B(21)"'
        elif pattern.startswith("^[A-Z]{2}$"):
            hint = "use an ISO 3166-1 alpha-2 country code such as DE, FR or US"
        elif "LicenseRef" in pattern:
            hint = "use an SPDX id (e.g. Apache-2.0) or LicenseRef-<name> for a custom licence"
        elif "A-Z]{2}(-" in pattern:
            hint = "use a market code such as EU, US-CA, KR or CN"
        return f"{name!r} has an invalid format: {value!r}", hint
    if kind.startswith("date") or kind.startswith("datetime"):
        return f"{name!r} must be a date (YYYY-MM-DD), not {value!r}", "write an ISO date such as 2026-08-02"
    if kind in ("list_type",):
        return f"{name!r} must be a list", "write a YAML list: [a, b] or one '- item' per line"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"{name!r} must be a mapping of keys to values", None
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"{name!r} must be a whole number, not {value!r}", None
    if kind in ("float_type", "float_parsing"):
        return f"{name!r} must be a number, not {value!r}", "write numbers such as 2.0e+25 or 1e25"
    if kind in ("string_type",):
        return f"{name!r} must be text, not {value!r}", "quote the value"
    msg = err.get("msg", "invalid value")
    return f"{name!r}: {msg}", None


def problems_from(
    exc: ValidationError, located: Located, model: type[BaseModel], file: str
) -> list[Problem]:
    problems = []
    for err in exc.errors(include_url=False):
        path = tuple(part for part in err["loc"] if not _is_union_tag(part))
        message, hint = _message(err, model, path)
        prefer_key = err["type"] in ("extra_forbidden",)
        if err["type"] == "missing":
            mark = located.mark_for(path[:-1], prefer_key=True)
        else:
            mark = located.mark_for(path, prefer_key=prefer_key)
        problems.append(
            Problem(file, mark.line, mark.column, Severity.error, "schema", message, hint, dotted(path))
        )
    return problems


def _is_union_tag(part: Any) -> bool:
    # pydantic inserts the union member name into loc for tagged/untagged unions
    return isinstance(part, str) and (part.startswith("function-") or "[" in part)
