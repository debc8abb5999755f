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


@pytest.mark.parametrize("command", [
    ["validate"], ["obligations"], ["explain", "{f}", "art_09"], ["graph"],
    ["build", "-o", "{tmp}/out", "--format", "html"], ["diff", "{f}", "{example}"],
    ["incident", "verify"], ["incident", "check"], ["openness"], ["crosswalk"],
    ["export", "cyclonedx"], ["export", "spdx"], ["ask"],
])
def test_missing_input_file_is_exit_2_everywhere(command: list[str], tmp_path: Path) -> None:
    """One situation, one exit code: a descriptor that does not exist is a usage error (2)."""
    missing = str(tmp_path / "nope.yaml")
    args = [a.format(f=missing, tmp=tmp_path, example=EXAMPLES[0]) for a in command]
    if "{f}" not in " ".join(command):
        args.append(missing)
    result = run(*args)
    assert result.returncode == 2, (args, result.stdout, result.stderr)
    assert "nope.yaml" in result.stdout + result.stderr
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


# --------------------------------------------------------------------------- conventions


def run_input(*args: str, stdin: bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "compliance", *args], input=stdin,
                          capture_output=True, cwd=ROOT, timeout=120)


def test_dash_reads_the_descriptor_from_stdin() -> None:
    example = ROOT / "examples" / "customer-service-chatbot.yaml"
    raw = example.read_bytes()
    valid = run_input("validate", "-", stdin=raw)
    assert valid.returncode == 0, valid.stdout + valid.stderr
    piped = run_input("obligations", "-", "--as-of", "2026-11-25", "--format", "json", stdin=raw)
    direct = run("obligations", str(example), "--as-of", "2026-11-25", "--format", "json")
    assert piped.returncode == 0, piped.stderr
    assert json.loads(piped.stdout) == json.loads(direct.stdout)
    bad = run_input("validate", "-", stdin=b"schema_version: 1\norganisation: {nme: X}\n")
    assert bad.returncode == 1
    assert b"<stdin>:2:" in bad.stdout


def test_explain_json_carries_the_derivation() -> None:
    result = run("explain", str(ROOT / "examples" / "recruitment-screening-provider.yaml"),
                 "eu.ai_act.art_09_1_risk_management_system", "--as-of", "2027-12-02",
                 "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["verdict"] == "applies" and data["citation"].startswith("Art. 9")
    assert data["applies_from"] == "2027-12-02"
    nested = [n for n in data["why"] if "because" in n]
    assert nested and nested[0]["classification"]["id"].startswith("eu.ai_act.")


def test_rules_lint_json() -> None:
    result = run("rules", "lint", "--format", "json")
    assert result.returncode == 0, result.stdout
    data = json.loads(result.stdout)
    assert data["ok"] is True and data["findings"] == [] and data["rules"] > 200


def test_rules_lint_fails_closed_without_rules(tmp_path: Path) -> None:
    for args in (["rules", "lint", "--rules", str(tmp_path)],
                 ["rules", "lint", "--rules", str(tmp_path / "absent")]):
        result = run(*args)
        assert result.returncode == 3, result.stdout + result.stderr
        assert "0 rules pass" not in result.stdout
        assert "rule data" in result.stderr or "no rules" in result.stderr


def test_jurisdiction_without_rules_fails_closed(tmp_path: Path) -> None:
    import shutil

    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "jurisdictions", rules)
    for instrument in (rules / "kr").iterdir():
        if instrument.is_dir():
            shutil.rmtree(instrument)
    result = run("obligations", str(EXAMPLES[0]), "--rules", str(rules))
    assert result.returncode == 3
    assert "jurisdiction kr has no rules" in result.stderr


def test_diff_text_prints_values_as_yaml(tmp_path: Path) -> None:
    old = tmp_path / "old.yaml"
    new = tmp_path / "new.yaml"
    text = (ROOT / "examples" / "customer-service-chatbot.yaml").read_text("utf-8")
    old.write_text(text, "utf-8")
    assert "  emotion_recognition: false" in text
    new.write_text(text.replace("  emotion_recognition: false", "  emotion_recognition: true"),
                   "utf-8")
    result = run("diff", str(old), str(new), "--as-of", "2026-11-25")
    assert "system.features.emotion_recognition: false → true" in result.stdout
    for python_repr in ("None", "True", "False", "'"):
        assert f": {python_repr}" not in result.stdout


def test_graph_dot_labels_are_plain_text() -> None:
    import networkx as nx

    from compliance.law.graph import export

    g: nx.DiGraph[str] = nx.DiGraph()
    g.add_node('fact:a"b', kind="fact", label='say "hi" \\l then\nmore')
    dot = export(g, "dot")
    assert 'label="say \\"hi\\" \\\\l then more"' in dot
    assert '"fact:a\\"b"' in dot


def test_init_high_risk_provider_has_an_incident_register(tmp_path: Path) -> None:
    target = tmp_path / "ai-system.yaml"
    assert run("init", "--profile", "high-risk-provider", "-o", str(target)).returncode == 0
    added = run("incident", "add", str(target), "--id", "INC-1", "--title", "t",
                "--aware-at", "2028-03-10T10:00:00+01:00", "--serious", "--harm", "c")
    assert added.returncode == 0, added.stderr
    assert (tmp_path / "incidents.jsonl").is_file()
    assert run("incident", "verify", str(target)).returncode == 0
