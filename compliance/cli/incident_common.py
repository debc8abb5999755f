"""Options and helpers shared by the ``compliance incident`` commands (:mod:`compliance.cli.incident`
and :mod:`compliance.cli.incident_add`).

The register lives where the descriptor's ``incidents.path`` points (relative to the
descriptor's folder). This module is the CLI edge: it is the only place that reads the clock
(the default ``--as-of`` and ``recorded_at``); everything else takes the instant as input.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from compliance.errors import UsageError
from compliance.io.textsafe import json_safe

if TYPE_CHECKING:
    from compliance.incidents.register import Register

UTC = dt.UTC

FORMAT = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
                      help="Output format.")
RULES = click.option("--rules", "rules_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                     help="Rule data folder (default: the bundled jurisdictions/).")
AS_OF = click.option("--as-of", "as_of", default=None, metavar="DATE|TIMESTAMP",
                     help="Evaluate at this instant: YYYY-MM-DD (end of that day, 23:59:59 UTC) or an ISO "
                          "timestamp with UTC offset (default: now).")


# --------------------------------------------------------------------------- helpers


def parse_instant(value: str | None, option: str = "--as-of") -> dt.datetime:
    """A date (end of that day, UTC) or an ISO timestamp with offset; None means now (the CLI
    edge is the only place that reads the clock)."""
    if value is None:
        return dt.datetime.now(UTC).replace(microsecond=0)
    text = value.strip()
    if len(text) == 10:
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            pass
        else:
            return _within_years(dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=UTC), value, option)
    return parse_timestamp(text, option)


def parse_timestamp(value: str, option: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"{option}: {value!r} is not an ISO 8601 timestamp",
                         "write e.g. 2028-01-03T10:00:00+01:00 or 2028-01-03T09:00:00Z") from None
    if parsed.tzinfo is None:
        raise UsageError(f"{option}: {value!r} has no UTC offset",
                         "add the offset, e.g. 2028-01-03T10:00:00+01:00 (or Z for UTC)")
    return _within_years(parsed, value, option)


def _within_years(instant: dt.datetime, value: str, option: str) -> dt.datetime:
    """The instant, if its year is one a register accepts (see compliance.incidents.model.YEARS)."""
    from compliance.incidents.model import YEARS

    if instant.year not in YEARS:
        raise UsageError(f"{option}: {value!r} is out of range",
                         f"give a time between the years {YEARS.start} and {YEARS.stop - 1}")
    return instant


def descriptor_and_register(file: Path) -> tuple[Any, Path, str]:
    from compliance.cli import _load_valid

    descriptor = _load_valid(file)
    if descriptor.incidents is None:
        raise UsageError(f"{file} names no incident register",
                         "add to the descriptor:  incidents: {path: incidents.jsonl}")
    relative = descriptor.incidents.path
    return descriptor, file.parent / relative, relative


@contextmanager
def loaded_register(path: Path) -> Iterator[Register]:
    """The register at ``path``, which must verify (``compliance.incidents.register.load``), for a
    command that evaluates all of it. Meanwhile its objects are out of the garbage collector's
    sight (``gc.freeze``, undone at the end; not done when the process froze objects of its
    own), so that the collections evaluating and rendering trigger do not walk them again and
    again."""
    import gc

    from compliance.incidents.register import load

    register = load(path)
    freezing = gc.get_freeze_count() == 0
    if freezing:
        gc.freeze()
    try:
        yield register
    finally:
        if freezing:
            gc.unfreeze()


def load_clockbook(rules_dir: Path | None) -> Any:
    from compliance.incidents.clockbook import load_clocks
    from compliance.paths import rules_dir as default_rules

    return load_clocks(rules_dir or default_rules())


def assessment_at(descriptor: Any, rules_dir: Path | None, day: dt.date) -> Any:
    from compliance.law.engine.evaluator import assess_selected
    from compliance.law.rulebook import load_rulebook
    from compliance.paths import rules_dir as default_rules

    return assess_selected(descriptor, load_rulebook(rules_dir or default_rules()), day)


def dump_json(data: Any) -> str:
    return json_safe(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False)) + "\n"
