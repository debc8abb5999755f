"""Value formatting for the document contexts: display labels, and the helpers that turn a
stated descriptor value (pydantic model, enum, date, number, mapping, list) into display lines.

Every formatting decision the templates rely on is taken here; templates never format values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from enum import Enum
from typing import Any

VERDICT_LABELS = {
    "applies": "Applies",
    "does_not_apply": "Does not apply",
    "undetermined": "Undetermined",
}
STATUS_LABELS = {"in_force": "In force", "upcoming": "Upcoming", None: "—"}
VALUE_LABELS = {"true": "Yes", "false": "No", "unknown": "Unknown"}


def _plain(value: Any) -> Any:
    """pydantic / enum / date -> plain JSON-like data."""
    if hasattr(value, "model_dump"):
        return _plain(value.model_dump(mode="python", exclude_none=True))
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def fmt_date(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def fmt_number(value: float) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u202f")
    if float(value).is_integer() and abs(value) < 1e15:  # 4.2e6 kWh reads as 4 200 000
        return f"{int(value):,}".replace(",", "\u202f")
    if abs(value) >= 1e15 or (value and abs(value) < 1e-4):
        return fmt_sci(value)
    return f"{value:g}"


def fmt_sci(value: float) -> str:
    """Two significant figures at least, as the Model Documentation Form asks: 7.3 × 10^10."""
    if value == 0:
        return "0"
    try:
        number: float | Decimal = float(value)
    except OverflowError:  # an integer beyond any float: counts are unbounded (10**400 parameters)
        number = Decimal(value)
    mantissa, exponent = f"{number:.2e}".split("e")
    return f"{mantissa} × 10^{int(exponent)}"


def _fmt_scalar(value: Any, kind: str) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if kind == "sci" and isinstance(value, (int, float)):
        return fmt_sci(value)
    if isinstance(value, (int, float)):
        return fmt_number(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return _fmt_mapping(value)
    if kind == "choice":  # one word of a vocabulary on its own: "very_high" -> "Very high"
        return str(value).replace("_", " ").capitalize()
    return str(value).replace("_", " ") if kind == "enum" else str(value)


def _fmt_mapping(value: Mapping[str, Any]) -> str:
    if "id" in value and ("name" in value or "url" in value):  # licence, base model
        ident = str(value["id"])
        if ident.startswith("LicenseRef-") and value.get("name"):
            bits = [str(value["name"])]  # an organisation's own terms: their name, not the SPDX ref
        else:
            bits = [ident] + ([f"({value['name']})"] if value.get("name") else [])
        if value.get("provider"):
            bits.append(f"by {value['provider']}")
        if value.get("url"):
            bits.append(f"— {value['url']}")
        return " ".join(bits)
    if "channel" in value and "date" in value:  # release per channel
        text = f"{str(value['channel']).replace('_', ' ')}: {fmt_date(value['date'])}"
        return text + (f" — {value['description']}" if value.get("description") else "")
    if "date" in value and "description" in value:  # design change
        flag = " [significant change]" if value.get("significant") else ""
        return f"{fmt_date(value['date'])}: {value['description']}{flag}"
    if "modality" in value and "max_size" in value:  # maximum input or output size
        return f"{str(value['modality']).replace('_', ' ')}: {value['max_size']}"
    if "name" in value:  # data source
        bits = [str(value["name"])]
        extra = [
            str(value[k]).replace("_", " ")
            for k in ("type", "size")
            if value.get(k) is not None
        ]
        if value.get("modalities"):
            extra.append("/".join(value["modalities"]))
        if extra:
            bits.append(f"({', '.join(extra)})")
        if value.get("provenance"):
            bits.append(f"— provenance: {value['provenance']}")
        if value.get("url"):
            bits.append(f"— {value['url']}")
        return " ".join(bits)
    return "; ".join(f"{k.replace('_', ' ')}: {_fmt_scalar(v, '')}" for k, v in value.items())


def _fmt_model(m: Mapping[str, Any]) -> str:
    bits = [str(m.get("name") or m["id"])]
    if m.get("version"):
        bits.append(str(m["version"]))
    if m.get("origin"):
        bits.append(f"— origin: {str(m['origin']).replace('_', ' ')}")
    if m.get("provider"):
        bits.append(f"— provider: {m['provider']}")
    if m.get("base_model"):
        bits.append(f"— base model: {_fmt_mapping(m['base_model'])}")
    return " ".join(bits)


# --------------------------------------------------------------------------- size bands
#
# The bands themselves (bounds, labels, units) are data of the sections file (``bands:``), never
# constants here: a band set is ``{unit, units?, bins: [{below|up_to: number, label, value?}]}``;
# a bin without a bound takes every larger value. ``value`` names the bin as a descriptor
# vocabulary states it (e.g. a parameter range of the Model Documentation Form).


def band_label(amount: float, bins: Sequence[Mapping[str, Any]]) -> str | None:
    """The label of the first bin that holds ``amount``: ``below`` is a strict upper bound,
    ``up_to`` an inclusive one."""
    for b in bins:
        if "below" in b:
            if amount < float(b["below"]):
                return str(b["label"])
        elif "up_to" in b:
            if amount <= float(b["up_to"]):
                return str(b["label"])
        else:
            return str(b["label"])
    return None


def _band(value: Any, bands: Mapping[str, Any]) -> list[str]:
    """A number as its figure and band; a stated bin (``value`` of a bin) as that bin."""
    bins = bands["bins"]
    unit = bands.get("unit", "")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        label = band_label(value, bins)
        figure = f"{fmt_sci(value)} {unit}".strip()
        return [f"{figure} (range: {label})" if label else figure]
    stated = next((b for b in bins if b.get("value") == value), None)
    if stated is None:
        return [str(value)]
    return [f"Range: {stated['label']} (exact figure not stated)"]


def _unit_matches(unit: str, group: Mapping[str, Any]) -> bool:
    names = [group["unit"], *(group.get("units") or [])] if group.get("unit") else []
    return unit.strip().lower() in {str(n).lower() for n in names}


def _modality_bands(entries: Any, groups: Sequence[Mapping[str, Any]]) -> list[str]:
    """One line per template modality: the band of the summed size when every entry of that
    modality is in the unit its bands count, else each entry's size as a custom size and unit."""
    entries = [e for e in (entries if isinstance(entries, list) else [entries])
               if isinstance(e, Mapping)]
    lines = []
    seen: set[int] = set()
    for group in groups:
        members = [e for e in entries if e.get("modality") in (group.get("covers") or [])]
        seen.update(id(e) for e in members)
        if not members:
            continue
        lines.append(_modality_line(group, members))
    for e in entries:  # a modality no group covers: custom size
        if id(e) not in seen:
            lines.append(f"{str(e.get('modality', '')).replace('_', ' ').capitalize()}: "
                         f"{_amount(e['size'])} {e['unit']} (custom size)")
    return lines


