"""Packs built once per test session and shared by the render and pack tests (PDF renders are
slow). Import this module from tests; do not build packs in individual tests."""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import json
import shutil
import tempfile
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
AS_OF = dt.date(2026, 11, 25)
_ROOT = Path(tempfile.mkdtemp(prefix="compliance-packs-"))
atexit.register(shutil.rmtree, _ROOT, True)


def sample_assessment(name: str) -> dict:
    return json.loads((DATA / f"{name}.assessment.json").read_text("utf-8"))


@functools.cache
def pack(name: str, run: int = 0, formats: tuple[str, ...] = ("pdf",)) -> Path:
    """Build the pack of tests/data/<name>.yaml against the hand-written sample assessment."""
    from compliance.documents.pack import build_pack

    return build_pack(DATA / f"{name}.yaml", _ROOT / f"{name}-{run}-{'-'.join(formats)}", AS_OF,
                      set(formats), None, assessment=sample_assessment(name))


@functools.cache
def engine_pack(path: str) -> Path:
    """Build a pack with the real engine (end to end)."""
    from compliance.documents.pack import build_pack

    source = Path(path)
    return build_pack(source, _ROOT / f"engine-{source.stem}", AS_OF, {"pdf"}, None)
