"""Value formatting for the document contexts: display labels, and the helpers that turn a
stated descriptor value (pydantic model, enum, date, number, mapping, list) into display lines.

Every formatting decision the templates rely on is taken here; templates never format values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
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
    return str(value).replace("_", " ") if kind == "enum" else str(value)


def _fmt_mapping(value: Mapping[str, Any]) -> str:
    if "id" in value and ("name" in value or "url" in value):  # licence, base model
        bits = [str(value["id"])]
        if value.get("name"):
            bits.append(f"({value['name']})")
        if value.get("provider"):
            bits.append(f"by {value['provider']}")
        if value.get("url"):
            bits.append(f"— {value['url']}")
        return " ".join(bits)
    if "date" in value and "description" in value:  # design change
        flag = " [significant change]" if value.get("significant") else ""
        return f"{fmt_date(value['date'])}: {value['description']}{flag}"
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


def format_value(value: Any, kind: str = "text") -> list[str]:
    """A stated value as display lines ([] when the value is empty)."""
    value = _plain(value)
    if kind == "model":
        items = value if isinstance(value, list) else [value]
        return [_fmt_model(m) for m in items]
    if isinstance(value, list):  # flattened paths repeat values (two sources, both text)
        return list(dict.fromkeys(_fmt_scalar(v, kind) for v in value))
    return [_fmt_scalar(value, kind)]