def _amount(value: float) -> str:
    return fmt_sci(value) if abs(value) >= 1e6 else fmt_number(value)


def _modality_line(group: Mapping[str, Any], members: Sequence[Mapping[str, Any]]) -> str:
    label = group.get("label") or group.get("modality", "")
    bins = group.get("bins")
    parts = [f"{str(e['modality']).replace('_', ' ')} {_amount(e['size'])} {e['unit']}"
             for e in members]
    if bins and all(_unit_matches(str(e["unit"]), group) for e in members):
        total = sum(float(e["size"]) for e in members)
        band = band_label(total, bins)
        stated = f"{fmt_sci(total)} {group['unit']}"
        if len(members) > 1:
            stated += " in all: " + ", ".join(parts)
        return f"{label}: {band} ({stated})"
    return f"{label}: " + ", ".join(parts) + " (custom size and unit)"


def _content_types(entries: Any) -> list[str]:
    entries = entries if isinstance(entries, list) else [entries]
    return [f"{str(e['modality']).replace('_', ' ').capitalize()}: {', '.join(e['content_types'])}"
            for e in entries if isinstance(e, Mapping) and e.get("content_types")]


def _month(value: Any) -> str:
    """MM/YYYY, as the AI Office template asks for the latest collection date."""
    if isinstance(value, dt.date):
        return f"{value.month:02d}/{value.year}"
    text = str(value)
    if len(text) == 7 and text[4] == "-":
        return f"{text[5:]}/{text[:4]}"
    return text


