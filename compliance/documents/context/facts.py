"""Fact paths in the plain descriptor data the documents are filled from: a dotted path
(``model.training_data.sources``), a list filter (``sources[type=web_crawl|licensed]``), and the
first stated of several paths."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def resolve(root: Mapping[str, Any], path: str) -> Any:
    """Look up a dotted path; lists are flattened (``system.use_cases.annex_iii``).

    Returns None when any step is unstated. A list of values is returned for paths through
    lists; it is None when every element's value is unstated.

    A step may filter a list: ``sources[type=web_crawl]`` keeps the entries whose ``type`` is
    ``web_crawl`` (``[type=a|b]``: either value; a list-valued key matches when it holds one of
    the values). A filter that keeps nothing gives ``[]``.
    """
    current: Any = root
    parts = path.split(".")
    for index, part in enumerate(parts):
        if isinstance(current, list):
            rest = ".".join(parts[index:])
            values = [resolve(item, rest) for item in current]
            stated = [v for v in values if v is not None]
            if not stated:
                return None
            flat: list[Any] = []
            for v in stated:
                flat.extend(v if isinstance(v, list) else [v])
            return flat
        name, where = _split_filter(part)
        if not isinstance(current, Mapping) or current.get(name) is None:
            return None
        current = current[name]
        if where is not None:
            if not isinstance(current, list):
                return None
            current = [item for item in current if _matches(item, *where)]
    return current


def _split_filter(part: str) -> tuple[str, tuple[str, frozenset[str]] | None]:
    if not part.endswith("]") or "[" not in part:
        return part, None
    name, condition = part[:-1].split("[", 1)
    key, sep, values = condition.partition("=")
    if not sep or not key or not values:
        raise ValueError(f"path step {part!r}: a filter reads [key=value] or [key=a|b]")
    return name, (key, frozenset(values.split("|")))


def _matches(item: Any, key: str, values: frozenset[str]) -> bool:
    if not isinstance(item, Mapping):
        return False
    value = item.get(key)
    stated = value if isinstance(value, list) else [value]
    return any(_as_text(v) in values for v in stated if v is not None)


def _as_text(value: Any) -> str:
    """A scalar as a filter compares it: booleans as true/false, the rest as written."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


def _first_stated(root: Mapping[str, Any], paths: Sequence[str]) -> Any:
    """The value of the first of ``paths`` that is stated (an empty list counts only if no
    other path is stated)."""
    fallback = None
    for path in paths:
        value = resolve(root, path)
        if value is None or value == "":
            continue
        if value == []:
            fallback = value
            continue
        return value
    return fallback


# --------------------------------------------------------------------------- structure walk
