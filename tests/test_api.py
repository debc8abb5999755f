"""The public Python API (docs/api.md): its example runs as written, and the API agrees with the
command line."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import compliance
from compliance.errors import ComplianceError, ExitCode, InputError, MissingDataError

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "recruitment-screening-provider.yaml"
AS_OF = dt.date(2027, 12, 2)


def test_docs_example_runs_as_written(monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    text = (ROOT / "docs" / "api.md").read_text("utf-8")
    (code,) = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    monkeypatch.chdir(ROOT)
    exec(compile(code, "docs/api.md", "exec"), {})  # noqa: S102 - our own documentation
    out = capsys.readouterr().out
    assert "Art. 9(1)" in out
    assert "False inline.yaml:" in out
    assert "manifest.json" in out and "index.html" in out


def test_assess_equals_the_cli() -> None:
    cli = subprocess.run([sys.executable, "-m", "compliance", "obligations", str(EXAMPLE),
                          "--as-of", AS_OF.isoformat(), "--format", "json"],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    api = compliance.assess(EXAMPLE, as_of=AS_OF).to_json()
    assert json.loads(cli.stdout) == json.loads(json.dumps(api))


def test_assess_takes_a_loaded_descriptor_and_named_jurisdictions() -> None:
    descriptor = compliance.load(EXAMPLE)
    assessment = compliance.assess(descriptor, as_of=AS_OF, jurisdictions=["eu"])
    assert [j.jurisdiction.code for j in assessment.jurisdictions] == ["eu"]
    with pytest.raises(ComplianceError) as info:
        compliance.assess(descriptor, as_of=AS_OF, jurisdictions=["xx"])
    assert info.value.exit_code == ExitCode.USAGE


def test_load_lists_located_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 1\norganisation:\n  name: X\n  rolez: [provider]\n"
                   "system: {id: s, name: S}\n", "utf-8")
    with pytest.raises(InputError) as info:
        compliance.load(bad)
    assert f"{bad}:4:3: error: unknown key 'rolez'" in info.value.message


def test_validate_runs_the_legal_checks_unless_told_not_to() -> None:
    case = ROOT / "examples" / "invalid" / "derogation-while-profiling.strict.yaml"
    report = compliance.validate(case, as_of=AS_OF)
    assert report.valid
    assert "eu.ai_act.derogation_while_profiling" in [p.check for p in report.warnings]
    assert not compliance.validate(case, as_of=AS_OF, legal_checks=False).warnings


def test_missing_rule_data_fails_closed(tmp_path: Path) -> None:
    with pytest.raises(MissingDataError) as info:
        compliance.assess(EXAMPLE, as_of=AS_OF, rules_dir=tmp_path / "nowhere")
    assert info.value.exit_code == ExitCode.INTERNAL
    with pytest.raises(MissingDataError):
        compliance.validate(EXAMPLE, as_of=AS_OF, rules_dir=tmp_path)


def test_import_stays_light() -> None:
    """`import compliance` must not pull in the engine, networkx or WeasyPrint."""
    code = ("import sys, compliance; heavy = [m for m in ('networkx', 'weasyprint', "
            "'compliance.law.engine.evaluator', 'pydantic') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