def _records(value: Any, columns: Sequence[Mapping[str, Any]]) -> list[str]:
    """A list of entries, one line each, in the order of the sections file's ``columns``: the
    first column's value, then every other stated column as ``label: value``; a yes/no column
    with ``when_true``/``when_false`` texts shows that text instead (nothing when it has none);
    a column with an ``unstated`` text shows it when the entry does not state the value, so a
    missing item stays visible. A value that ends a sentence is followed by the next as a
    sentence, others by a dash."""
    lines = []
    for entry in value if isinstance(value, list) else [value]:
        if not isinstance(entry, Mapping):
            lines.append(_fmt_scalar(entry, "text"))
            continue
        bits = []
        for index, column in enumerate(columns):
            stated = entry.get(column["key"])
            if stated is None or stated == [] or stated == "":
                if column.get("unstated"):
                    bits.append(str(column["unstated"]))
                continue
            if isinstance(stated, bool) and ("when_true" in column or "when_false" in column):
                text = column.get("when_true" if stated else "when_false")
                if text:
                    bits.append(str(text))
                continue
            kind = column.get("format", "text")
            shown = (", ".join(_fmt_scalar(v, kind) for v in stated) if isinstance(stated, list)
                     else _fmt_scalar(stated, kind))
            bits.append(f"{column['label']}: {shown}" if index and column.get("label") else shown)
        line = ""
        for bit in bits:  # after a sentence, the next one follows it; else a dash joins
            line = f"{line} {bit}" if line.endswith(".") else f"{line} — {bit}" if line else bit
        lines.append(line)
    return list(dict.fromkeys(lines))


def format_value(value: Any, kind: str = "text", bands: Any = None,
                 columns: Sequence[Mapping[str, Any]] | None = None) -> list[str]:
    """A stated value as display lines ([] when the value is empty). ``bands`` is the band set
    of the sections file that the ``band`` and ``modality_bands`` kinds need; ``columns`` the
    entry keys (and their labels) that the ``records`` kind shows."""
    value = _plain(value)
    if kind == "records":
        if not columns:
            raise ValueError("format 'records' needs 'columns' naming the keys of each entry")
        return _records(value, columns)
    if kind in ("band", "modality_bands"):
        if bands is None:
            raise ValueError(f"format {kind!r} needs 'bands' naming a band set of the sections file")
        if kind == "band":
            return _band(value[0] if isinstance(value, list) and len(value) == 1 else value, bands)
        return _modality_bands(value, bands)
    if kind == "content_types":
        return _content_types(value)
    if kind == "month":
        return [_month(v) for v in (value if isinstance(value, list) else [value])]
    if kind == "inline":  # a list of short values on one line (languages, modalities)
        items = value if isinstance(value, list) else [value]
        return [", ".join(dict.fromkeys(_fmt_scalar(v, "enum") for v in items))]
    if kind == "model":
        items = value if isinstance(value, list) else [value]
        return [_fmt_model(m) for m in items]
    if isinstance(value, list):  # flattened paths repeat values (two sources, both text)
        return list(dict.fromkeys(_fmt_scalar(v, kind) for v in value))
    return [_fmt_scalar(value, kind)]
