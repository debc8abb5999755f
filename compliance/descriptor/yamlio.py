"""Strict, safe YAML loading that remembers where every key and value came from.

- Only plain data: mappings, sequences and scalars (no Python tags).
- Booleans are ``true``/``false`` only (YAML 1.2 style): ``NO`` stays the string "NO".
- Floats accept ``1e25`` as well as ``1.0e+25``.
- Duplicate keys, non-string keys, non-UTF-8 and binary input are errors with a location.
- Size and node limits make alias bombs fail fast.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from compliance.io.textsafe import has_unsafe, json_safe

try:  # the C loader is 5-10x faster; fall back to pure Python where libyaml is missing
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

MAX_BYTES = 2 * 1024 * 1024
MAX_NODES = 50_000
MAX_DEPTH = 64

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Mark:
    """A 1-based line and column in the source file."""

    line: int
    column: int


@dataclass
class Located:
    """Parsed data plus the position of every key and value, addressed by path."""

    data: Any
    key_marks: dict[Path, Mark] = field(default_factory=dict)
    value_marks: dict[Path, Mark] = field(default_factory=dict)
    end_marks: dict[Path, Mark] = field(default_factory=dict)

    def mark_for(self, path: Path, *, prefer_key: bool = False) -> Mark:
        """The best position for ``path``: the value (or key), else the nearest ancestor."""
        probe = tuple(path)
        while True:
            first, second = (
                (self.key_marks, self.value_marks)
                if prefer_key
                else (self.value_marks, self.key_marks)
            )
            if probe in first:
                return first[probe]
            if probe in second:
                return second[probe]
            if not probe:
                return Mark(1, 1)
            probe = probe[:-1]


class YamlError(Exception):
    """A YAML document that cannot be turned into plain data."""

    def __init__(self, message: str, mark: Mark, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark
        self.hint = hint


class _StrictLoader(_BaseLoader):
    """Safe loader with YAML 1.2-style booleans and permissive float exponents."""


_StrictLoader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)

_ALLOWED_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_ALLOWED_TAGS = _ALLOWED_SCALAR_TAGS | {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


def _mark(node_mark: Any) -> Mark:
    return Mark(node_mark.line + 1, node_mark.column + 1)


def decode(raw: bytes) -> str:
    """Decode input bytes as UTF-8 text, rejecting binary and oversized input."""
    if len(raw) > MAX_BYTES:
        raise YamlError(
            f"file is {len(raw):,} bytes; the limit is {MAX_BYTES:,}",
            Mark(1, 1),
            "a descriptor is a short hand-written file; split large data into evidence files",
        )
    if b"\x00" in raw:
        raise YamlError("file looks binary (it contains NUL bytes)", Mark(1, 1))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise YamlError(
            "file is not valid UTF-8",
            Mark(line, col),
            "save the file as UTF-8",
        ) from None
    return text


class _Builder:
    def __init__(self, located: Located) -> None:
        self.located = located
        self.nodes = 0
        self.constructor = yaml.constructor.SafeConstructor()

    def build(self, node: yaml.Node, path: Path, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise YamlError(
                f"document expands to more than {MAX_NODES:,} nodes",
                _mark(node.start_mark),
                "anchors and aliases that multiply content are not supported in descriptors",
            )
        if depth > MAX_DEPTH:
            raise YamlError(f"nesting deeper than {MAX_DEPTH} levels", _mark(node.start_mark))
        self.located.value_marks.setdefault(path, _mark(node.start_mark))
        self.located.end_marks.setdefault(path, _mark(node.end_mark))
        if node.tag not in _ALLOWED_TAGS:
            raise YamlError(
                f"unsupported YAML tag {node.tag!r}",
                _mark(node.start_mark),
                "descriptors hold plain data only; remove the tag",
            )
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return [
                self.build(child, (*path, index), depth + 1)
                for index, child in enumerate(node.value)
            ]
        assert isinstance(node, yaml.ScalarNode)
        try:
            return self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError) as exc:
            key = next((str(p) for p in reversed(path) if isinstance(p, str)), "value")
            if node.tag == "tag:yaml.org,2002:timestamp":
                raise YamlError(
                    f"{key!r} is not a valid date: {node.value} ({exc})",
                    _mark(node.start_mark),
                    "write an existing calendar date as YYYY-MM-DD",
                ) from None
            raise YamlError(f"{key!r} has an invalid value {node.value!r}: {exc}", _mark(node.start_mark)) from None

    def _mapping(self, node: yaml.MappingNode, path: Path, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlError(
                    "merge keys (<<) are not supported",
                    _mark(key_node.start_mark),
                    "write the keys out in full",
                )
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                raise YamlError(
                    "mapping keys must be plain strings",
                    _mark(key_node.start_mark),
                    "quote the key if it looks like a number, date or boolean",
                )
            key = key_node.value
            if key in result:
                first = self.located.key_marks[(*path, key)]
                raise YamlError(
                    f"duplicate key {key!r} (first defined at line {first.line})",
                    _mark(key_node.start_mark),
                    "remove one of the two entries",
                )
            self.located.key_marks[(*path, key)] = _mark(key_node.start_mark)
            result[key] = self.build(value_node, (*path, key), depth + 1)
        return result


def load_text(text: str) -> Located:
    """Parse one YAML document into plain data with positions."""
    located = Located(data=None)
    try:
        loader = _StrictLoader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = _mark(mark) if mark is not None else Mark(1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        hint = None
        if "tab" in problem or "\t" in problem:
            hint = "indent with spaces, not tabs"
        elif "mapping values are not allowed" in problem:
            hint = "a value containing ': ' must be quoted, or a key is indented wrongly"
        elif "could not find expected ':'" in problem or "expected <block end>" in problem:
            hint = "check the indentation of this line and the one before"
        raise YamlError(f"YAML syntax error: {problem}", where, hint) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"YAML error: {exc}", Mark(1, 1)) from None
    if node is None:
        located.data = None
        return located
    located.data = _Builder(located).build(node, (), 0)
    return located


def load_plain(raw: bytes) -> Any:
    """Fast path for trusted project data (rule files): the same safe loader and resolvers, no
    positions and no duplicate-key check. `compliance rules lint` parses the same files with
    :func:`load_bytes`, so their defects are still caught, with locations."""
    return yaml.load(decode(raw), Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass


def load_bytes(raw: bytes) -> Located:
    """Decode and parse bytes (see :func:`decode` and :func:`load_text`)."""
    return load_text(decode(raw))


def dump(data: Any) -> str:
    """Serialise plain data as block-style YAML with stable key order. A string holding a control
    or bidirectional-override character is double-quoted, with that character as a ``\\uXXXX``
    escape (the same value, inert on a terminal; see :mod:`compliance.io.textsafe`)."""
    text: str = yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )
    return json_safe(text)


class _Dumper(yaml.SafeDumper):
    """Dumper that quotes strings our loader would otherwise read as another type."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = None
    # types-PyYAML leaves Resolver.resolve unannotated
    node_tag = _TAG_PROBE.resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
    if node_tag != "tag:yaml.org,2002:str" or value != value.strip() or value == "":
        style = '"'
    if "\n" in value:
        style = "|" if value == value.strip() and not any(c in value for c in "\t\r") else '"'
    if has_unsafe(value):
        style = '"'  # only inside double quotes is json_safe's \\uXXXX an escape of the same value
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


# A loader kept only for its resolver: the tag our loader gives a plain scalar (same resolver table).
_TAG_PROBE = _StrictLoader("")
_Dumper.add_representer(str, _represent_str)
