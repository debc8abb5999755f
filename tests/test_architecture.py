"""The package's shape, enforced: the pipeline layers (import-linter contracts in pyproject.toml),
no import cycles, few loose modules at the top, no oversized module, and the validation path free
of the heavy libraries. docs/architecture.md describes the same tree."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "compliance"
MAX_LINES = 450
MAX_TOP_MODULES = 6


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def test_layering_contracts_are_kept() -> None:
    pytest.importorskip("importlinter")
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
         "sys.exit(lint_imports_command())"],
        cwd=ROOT, capture_output=True, text=True, env=_env(), timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_no_import_cycles() -> None:
    grimp = pytest.importorskip("grimp")
    import networkx as nx

    sys.path.insert(0, str(ROOT))
    try:
        graph = grimp.build_graph("compliance")
    finally:
        sys.path.remove(str(ROOT))
    edges = [(m, i) for m in graph.modules for i in graph.find_modules_directly_imported_by(m)
             if i.startswith("compliance")]
    cycles = list(nx.simple_cycles(nx.DiGraph(edges)))
    assert cycles == [], cycles[:5]


def test_few_loose_modules_at_the_top() -> None:
    loose = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(loose) <= MAX_TOP_MODULES, loose


def test_no_module_is_oversized() -> None:
    sizes = {str(p.relative_to(ROOT)): len(p.read_text("utf-8").splitlines())
             for p in PACKAGE.rglob("*.py")}
    oversized = {name: n for name, n in sizes.items() if n > MAX_LINES}
    assert oversized == {}, oversized


def test_validation_path_stays_light() -> None:
    """`compliance validate` is what pre-commit runs: neither WeasyPrint, networkx nor the
    documents or interop packages may load on its way."""
    example = ROOT / "examples" / "customer-service-chatbot.yaml"
    code = (f"import sys, runpy; sys.argv = ['compliance', 'validate', {str(example)!r}]\n"
            "try:\n    runpy.run_module('compliance', run_name='__main__')\n"
            "except SystemExit:\n    pass\n"
            "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('weasyprint', 'networkx')"
            " or m.startswith(('compliance.documents', 'compliance.interop')))\n"
            "print('HEAVY', heavy)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, env=_env(), timeout=120, check=False)
    assert "HEAVY []" in result.stdout, result.stdout + result.stderr


def test_architecture_note_names_every_package() -> None:
    note = (ROOT / "docs" / "architecture.md").read_text("utf-8")
    packages = sorted(p.parent.name for p in PACKAGE.glob("*/__init__.py"))
    missing = [name for name in packages if f"compliance/{name}/" not in note]
    assert missing == [], missing
