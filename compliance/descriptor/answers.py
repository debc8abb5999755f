"""Answers to open questions, written into a descriptor's YAML text with its comments and layout
kept (ruamel.yaml's round trip: untouched lines stay byte for byte as they were).

A question is a fact path as the engine names it (``system.use_cases[triage].profiling``,
``models[m1].training_compute.flop``). :func:`question_for` says what kind of answer the
descriptor format takes there (yes/no, one of a list, several of a list, a date, a number, a
text) or that it cannot be answered inline (a list of objects: edit the file).
:func:`add_notes` puts a note on the line of an unanswered question (``compliance init`` ranks a
starter's questions so). Pure: text in, text out; reading and writing files is the command
line's job.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from pydantic import BaseModel

from compliance.descriptor.model import Descriptor

_SEGMENT = re.compile(r"^([a-z_][a-z0-9_]*)(?:\[([^\]]+)\])?$")


@dataclass(frozen=True)
class Question:
    path: str
    kind: str
    """bool | choice | choices | date | number | integer | text | texts"""
    choices: tuple[str, ...] = ()
    description: str = ""


class AnswerError(ValueError):
    """An answer that the descriptor format does not take at that path (message for the user)."""


def _segments(path: str) -> list[tuple[str, str | None]]:
    out = []
    for part in path.split("."):
        match = _SEGMENT.match(part)
        if match is None:
            raise AnswerError(f"{path}: not a fact path")
        out.append((match.group(1), match.group(2)))
    return out


def _unwrap(annotation: Any) -> Any:
    """Strip Optional, Annotated and unions with None."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def question_for(path: str) -> Question | None:
    """What the descriptor format takes at ``path``; None when it is not a single value one can
    type (a group of facts or a list of objects) or the path does not exist."""
    current: Any = Descriptor
    description = ""
    try:
        segments = _segments(path)
    except AnswerError:
        return None
    for index, (name, selector) in enumerate(segments):
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(name)
        if field is None:
            return None
        description = " ".join((field.description or "").split())
        current = _unwrap(field.annotation)
        if selector is not None:
            if typing.get_origin(current) is not list:
                return None
            current = _unwrap(typing.get_args(current)[0])
        last = index == len(segments) - 1
        if last:
            return _leaf_question(path, current, description)
    return None


def _leaf_question(path: str, annotation: Any, description: str) -> Question | None:
    if annotation is bool:
        return Question(path, "bool", description=description)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return Question(path, "choice", tuple(str(e.value) for e in annotation), description)
    if annotation is dt.date:
        return Question(path, "date", description=description)
    if annotation is float:
        return Question(path, "number", description=description)
    if annotation is int:
        return Question(path, "integer", description=description)
    if annotation is str:
        return Question(path, "text", description=description)
    if typing.get_origin(annotation) is list:
        item = _unwrap(typing.get_args(annotation)[0])
        if isinstance(item, type) and issubclass(item, Enum):
            return Question(path, "choices", tuple(str(e.value) for e in item), description)
        if item is str:
            return Question(path, "texts", description=description)
    return None


def parse_answer(question: Question, raw: str) -> Any:
    """The value for ``raw`` (as typed); raises AnswerError with what is accepted."""
    text = raw.strip()
    if question.kind == "bool":
        value = {"y": True, "yes": True, "true": True, "n": False, "no": False, "false": False}.get(text.lower())
        if value is None:
            raise AnswerError("answer yes or no")
        return value
    if question.kind == "choice":
        if text not in question.choices:
            raise AnswerError(f"one of: {', '.join(question.choices)}")
        return text
    if question.kind in ("choices", "texts"):
        items = [t.strip() for t in text.split(",") if t.strip()] if text not in ("[]", "none") else []
        bad = [t for t in items if question.kind == "choices" and t not in question.choices]
        if bad:
            raise AnswerError(f"{', '.join(bad)}: not among {', '.join(question.choices)}")
        return items
    if question.kind == "date":
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise AnswerError("a date as YYYY-MM-DD") from None
    if question.kind in ("number", "integer"):
        try:
            return int(text) if question.kind == "integer" else float(text)
        except ValueError:
            raise AnswerError("a number (e.g. 3.2e25)" if question.kind == "number" else "a whole number") from None
    return text


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    # an unanswered `key: null` stays `key: null` (ruamel writes an empty value by default)
    yaml.representer.add_representer(
        type(None), lambda rep, _: rep.represent_scalar("tag:yaml.org,2002:null", "null"))
    return yaml


