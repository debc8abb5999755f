"""Static checks stay clean: `mypy --strict` on compliance/ (config: pyproject.toml [tool.mypy])
and `ruff check` on compliance/ and tests/ (config: [tool.ruff.lint]).

Both run as subprocesses of the current interpreter, so they see the installed packages and
their stubs. Each is skipped, with the reason, when its tool is not installed (`pip install -e
".[test]"` installs both). mypy writes its cache below the test's tmp_path: a cold run takes a
few seconds and never shares state with another checkout.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )


@pytest.mark.skipif(importlib.util.find_spec("mypy") is None,
                    reason="mypy is not installed (pip install -e '.[test]' installs it)")
def test_mypy_strict_passes_on_the_package(tmp_path: Path) -> None:
    proc = _run(["mypy", "--config-file", str(ROOT / "pyproject.toml"), "--cache-dir", str(tmp_path / "cache"),
                 "--no-error-summary", "--show-error-codes", "compliance"])
    assert proc.returncode == 0, f"mypy --strict found errors:\n{proc.stdout}{proc.stderr}"


@pytest.mark.skipif(importlib.util.find_spec("ruff") is None,
                    reason="ruff is not installed (pip install -e '.[test]' installs it)")
def test_ruff_passes_on_package_and_tests() -> None:
    proc = _run(["ruff", "check", "--no-cache", "--output-format", "concise", "compliance", "tests"])
    assert proc.returncode == 0, f"ruff check found problems:\n{proc.stdout}{proc.stderr}"
