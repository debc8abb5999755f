"""The CLI as users meet it: exit codes, messages, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from compliance.cli import cli

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "compliance", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, timeout=120)


def test_examples_are_valid() -> None:
    result = run("validate", "--strict", *map(str, EXAMPLES))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"✓ {len(EXAMPLES)} files valid" in result.stdout


def test_invalid_file_exit_1_with_location(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 1\norganisation:\n  name: X\n  rolez: [provider]\nsystem: {id: s, name: S}\n")
    result = run("validate", str(bad))
    assert result.returncode == 1
    assert f"{bad}:4:3: error: unknown key 'rolez'" in result.stdout
    assert "did you mean 'roles'?" in result.stdout
    assert "Traceback" not in result.stderr


def test_missing_file_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    result = run("validate", str(tmp_path / "nope.yaml"))
    assert result.returncode == 1
    assert "cannot read file" in result.stdout
    assert "Traceback" not in result.stderr


def test_usage_error_exit_2() -> None:
    assert run("validate").returncode == 2
    assert run("obligations", str(EXAMPLES[0]), "--as-of", "2026-13-40").returncode == 2
    assert run("frobnicate").returncode == 2


def test_sarif_has_regions(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 1\norganisation: {name: X}\nsystem:\n  id: s\n  name: S\n  markets: [eu]\n")
    result = run("validate", "--format", "sarif", str(bad))
    sarif = json.loads(result.stdout)
    assert sarif["version"] == "2.1.0"
    region = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 6, "startColumn": 13}


def test_json_format_lists_problems(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 2\norganisation: {name: X}\nsystem: {id: s, name: S}\n")
    data = json.loads(run("validate", "--format", "json", str(bad)).stdout)
    assert data["valid"] is False
    assert data["files"][0]["problems"][0]["line"] == 1


def test_obligations_json_validates_against_schema() -> None:
    import jsonschema

    schema = json.loads((ROOT / "schemas" / "obligations.schema.json").read_text("utf-8"))
    for example in EXAMPLES:
        result = run("obligations", str(example), "--as-of", "2026-11-25", "--format", "json")
        assert result.returncode == 0, result.stderr
        jsonschema.validate(json.loads(result.stdout), schema)


def test_obligations_output_is_byte_identical_across_runs() -> None:
    first = run("obligations", str(EXAMPLES[0]), "--as-of", "2027-12-02", "--format", "json").stdout
    second = run("obligations", str(EXAMPLES[0]), "--as-of", "2027-12-02", "--format", "json").stdout
    assert first == second and first


def test_explain_unknown_id_suggests(tmp_path: Path) -> None:
    result = run("explain", str(EXAMPLES[0]), "eu.ai_act.art_9_nope", "--as-of", "2026-11-25")
    assert result.returncode == 2
    assert "no obligation" in result.stderr


@pytest.mark.parametrize("profile", ["gpai-provider", "high-risk-provider", "deployer", "chatbot"])
def test_init_writes_a_valid_starter(tmp_path: Path, profile: str) -> None:
    target = tmp_path / "ai-system.yaml"
    runner = CliRunner()
    result = runner.invoke(cli, ["init", "--profile", profile, "-o", str(target)])
    assert result.exit_code == 0, result.output
    check = run("validate", str(target))
    assert check.returncode == 0, check.stdout
    again = runner.invoke(cli, ["init", "--profile", profile, "-o", str(target)])
    assert again.exit_code != 0


def test_validate_path_does_not_import_heavy_modules() -> None:
    code = (
        "import sys; from compliance.cli import main\n"
        "try:\n    main(['validate', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
        "bad = [m for m in ('weasyprint', 'networkx', 'jinja2') if m in sys.modules]\n"
        "print('HEAVY', bad)\n"
    )
    result = subprocess.run([sys.executable, "-c", code, str(EXAMPLES[0])], capture_output=True, text=True,
                            cwd=ROOT, timeout=60)
    assert "HEAVY []" in result.stdout, result.stdout + result.stderr


def test_rules_lint_passes() -> None:
    result = run("rules", "lint")
    assert result.returncode == 0, result.stdout + result.stderr
