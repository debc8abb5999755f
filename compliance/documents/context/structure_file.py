"""The sections files (``<document>.sections.yaml``): loading, and the checks that refuse a
file whose fields name an undefined question or band set, or whose repeated sections are
malformed, before any document is filled from it."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml


def load_structure(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict) or "sections" not in data:
        raise ValueError(f"{path}: a document structure needs 'sections'")
    _reject_empty_keys(data, path)
    _check_references(data, path)
    return data


def _check_references(data: Mapping[str, Any], path: Path) -> None:
    """Every question and band set a field names is defined in the file; repeated sections are
    well formed."""
    questions = data.get("questions") or {}
    bands = data.get("bands") or {}
    for name, q in questions.items():
        missing = [k for k in ("items", "key", "yes_if", "complete") if k not in q]
        if missing:
            raise ValueError(f"{path}: question {name!r} needs {', '.join(missing)}")
    stack = list(data["sections"])
    while stack:
        node = stack.pop()
        if "each" in node:
            _check_repeated(node, path)
        stack.extend(node.get("children") or [])
        stack.extend(node.get("fields") or [])
        conditions = _conditions(node.get("applicable_if") or {}, path, node.get("id"))
        if "only_when_applying" in node and not isinstance(node["only_when_applying"], bool):
            raise ValueError(f"{path}: {node.get('id')}: only_when_applying is true or false")
        for ref in (node.get("question"), *(c.get("question") for c in conditions)):
            if ref is not None and ref not in questions:
                raise ValueError(f"{path}: {node.get('id')}: no question {ref!r} in 'questions'")
        if node.get("bands") is not None and node["bands"] not in bands:
            raise ValueError(f"{path}: {node.get('id')}: no band set {node['bands']!r} in 'bands'")


def _conditions(cond: Mapping[str, Any], path: Path, where: Any) -> list[Mapping[str, Any]]:
    """An ``applicable_if`` condition and, for ``any``/``all``, every condition inside it."""
    if "any" not in cond and "all" not in cond:
        return [cond]
    parts = cond.get("any", cond.get("all"))
    if not isinstance(parts, list) or not parts or ("any" in cond and "all" in cond):
        raise ValueError(f"{path}: {where}: applicable_if takes 'any' or 'all' with a list of "
                         "conditions")
    return [cond, *(c for part in parts for c in _conditions(part, path, where))]


def _reject_empty_keys(node: Any, path: Path) -> None:
    """A key without a value is almost always an unquoted comma inside a flow mapping
    (``{label: methods, techniques}``), which silently truncates the label."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            if value is None:
                raise ValueError(f"{path}: key {key!r} has no value; quote values that contain commas")
            _reject_empty_keys(value, path)
    elif isinstance(node, list):
        for item in node:
            _reject_empty_keys(item, path)


def _check_repeated(node: Mapping[str, Any], path: Path) -> None:
    """A repeated section (``each``: a list fact) is filled once per item: its fields need ids
    with ``{n}`` (the item's number) so that every item's fields and gaps are distinct; it holds
    fields only."""
    if node.get("children"):
        raise ValueError(f"{path}: {node.get('id')}: a repeated section ('each') holds fields only")
    for f in node.get("fields") or []:
        if "{n}" not in str(f.get("id", "")):
            raise ValueError(f"{path}: {f.get('id')}: a field of a repeated section needs '{{n}}' "
                             "in its id")
