"""examples/invalid/: each file has an .expected file listing substrings the output must contain.
Files named *.strict.yaml fail only with --strict (their finding is a warning)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
INVALID = sorted((ROOT / "examples" / "invalid").glob("*.yaml"))


def test_corpus_exists() -> None:
    assert len(INVALID) >= 10


@pytest.mark.parametrize("path", INVALID, ids=[p.name for p in INVALID])
def test_invalid_example(path: Path) -> None:
    expected_file = path.with_name(path.name.removesuffix(".yaml") + ".expected")
    assert expected_file.is_file(), f"missing {expected_file.name}"
    strict = path.name.endswith(".strict.yaml")
    rel = path.relative_to(ROOT)
    args = ["validate", *(["--strict"] if strict else []), str(rel)]
    result = subprocess.run([sys.executable, "-m", "compliance", *args], capture_output=True,
                            text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    for needle in filter(None, expected_file.read_text("utf-8").splitlines()):
        assert needle in result.stdout, f"{needle!r} not in:\n{result.stdout}"
    if strict:
        relaxed = subprocess.run([sys.executable, "-m", "compliance", "validate", str(rel)],
                                 capture_output=True, text=True, cwd=ROOT, timeout=60)
        assert relaxed.returncode == 0, relaxed.stdout
