"""Register hardening: line-ending and BOM damage named as such, `incident verify --register`,
verification despite unrelated descriptor errors, JSON output, and a parser that answers any bytes
with a problem (never another exception)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compliance.errors import ComplianceError, ExitCode, InputError
from compliance.incidents import chain
from compliance.incidents import register as reg

ROOT = Path(__file__).resolve().parent.parent
AWARE = "2028-03-10T10:00:00+01:00"
T0 = dt.datetime(2028, 3, 10, 11, 0, tzinfo=dt.UTC)


def _record(i: int) -> dict[str, Any]:
    return {"type": "incident", "record": {"id": f"INC-{i}", "title": f"incident {i} ü", "aware_at": AWARE}}


def _fill(path: Path, n: int) -> bytes:
    for i in range(n):
        reg.append(path, _record(i), T0 + dt.timedelta(minutes=i))
    return path.read_bytes()


def run(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "compliance", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


@pytest.fixture()
def system(tmp_path: Path) -> Path:
    data = yaml.safe_load((ROOT / "examples" / "recruitment-screening-provider.yaml").read_text("utf-8"))
    data.pop("evidence", None)
    data["incidents"] = {"path": "incidents.jsonl"}
    path = tmp_path / "ai-system.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    _fill(tmp_path / "incidents.jsonl", 3)
    return path


# --------------------------------------------------------------------------- line endings, BOM


def test_crlf_conversion_is_named_with_a_hint(tmp_path: Path) -> None:
    data = _fill(tmp_path / "r.jsonl", 3)
    result, _ = reg.verify_bytes(data.replace(b"\n", b"\r\n"), Path("r.jsonl"))
    assert result.problem is not None
    assert (result.problem.line, result.problem.kind, result.count) == (1, "crlf", 0)
    assert "Windows (CRLF) line endings" in result.problem.reason
    assert "core.autocrlf" in result.problem.reason and "edited" not in result.problem.reason.replace(
        "not necessarily edited", "")
    hint = result.problem.hint_for("r.jsonl") or ""
    assert "*.jsonl -text" in hint and ".gitattributes" in hint and "sed -i 's/\\r$//' r.jsonl" in hint


def test_one_crlf_line_is_named_at_its_line(tmp_path: Path) -> None:
    lines = _fill(tmp_path / "r.jsonl", 3).split(b"\n")
    lines[2] += b"\r"
    result, _ = reg.verify_bytes(b"\n".join(lines), Path("r.jsonl"))
    assert result.problem is not None
    assert (result.problem.line, result.problem.kind, result.count) == (3, "crlf", 2)


def test_stripping_the_carriage_returns_restores_the_chain(tmp_path: Path) -> None:
    data = _fill(tmp_path / "r.jsonl", 3)
    converted = data.replace(b"\n", b"\r\n")
    assert reg.verify_bytes(converted.replace(b"\r", b""), Path("r.jsonl"))[0].ok  # as the hint says


@pytest.mark.parametrize("prefix,encoding", [(b"\xef\xbb\xbf", "UTF-8"), (b"\xff\xfe", "UTF-16")])
def test_byte_order_mark_is_named(tmp_path: Path, prefix: bytes, encoding: str) -> None:
    data = _fill(tmp_path / "r.jsonl", 2)
    result, _ = reg.verify_bytes(prefix + data, Path("r.jsonl"))
    assert result.problem is not None
    assert (result.problem.line, result.problem.kind) == (1, "bom")
    assert encoding in result.problem.reason and "byte order mark" in result.problem.reason
    assert result.problem.hint


def test_load_and_append_carry_the_hint(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_bytes(_fill(path, 2).replace(b"\n", b"\r\n"))
    with pytest.raises(reg.RegisterError) as info:
        reg.load(path)
    assert "[crlf]" in info.value.message and ".gitattributes" in (info.value.hint or "")
    with pytest.raises(reg.RegisterError) as info:
        reg.append(path, _record(9), T0)
    assert ".gitattributes" in (info.value.hint or "")


def test_deeply_nested_line_is_a_syntax_problem() -> None:
    result, _ = reg.verify_bytes(b"[" * 100_000 + b"\n", Path("r.jsonl"))
    assert result.problem is not None and result.problem.kind == "syntax"


def test_overlong_line_is_reported_unparsed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chain, "MAX_LINE_BYTES", 100)
    result, _ = reg.verify_bytes(b"{" + b" " * 200 + b"}\n", Path("r.jsonl"))
    assert result.problem is not None and result.problem.kind == "format" and "longer" in result.problem.reason


def test_append_refuses_a_line_over_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "r.jsonl"
    _fill(path, 1)
    monkeypatch.setattr(reg, "MAX_LINE_BYTES", 400)  # append's own check, before writing
    before = path.read_bytes()
    with pytest.raises(InputError, match="register line"):
        reg.append(path, {"type": "incident", "record": {"id": "X", "title": "t" * 500, "aware_at": AWARE}}, T0)
    assert path.read_bytes() == before


# --------------------------------------------------------------------------- the CLI


def test_verify_register_alone(system: Path) -> None:
    register = system.parent / "incidents.jsonl"
    system.unlink()  # no descriptor at all
    result = run("incident", "verify", "--register", register)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"✓ {register}: 3 entries verify" in result.stdout


def test_verify_register_alone_names_crlf(system: Path) -> None:
    register = system.parent / "incidents.jsonl"
    register.write_bytes(register.read_bytes().replace(b"\n", b"\r\n"))
    result = run("incident", "verify", "--register", register)
    assert result.returncode == ExitCode.FINDINGS
    assert f"✗ {register}:1: the register has Windows (CRLF) line endings" in result.stdout
    assert "hint: add `*.jsonl -text`" in result.stdout


def test_verify_json_output(system: Path) -> None:
    register = system.parent / "incidents.jsonl"
    data = json.loads(run("incident", "verify", "--register", register, "--format", "json").stdout)
    assert data["register"] == str(register) and data["ok"] is True and data["entries"] == 3
    assert len(data["head"]) == 64 and data["problems"] == [] and data["warnings"] == []
    register.write_bytes(b"\xef\xbb\xbf" + register.read_bytes())
    result = run("incident", "verify", "--register", register, "--format", "json")
    assert result.returncode == ExitCode.FINDINGS
    data = json.loads(result.stdout)
    assert data["ok"] is False and data["entries"] == 0
    assert [(p["line"], p["kind"]) for p in data["problems"]] == [(1, "bom")]
    assert data["problems"][0]["hint"]


def test_verify_despite_an_unrelated_descriptor_error(system: Path) -> None:
    data = yaml.safe_load(system.read_text("utf-8"))
    data["evidence"] = [{"path": "missing.pdf", "description": "not there"}]
    system.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    assert run("validate", system).returncode == ExitCode.FINDINGS
    result = run("incident", "verify", system)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 entries verify" in result.stdout
    assert "warning:" in result.stderr and "missing.pdf" in result.stderr
    data = json.loads(run("incident", "verify", system, "--format", "json").stdout)
    assert data["ok"] is True and data["register"] == "incidents.jsonl"
    assert len(data["warnings"]) == 1 and "missing.pdf" in data["warnings"][0]


def test_no_verify_when_the_register_path_itself_is_wrong(system: Path) -> None:
    data = yaml.safe_load(system.read_text("utf-8"))
    data["incidents"] = {"path": "../elsewhere.jsonl"}
    system.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    result = run("incident", "verify", system)
    assert result.returncode == ExitCode.FINDINGS
    assert "names no usable incident register" in result.stderr and "--register" in result.stderr


@pytest.mark.parametrize("args", [
    ["incident", "verify", "{missing}.yaml"],
    ["incident", "verify", "--register", "{missing}.jsonl"],
    ["incident", "verify"],
    ["incident", "verify", "{system}", "--register", "{register}"],
])
def test_verify_usage_errors_exit_2(args: list[str], system: Path) -> None:
    missing = system.parent / "nope"
    filled = [a.format(missing=missing, system=system, register=system.parent / "incidents.jsonl") for a in args]
    result = run(*filled)
    assert result.returncode == ExitCode.USAGE, result.stdout + result.stderr
    assert "Traceback" not in result.stderr


# --------------------------------------------------------------------------- fuzzing the parser


def _verify_any(data: bytes) -> None:
    """Any bytes give a Verification (ok or a located problem); load gives a register or a
    RegisterError. Nothing else escapes."""
    result, register = reg.verify_bytes(data, Path("r.jsonl"))
    assert result.count == register.count <= data.count(b"\n")
    if not result.ok:
        assert result.problem is not None and 1 <= result.problem.line <= data.count(b"\n") + 1
        assert result.problem.kind in {"torn", "syntax", "format", "sequence", "chain", "hash", "content",
                                       "reference", "crlf", "bom"}
    json.dumps(result.to_json())


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_give_a_clean_answer(data: bytes) -> None:
    _verify_any(data)


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
_bodies = st.one_of(
    _json_values,
    st.fixed_dictionaries({"type": st.sampled_from(["incident", "amendment", "report", "other"])},
                          optional={"record": st.dictionaries(st.sampled_from(
                              ["id", "title", "aware_at", "serious", "harm", "status", "resolved_at"]),
                              _json_values, max_size=5),
                              "incident": st.text(max_size=8) | st.just("INC-0"),
                              "changes": st.dictionaries(st.text(max_size=12), _json_values, max_size=3),
                              "reason": _json_values, "clocks": _json_values, "kind": _json_values}),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_bodies, max_size=5), st.sampled_from([b"", b"\r", b"\n", b"\xef\xbb\xbf"]))
def test_well_chained_lines_with_any_content_give_a_clean_answer(bodies: list[Any], noise: bytes) -> None:
    """Lines with valid hashes and links but arbitrary bodies exercise the content checks."""
    lines, prev = [], reg.GENESIS
    for seq, body in enumerate([_record(0), *bodies], 1):
        obj: dict[str, Any] = {"seq": seq, "prev": prev, "recorded_at": T0.isoformat(), "entry": body}
        try:
            obj["hash"] = reg.entry_hash(obj)
        except ValueError:  # not JSON-representable (e.g. inf)
            return
        lines.append(reg.canonical(obj))
        prev = obj["hash"]
    data = b"\n".join(lines) + b"\n"
    _verify_any(data)
    _verify_any(noise + data)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_load_raises_only_register_errors(data: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "r.jsonl"
        path.write_bytes(data)
        try:
            register = reg.load(path)
        except ComplianceError as exc:
            assert isinstance(exc, reg.RegisterError), exc
        else:
            assert register.count == data.count(b"\n")
