"""`schema`, `obligations` and `graph` through compliance.cli.main in this process: the
command prints what the library functions return, with the documented exit codes (tests/
test_cli.py runs the same commands in subprocesses, which plain coverage does not see)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from compliance.cli import main
from compliance.cli.reporting import render_assessment_text, to_json_text
from compliance.descriptor.validation import load_valid_descriptor
from compliance.errors import ExitCode
from compliance.interop.schemas import all_schemas, dumps
from compliance.law.engine import assess
from compliance.law.engine.evaluator import assess_selected
from compliance.law.graph import evaluated_graph, export

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "recruitment-screening-provider.yaml"
AS_OF = dt.date(2026, 11, 25)


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    captured = capsys.readouterr()
    return int(exited.value.code or 0), captured.out, captured.err


@pytest.mark.parametrize("which", ["ai-system", "rule", "jurisdiction", "obligations", "scenario",
                                   "crosswalk", "coverage"])
def test_schema_prints_the_generated_schema(which: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "schema", "--which", which)
    assert (code, err) == (ExitCode.OK, "")
    assert out == dumps(all_schemas()[f"{which}.schema.json"])
    schema = json.loads(out)
    if which != "obligations":
        assert schema["$id"] == f"https://compliance.invalid/schemas/{which}.schema.json"
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_schema_default_is_the_descriptor_schema(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _run(capsys, "schema")
    assert json.loads(out)["title"] == "AI-system descriptor"


def test_schema_write_matches_the_committed_schemas(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "new" / "schemas"
    code, out, err = _run(capsys, "schema", "--write", str(target))
    assert (code, out) == (ExitCode.OK, "")
    written = sorted(p.name for p in target.iterdir())
    assert written == sorted(all_schemas())
    assert err == "".join(f"wrote {target / name}\n" for name in all_schemas())
    for name in written:
        assert (target / name).read_text("utf-8") == (ROOT / "schemas" / name).read_text("utf-8"), name


def test_obligations_text_and_json(rulebook, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    assessment = assess_selected(load_valid_descriptor(EXAMPLE), rulebook, AS_OF)
    code, out, err = _run(capsys, "obligations", str(EXAMPLE), "--as-of", "2026-11-25")
    assert (code, err) == (ExitCode.OK, "")
    assert out == render_assessment_text(assessment)
    _, out, _ = _run(capsys, "obligations", str(EXAMPLE), "--as-of", "2026-11-25", "--all", "--ids")
    assert out == render_assessment_text(assessment, show_all=True, ids=True)
    _, out, _ = _run(capsys, "obligations", str(EXAMPLE), "--as-of", "2026-11-25", "--format", "json")
    assert out == to_json_text(assessment.to_json())
    # --jurisdiction evaluates exactly the ones named, even where the system is not offered
    _, out, _ = _run(capsys, "obligations", str(EXAMPLE), "--as-of", "2026-11-25",
                     "--jurisdiction", "us_co", "--format", "json")
    chosen = assess(load_valid_descriptor(EXAMPLE), rulebook, AS_OF, ["us_co"])
    assert out == to_json_text(chosen.to_json())
    assert [j["code"] for j in json.loads(out)["jurisdictions"]] == ["us_co"]


def test_obligations_unknown_jurisdiction_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "obligations", str(EXAMPLE), "--jurisdiction", "atlantis")
    assert (code, out) == (ExitCode.USAGE, "")
    assert err.startswith("error: unknown jurisdiction atlantis\n  hint: known: cn, eu, kr, ")


@pytest.mark.parametrize("fmt", ["dot", "graphml", "json"])
def test_graph_prints_the_evaluated_graph(fmt: str, rulebook, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    expected = export(evaluated_graph(assess_selected(load_valid_descriptor(EXAMPLE), rulebook, AS_OF)), fmt)
    code, out, err = _run(capsys, "graph", str(EXAMPLE), "--as-of", "2026-11-25", "--format", fmt)
    assert (code, err) == (ExitCode.OK, "")
    assert out == expected
    assert "applies/upcoming" in out
