"""Read back the facts a model card's Markdown body states, for ``compliance import hf-card``.

The body is read through the vocabulary ``compliance export hf-card`` writes
(compliance.interop.hf_card_markdown): the labelled bullets, paragraphs and tables that sit under
the headings of huggingface_hub's model card template. A card written from that template by hand
is read the same way where it uses the same headings and labels ("Direct Use" becomes the
intended tasks, "Downstream Use" the integration targets, "Preprocessing" the curation); the
template's "[More Information Needed]" and the export's "Not stated" are unknown facts.

Rules, so that nothing is guessed:
- a value is taken only when it reads as the descriptor's type (an ISO date, a whole number, a
  modality, channel or parameter range of the descriptor's vocabulary); anything else is listed
  as not imported;
- the front matter wins: a fact both state is taken from the metadata, and a disagreement is
  listed under CHECK;
- no yes/no fact is read (personal data, collection continues, opt-outs respected): those are
  the organisation's statements, shown in the card for readers, not card facts;
- the draft's model must validate with the body facts, else they are all left out and listed.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import re
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from compliance.descriptor.model import (
    AIModel,
    DataSource,
    Modality,
    ModalityLimit,
    ParameterRange,
    Release,
    TrainingData,
    TrainingModality,
)
from compliance.descriptor.yamlio import decode
from compliance.interop import _hub
from compliance.interop.hf_card_mapping import ImportResult
from compliance.interop.hf_card_markdown import (
    BULLETS,
    PARAGRAPHS,
    RELEASES,
    SIZES,
    SOURCES,
    TRAINING_MODALITIES,
    Bullet,
    Section,
    is_placeholder,
    key,
    read_sections,
    split_raw,
    unescape,
)

_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")
_WHOLE = re.compile(r"^[0-9]{1,30}$")
_MODALITIES = frozenset(m.value for m in Modality)
_RANGES = frozenset(get_args(ParameterRange))


def _date(text: str) -> dt.date | None:
    if not _DATE.match(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _items(raw: str) -> list[str] | None:
    items = [unescape(part) for part in split_raw(raw, ",")]
    if [item.lower() for item in items] == ["none"]:
        return []  # the export's "none": a stated empty list
    return items if all(items) else None


def _value(bullet: Bullet, raw: str) -> Any:
    """The bullet's value in the descriptor's type, or None when it does not read as one."""
    if bullet.kind in ("texts", "modalities"):
        items = _items(raw)
        if items is None or (bullet.kind == "modalities" and not set(items) <= _MODALITIES):
            return None
        return items
    text = unescape(raw)
    if bullet.kind == "int":
        return int(text) if _WHOLE.match(text) else None
    if bullet.kind == "date":
        return _date(text)
    if bullet.kind == "month":
        return text if _MONTH.match(text) else _date(text)
    if bullet.kind == "range":
        return text if text in _RANGES else None
    return text


def _table(sections: dict[str, Section], spec: tuple[str, tuple[str, ...]]
           ) -> list[dict[str, str]] | None:
    """The rows of the section's table whose first column is the spec's, as {column key: raw
    cell}; None when the card has no such table."""
    section = sections.get(key(spec[0]))
    for rows in section.tables if section else []:
        header = [key(cell) for cell in rows[0]]
        if header[:1] == [key(spec[1][0])]:
            return [{column: cell for column, cell in zip(header, row, strict=False)}
                    for row in rows[1:]]
    return None


def _entry(cls: type[BaseModel], data: dict[str, Any]) -> dict[str, Any] | None:
    """``data`` without its empty cells when it validates as ``cls``, else None."""
    stated = {k: v for k, v in data.items() if v is not None and v != ""}
    try:
        cls.model_validate(stated)
    except ValidationError:
        return None
    return {name: stated[name] for name in cls.model_fields if name in stated}


def _number(text: str) -> float | int | str:
    try:
        number = float(text)
    except (ValueError, OverflowError):
        return text  # fails validation: the row is not read
    if not math.isfinite(number):
        return text
    return int(text) if _WHOLE.match(text) else number


class _Row:
    """One table row: ``row(column)`` is a cell's text, ``row.raw(column)`` the cell as written
    (escapes kept, for the lists inside a cell)."""

    def __init__(self, cells: dict[str, str]) -> None:
        self.cells = cells

    def __call__(self, column: str) -> str:
        return unescape(self.cells.get(column, ""))

    def raw(self, column: str) -> str:
        return self.cells.get(column, "")


class _Body:
    def __init__(self, sections: dict[str, Section], model: dict[str, Any],
                 result: ImportResult) -> None:
        self.sections = sections
        self.model = model
        self.result = result
        self.read: list[str] = []
        self.bad_rows = 0

    def put(self, path: str, value: Any, where: str) -> None:
        parts = path.split(".")
        target = self.model
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        if parts[-1] in target:
            if target[parts[-1]] != value:
                self.result.checks.append(f"models[0].{path}: the card body ({where}) states "
                                          "another value than its metadata; the metadata's is kept")
            return
        target[parts[-1]] = value
        self.read.append(path)

    def bullets(self) -> None:
        for bullet in BULLETS:
            section = self.sections.get(key(bullet.section))
            raw = section.bullets.get(key(bullet.label)) if section else None
            if raw is None or is_placeholder(raw):
                continue
            value = self._checked(bullet, raw)
            if value is not None:
                self.put(bullet.path, value, f"{bullet.section} > {bullet.label}")

    def _checked(self, bullet: Bullet, raw: str) -> Any:
        value = _value(bullet, raw)
        if value is None:
            self.result.not_imported.append(
                f"card body {bullet.section} > {bullet.label}: '{unescape(raw)[:60]}' does not "
                f"read as {bullet.kind.replace('texts', 'a list')}")
        return value

    def paragraphs(self) -> None:
        for title, path in PARAGRAPHS.items():
            section = self.sections.get(key(title))
            if section is None:
                continue
            texts = [unescape(p) for p in section.paragraphs if not is_placeholder(p)]
            if texts:
                self.put(path, "\n\n".join(texts), title)
                if section.skipped:
                    self.result.checks.append(
                        f"models[0].{path}: taken from the plain paragraphs of the card's "
                        f"'{title}' section; its lists, quotes or code were left out")

    def tables(self) -> None:
        releases = self._rows(RELEASES, Release, lambda row: {
            "channel": row("channel"), "date": _date(row("first available")),
            "description": row("where or to whom")})
        if releases is not None:
            self.put("releases", releases, RELEASES[0])
        limits = self._rows(SIZES, ModalityLimit, lambda row: {
            "modality": row("modality"), "max_size": row("maximum size"),
            "direction": row("direction")})
        for direction in ("input", "output"):
            chosen = [{k: v for k, v in e.items() if k != "direction"}
                      for e in limits or [] if e.get("direction") == direction]
            if chosen:
                self.put(f"max_{direction}_sizes", chosen, SIZES[0])
        modalities = self._rows(TRAINING_MODALITIES, TrainingModality, lambda row: {
            "modality": row("modality"), "size": _number(row("size")), "unit": row("unit"),
            "content_types": _items(row.raw("content types"))})
        if modalities is not None:
            self.put("training_data.modalities", modalities, TRAINING_MODALITIES[0])
        sources = self._rows(SOURCES, DataSource, lambda row: {
            "name": row("source"), "type": row("type"), "modalities": _items(row.raw("modalities")),
            "size": row("size"), "url": row("url"), "provenance": row("provenance"),
            "collected_from": row("collected from"), "collected_until": row("collected until"),
            "first_used": row("first used")})
        if sources is not None:
            self._sources(sources)

    def _rows(self, spec: tuple[str, tuple[str, ...]], cls: type[BaseModel],
              shape: Any) -> list[dict[str, Any]] | None:
        rows = _table(self.sections, spec)
        if rows is None:
            return None
        out = []
        for row in rows:
            data = shape(_Row(row))
            direction = data.pop("direction", None)
            entry = _entry(cls, data)
            if entry is None or direction not in (None, "input", "output"):
                self.bad_rows += 1
                continue
            out.append(entry if direction is None else {**entry, "direction": direction})
        return out or None

    def _sources(self, sources: list[dict[str, Any]]) -> None:
        """The body's source table is the full list; a Hub dataset the metadata names and the
        table does not is kept after it."""
        training = self.model.setdefault("training_data", {})
        urls = {s.get("url") for s in sources}
        training["sources"] = sources + [s for s in training.get("sources", [])
                                         if s.get("url") not in urls]
        self.read.append("training_data.sources")


def _body_of(text: str) -> str:
    match = _hub.REGEX_YAML_BLOCK.search(text)
    return text[match.end():] if match else ""


def map_body(raw: bytes, model: dict[str, Any], result: ImportResult) -> None:
    """Add the facts the card's body states to ``model`` (see the module's rules)."""
    sections = read_sections(_body_of(decode(raw)))
    before = copy.deepcopy(model)
    body = _Body(sections, model, result)
    body.bullets()
    body.paragraphs()
    body.tables()
    if body.bad_rows:
        result.not_imported.append(f"card body: {body.bad_rows} table row(s) that do not read "
                                   "as the descriptor's facts")
    if not body.read:
        return
    try:
        AIModel.model_validate({"id": "model", **model})
    except ValidationError as exc:
        model.clear()
        model.update(before)
        fields = sorted({".".join(str(p) for p in error["loc"][:2]) for error in exc.errors()})
        result.not_imported.append("card body: its facts were left out, they do not validate ("
                                   + ", ".join(fields) + ")")
        return
    if "training_data" in model:
        training = model["training_data"]
        model["training_data"] = {k: training[k] for k in TrainingData.model_fields
                                  if k in training}
    result.derived.append("models[0] from the card body (the sections of the Hugging Face "
                          "model card template): " + ", ".join(sorted(set(body.read))))
