"""The Markdown body of a model card: the one vocabulary the export writes and the import reads
(headings, bullet labels, table columns), the escaping that keeps a descriptor's text literal,
and a small reader of a card body's sections.

The headings are those of huggingface_hub's model card template
(``huggingface_hub/templates/modelcard_template.md``, checked against huggingface_hub 2.4.0 and the
hub-docs annotated model card): "Model Details" > "Model Description" / "Model Sources", "Uses" >
"Direct Use" / "Downstream Use" / "Out-of-Scope Use", "Training Details" > "Training Data" /
"Training Procedure" > "Preprocessing", "Evaluation" > "Results", "Environmental Impact",
"Technical Specifications" > "Model Architecture and Objective". Facts are labelled bullets the
way the template writes them (``- **Model type:** ...``). Sections and labels the template does
not have ("Release Dates", "Maximum Input and Output Sizes", the training-data tables) sit under
the template section they belong to.

The reader is deliberately small: ATX headings, labelled bullets, pipe tables and plain
paragraphs; HTML comments (the template's guidance) and fenced code are skipped; any other block
(plain lists, quotes, images) is counted, not read. Every value is read back literally: the
writer escapes Markdown punctuation, so a descriptor's text can neither format the card nor
forge a heading, a bullet or a table cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from compliance.io.textsafe import printable

NOT_STATED = "Not stated"

Kind = Literal["text", "texts", "date", "month", "int", "modalities", "range"]


@dataclass(frozen=True)
class Bullet:
    """A labelled bullet the export writes and the import reads back."""

    section: str
    label: str
    path: str  # descriptor path below models[]
    kind: Kind
    always: bool = True  # written as "Not stated" when unknown (else left out)


# The facts both sides know, in the order the card lists them.
BULLETS: tuple[Bullet, ...] = (
    Bullet("Model Description", "Provider", "provider", "text"),
    Bullet("Model Description", "Model type", "architecture", "text"),
    Bullet("Model Description", "Version", "version", "text"),
    Bullet("Model Description", "Release date", "release_date", "date"),
    Bullet("Model Sources", "Documentation", "documentation_url", "text"),
    Bullet("Model Sources", "Documentation version", "documentation_version", "text"),
    Bullet("Model Sources", "Documentation last updated", "documentation_updated", "date"),
    Bullet("Training Data", "Languages", "training_data.languages", "texts"),
    Bullet("Training Data", "Latest collection date", "training_data.latest_collection_date",
           "month"),
    Bullet("Training Data", "Size (tokens)", "training_data.size_tokens", "int"),
    Bullet("Model Architecture and Objective", "Parameters", "parameters", "int"),
    Bullet("Model Architecture and Objective", "Parameter range", "parameter_range", "range",
           always=False),
    Bullet("Model Architecture and Objective", "Context window (tokens)", "context_window", "int"),
    Bullet("Model Architecture and Objective", "Input modalities", "input_modalities",
           "modalities"),
    Bullet("Model Architecture and Objective", "Output modalities", "output_modalities",
           "modalities"),
)

# Sections whose plain paragraphs are one fact.
PARAGRAPHS: dict[str, str] = {
    "Direct Use": "intended_tasks",
    "Downstream Use": "integration_targets",
    "Training Data": "training_data.description",
    "Preprocessing": "training_data.curation",
}

# Tables: (section, columns); the import finds a table by its section and first column. A list
# stated empty ([]) has no rows and no table, so it is not read back (the export lists it under
# "More Information" as "none").
RELEASES = ("Release Dates", ("Channel", "First available", "Where or to whom"))
SIZES = ("Maximum Input and Output Sizes", ("Direction", "Modality", "Maximum size"))
SOURCES = ("Training Data", ("Source", "Type", "Modalities", "Size", "URL", "Provenance",
                             "Personal data", "Collected from", "Collected until", "First used"))
TRAINING_MODALITIES = ("Training Data", ("Modality", "Size", "Unit", "Content types"))

# --------------------------------------------------------------------------- writing

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_NUMBERED = re.compile(r"^(\d+)([.)])")


def plain(text: object) -> str:
    """``text`` on one line: whitespace collapsed, control and bidi characters as visible
    escapes."""
    return printable(" ".join(str(text).split()))


def md(text: object) -> str:
    """``text`` as literal inline Markdown (see :func:`plain`; Markdown punctuation escaped)."""
    return _MD_SPECIAL.sub(r"\\\1", plain(text))


def md_list(items: list[str]) -> str:
    """Items joined by ", ", a comma inside an item escaped so that the reader splits them back."""
    return ", ".join(md(item).replace(",", "\\,") for item in items)


def md_block(text: object) -> str:
    """``text`` as a literal paragraph: like :func:`md`, with a leading character that would
    start a heading, a list or a rule escaped."""
    line = md(text)
    numbered = _NUMBERED.match(line)
    if numbered:
        return f"{numbered.group(1)}\\{numbered.group(2)}{line[numbered.end():]}"
    if line[:1] in ("#", "-", "+", "="):
        return "\\" + line
    return line


def table(columns: tuple[str, ...], rows: list[list[str]]) -> list[str]:
    """A pipe table; ``rows`` hold cells already in Markdown (see :func:`md`)."""
    return ["| " + " | ".join(columns) + " |", "|" + " --- |" * len(columns),
            *("| " + " | ".join(row) + " |" for row in rows)]


# --------------------------------------------------------------------------- reading

_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_LABELLED = re.compile(r"^ {0,3}[-*+][ \t]+\*\*(.+?):\*\*[ \t]*(.*)$")
_LIST_ITEM = re.compile(r"^ {0,3}([-*+]|\d+[.)])([ \t]|$)")
_SEPARATOR = re.compile(r"^\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?$")
_PLACEHOLDERS = frozenset({"not stated", "[more information needed]", "more information needed"})
_SLOT = re.compile(r"^\{\{.*\}\}$")  # an unfilled template slot, {{ model_type }}


def unescape(raw: str) -> str:
    return _ESCAPED.sub(r"\1", raw).strip()


def split_raw(raw: str, separator: str) -> list[str]:
    """``raw`` split at each ``separator`` that is not backslash-escaped; escapes are kept."""
    parts: list[str] = []
    current: list[str] = []
    index = 0
    while index < len(raw):
        char = raw[index]
        if char == "\\" and index + 1 < len(raw):
            current.append(raw[index:index + 2])
            index += 2
            continue
        if char == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    parts.append("".join(current))
    return parts


def key(text: str) -> str:
    """A heading, label or column as the reader compares it: unescaped, lower case, without
    "[optional]", a trailing colon or repeated blanks."""
    text = unescape(text).lower().replace("[optional]", "")
    return " ".join(text.split()).rstrip(":").strip()


def is_placeholder(raw: str) -> bool:
    """An unknown fact: empty, "Not stated", the template's "[More Information Needed]" or an
    unfilled ``{{ ... }}`` slot (the whole value)."""
    value = " ".join(unescape(raw).lower().split())
    return not value or value.rstrip(".") in _PLACEHOLDERS or _SLOT.match(value) is not None


@dataclass
class Section:
    """What the reader found under one heading (up to the next heading of any level)."""

    title: str
    bullets: dict[str, str] = field(default_factory=dict)  # label key -> raw value
    tables: list[list[list[str]]] = field(default_factory=list)  # raw cells, header row first
    paragraphs: list[str] = field(default_factory=list)  # raw, lines joined by a blank
    skipped: int = 0  # blocks not read: plain lists, code, quotes


def _cells(line: str) -> list[str]:
    row = line.strip()
    row = row[1:] if row.startswith("|") else row
    cells = split_raw(row, "|")
    if cells and not cells[-1].strip():
        cells.pop()  # the closing pipe
    return [cell.strip() for cell in cells]


class _Reader:
    def __init__(self) -> None:
        self.sections: dict[str, Section] = {}
        self.current = Section("")
        self.paragraph: list[str] = []
        self.rows: list[str] = []

    def flush(self) -> None:
        if self.paragraph:
            self.current.paragraphs.append(" ".join(self.paragraph))
            self.paragraph = []
        if self.rows:
            if len(self.rows) > 1 and _SEPARATOR.match(self.rows[1]):
                self.current.tables.append([_cells(r) for r in self.rows[:1] + self.rows[2:]])
            else:
                self.current.skipped += 1
            self.rows = []

    def line(self, line: str) -> None:
        heading = _HEADING.match(line)
        if heading:
            self.flush()
            self.current = self.sections.setdefault(key(heading.group(2)),
                                                    Section(key(heading.group(2))))
            return
        stripped = line.strip()
        if stripped.startswith("|"):
            if self.paragraph:
                self.flush()
            self.rows.append(stripped)
            return
        if self.rows:
            self.flush()
        if not stripped:
            self.flush()
            return
        labelled = _LABELLED.match(line)
        if labelled:
            self.flush()
            self.current.bullets.setdefault(key(labelled.group(1)), labelled.group(2).strip())
        elif _LIST_ITEM.match(line) or stripped.startswith((">", "![")):
            self.flush()
            self.current.skipped += 1
        else:
            self.paragraph.append(stripped)


def read_sections(body: str) -> dict[str, Section]:
    """The body's sections by heading key; a heading that recurs adds to its first section."""
    reader = _Reader()
    fenced = False
    for line in _COMMENT.sub("", body).splitlines():
        if _FENCE.match(line):
            if not fenced:
                reader.flush()
                reader.current.skipped += 1
            fenced = not fenced
            continue
        if not fenced:
            reader.line(line)
    reader.flush()
    return reader.sections