def apply_answers(text: str, answers: dict[str, Any]) -> str:
    """``text`` with each answer set at its path (mappings made on the way when missing; a list
    element is found by its ``id``, else by its position). Everything else is left as it was."""
    yaml = _yaml()
    data = yaml.load(text)
    for path, value in answers.items():
        _drop_notes(data, path)
        _set(data, _segments(path), path, value)
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


_NOTE = re.compile(r"\s*\[#\d+: [^\]]* — answer first\]")


def _drop_notes(data: Any, path: str) -> None:
    """Remove the ``[#n: … — answer first]`` notes ``init`` put on the lines of ``path`` and its
    ancestors: once answered, the question is no longer open."""
    node = data
    for name, selector in _segments(path):
        if not isinstance(node, dict) or name not in node:
            return
        comments: Any = getattr(getattr(node, "ca", None), "items", {}).get(name)
        token = comments[2] if comments and len(comments) > 2 else None
        if token is not None and _NOTE.search(token.value):
            token.value = _NOTE.sub("", token.value.rstrip("\n")) + "\n"
            if token.value.strip() == "#":
                comments[2] = None
        node = node[name]
        if selector is not None:
            try:
                node = _element(node, selector, path)
            except AnswerError:
                return


def _set(data: Any, segments: list[tuple[str, str | None]], path: str, value: Any) -> None:
    from ruamel.yaml.comments import CommentedMap

    node = data
    for index, (name, selector) in enumerate(segments):
        last = index == len(segments) - 1
        if last and selector is None:
            node[name] = value
            return
        if name not in node or node[name] is None:
            if selector is not None:
                raise AnswerError(f"{path}: {name} has no element {selector}")
            node[name] = CommentedMap()
        node = node[name]
        if selector is not None:
            node = _element(node, selector, path)
            if last:
                raise AnswerError(f"{path}: a whole list element cannot be answered inline")


def _element(items: Any, selector: str, path: str) -> Any:
    if not isinstance(items, list):
        raise AnswerError(f"{path}: not a list at [{selector}]")
    for item in items:
        if isinstance(item, dict) and str(item.get("id")) == selector:
            return item
    if selector.isdigit() and int(selector) < len(items):
        return items[int(selector)]
    raise AnswerError(f"{path}: no element {selector}")


def _note_line(data: Any, path: str) -> tuple[Any, str] | None:
    """(mapping, key) on whose line a note on ``path`` goes: the key of ``path`` itself, or of
    its nearest ancestor stated as null (``training_compute: null`` for
    ``models[m1].training_compute.flop``); None when the path is not in the file or holds a
    value (only unknowns are annotated, and a null always sits on its key's line)."""
    segments = _segments(path)
    node = data
    for index, (name, selector) in enumerate(segments):
        if not isinstance(node, dict) or not hasattr(node, "lc") or name not in node:
            return None
        if node[name] is None:
            return node, name
        if index == len(segments) - 1:
            return None
        node = node[name]
        if selector is not None:
            try:
                node = _element(node, selector, path)
            except AnswerError:
                return None
    return None


def add_notes(text: str, notes: Sequence[tuple[Sequence[str], str]]) -> tuple[str, dict[int, str]]:
    """``text`` with each note added at the end of the line of the first of its paths stated as
    null (after the line's comment, else as a new comment; a line takes one note, the first),
    and for each note placed, its index -> the path it went to. The round-trip loader only
    locates the lines: every other byte stays as it was. A result that would not load to the
    same data raises AnswerError."""
    yaml = _yaml()
    data = yaml.load(text)
    lines = text.splitlines(keepends=True)
    placed: dict[int, str] = {}
    taken: set[int] = set()
    for index, (paths, note) in enumerate(notes):
        for path in paths:
            try:
                found = _note_line(data, path)
            except AnswerError:  # not a fact path
                continue
            if found is None:
                continue
            mapping, key = found
            line, column = mapping.lc.key(key)
            if line in taken or line >= len(lines):
                continue
            taken.add(line)
            placed[index] = path
            body = lines[line].rstrip("\r\n")
            ending = lines[line][len(body):]
            # the value is null: after the key's colon there is at most `null` or `~` and a comment
            commented = "#" in body[column:].partition(":")[2]
            lines[line] = body.rstrip() + ("  " if commented else "  # ") + note + ending
            break
    out = "".join(lines)
    if yaml.load(out) != data:
        raise AnswerError("the notes would change the descriptor's data")
    return out, placed
