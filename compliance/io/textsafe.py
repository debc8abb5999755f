"""Terminal hygiene: characters from input never act on the reader's terminal or document.

Descriptors, registers and model cards are written by other people. A system name holding
``ESC [ 2 J`` would clear the screen of whoever runs ``compliance obligations``; a right-to-left
override (U+202E) would make ``deployer`` print as ``reyolped`` and reorder a whole line of an
audit document (the "Trojan Source" trick). So every text the tool emits passes one of these
functions at the point where it leaves the program:

- :func:`printable` for text meant for people (terminal output, error messages, PDF/HTML text):
  each :data:`UNSAFE` character becomes a visible escape, ``\\x1b`` for C0/DEL/C1 controls and
  ``\\u202e`` for the Unicode format characters. Line feeds and tabs stay (multi-line output
  needs them).
- :func:`json_safe` for serialised JSON (and YAML whose strings are double-quoted): each unsafe
  character becomes a ``\\uXXXX`` escape. Such characters can only occur inside string literals
  of ``json.dumps`` output, where ``\\uXXXX`` is a valid escape of the very same character: the
  document parses to identical data, stays valid JSON, and is inert on a terminal. (``json.dumps``
  already escapes C0 controls; DEL, C1 and the bidi characters it would print raw with
  ``ensure_ascii=False``, which keeps other non-ASCII text readable.)

Both are idempotent: their output contains no unsafe character.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, TypeVar, cast

T = TypeVar("T")

#: C0 controls (except tab and line feed), DEL, C1 controls, the bidirectional embeddings,
#: overrides and isolates, the implicit direction marks (LRM, RLM, ALM), and the Unicode line and
#: paragraph separators (which some terminals and editors treat as line breaks).
UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
#: The same, carriage return included: for HTML, where CR LF and LF are the same whitespace.
_UNSAFE_KEEP_CR = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _unicode_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def printable(text: str) -> str:
    """``text`` with every :data:`UNSAFE` character shown as an escape (``\\x1b``, ``\\u202e``)."""
    return UNSAFE.sub(_visible, text)


def json_safe(text: str) -> str:
    """Serialised JSON (or YAML with such strings double-quoted) with every :data:`UNSAFE`
    character as a ``\\uXXXX`` escape; parses to the same data."""
    return UNSAFE.sub(_unicode_escape, text)


def has_unsafe(text: str) -> bool:
    return UNSAFE.search(text) is not None


def inert(value: T) -> T:
    """A copy of plain data (mappings, lists, tuples, strings) for HTML/PDF templates: every
    string passed through :func:`printable` (carriage returns kept; HTML treats them as
    whitespace). Other values are returned as they are."""
    return cast(T, _inert(value))


def _inert(value: Any) -> Any:
    if isinstance(value, str):
        return _UNSAFE_KEEP_CR.sub(_visible, value) if _UNSAFE_KEEP_CR.search(value) else value
    if isinstance(value, Mapping):
        return {key: _inert(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_inert(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_inert(item) for item in value)
    return value


def inert_html(html: str) -> str:
    """Rendered HTML with every unsafe character shown as an escape (carriage returns kept).
    Applied to everything a template renders (compliance.documents.environment)."""
    return _UNSAFE_KEEP_CR.sub(_visible, html) if _UNSAFE_KEEP_CR.search(html) else html


def echo(text: str, *, nl: bool = True, err: bool = False) -> None:
    """``click.echo`` for text output: the one way text reaches the terminal in commands."""
    import click

    click.echo(printable(text), nl=nl, err=err)


def echo_json(text: str, *, nl: bool = True) -> None:
    """``click.echo`` for serialised JSON (see :func:`json_safe`)."""
    import click

    click.echo(json_safe(text), nl=nl)
