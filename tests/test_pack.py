"""Pack assembly: contents, manifest, index, atomic writes, descriptor injection, CLI."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import pytest
from _packs import AS_OF, DATA, pack, sample_assessment
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_pack_contents_and_manifest() -> None:
    path = pack("hiring")
    names = sorted(p.name for p in path.iterdir())
    assert names == sorted([
        "annex-iv-technical-documentation.pdf", "annex-v-declaration-of-conformity.pdf",
        "fria.pdf", "transparency-report.pdf", "gaps.pdf", "descriptor.yaml", "obligations.json",
        "index.html", "manifest.json",
    ])
    manifest = json.loads((path / "manifest.json").read_text())
    assert manifest["as_of"] == "2026-11-25"
    assert manifest["tool"]["version"] and manifest["rules_version"] == "eu 2026.11.25"
    listed = {f["path"]: f for f in manifest["files"]}
    assert set(listed) == set(names) - {"manifest.json"}
    for name, entry in listed.items():
        assert entry["sha256"] == hashlib.sha256((path / name).read_bytes()).hexdigest()
    assert (path / "descriptor.yaml").read_bytes() == (DATA / "hiring.yaml").read_bytes()
    assert json.loads((path / "obligations.json").read_text()) == sample_assessment("hiring")
    absent = [d for d in manifest["documents"] if not d["present"]]
    assert {d["document"] for d in absent} == {"annex_xi", "annex_xii", "training_summary", "incident_log",
                                               "copyright_policy", "safety_security_report",
                                               "instructions_for_use", "post_market_monitoring_plan",
                                               "annex_viii"}
    index = (path / "index.html").read_text()
    assert "model.significant_generality" in index and "fria.pdf" in index


def test_failed_build_leaves_previous_pack(tmp_path: Path) -> None:
    from compliance.documents.pack import PackError, build_pack
    from compliance.errors import TemplateError

    out = tmp_path / "out"
    first = build_pack(DATA / "hiring.yaml", out, AS_OF, {"html"}, None,
                       assessment=sample_assessment("hiring"))
    before = {p.name: p.read_bytes() for p in first.iterdir()}
    broken = tmp_path / "templates" / "eu" / "ai_act"
    broken.mkdir(parents=True)
    (broken / "fria.html.j2").write_text("{{ no_such_variable }}")
    with pytest.raises(TemplateError,
                       match=r"fria\.html\.j2:1: template error: 'no_such_variable' is undefined"):
        build_pack(DATA / "hiring.yaml", out, AS_OF, {"html"}, tmp_path / "templates",
                   assessment=sample_assessment("hiring"))
    assert {p.name: p.read_bytes() for p in first.iterdir()} == before
    assert [p.name for p in out.iterdir()] == ["hiring-assistant"]  # no temp dirs left
    with pytest.raises(PackError):
        build_pack(DATA / "hiring.yaml", out, AS_OF, {"docx"}, None,
                   assessment=sample_assessment("hiring"))


def test_user_templates_are_searched_first(tmp_path: Path) -> None:
    from compliance.documents.pack import build_pack

    custom = tmp_path / "templates" / "eu" / "ai_act"
    custom.mkdir(parents=True)
    (custom / "fria.html.j2").write_text(
        '{% extends "eu/ai_act/_structured.html.j2" %}'
        '{% block before %}<p>CUSTOM FRIA PREFACE</p>{% endblock %}'
    )
    path = build_pack(DATA / "hiring.yaml", tmp_path / "out", AS_OF, {"html"},
                      tmp_path / "templates", assessment=sample_assessment("hiring"))
    assert "CUSTOM FRIA PREFACE" in (path / "fria.html").read_text()
    assert "CUSTOM" not in (path / "annex-iv-technical-documentation.html").read_text()


def test_evidence_outside_descriptor_folder_is_refused(tmp_path: Path) -> None:
    from compliance.documents.pack import PackError, build_pack

    text = (DATA / "hiring.yaml").read_text().replace(
        "path: evidence/risk-register.md", "path: ../../../../../etc/passwd")
    descriptor = tmp_path / "hiring.yaml"
    descriptor.write_text(text)
    with pytest.raises(PackError, match="outside the descriptor"):
        build_pack(descriptor, tmp_path / "out", AS_OF, {"html"}, None,
                   assessment=sample_assessment("hiring"))
    assert not (tmp_path / "out" / "hiring-assistant").exists()


def _hostile_copy(tmp_path: Path) -> Path:
    import yaml

    data = yaml.safe_load((DATA / "hiring.yaml").read_text())
    data["system"]["hardware"] = (
        '<img src="file:///etc/passwd"> <span style="background:url(http://127.0.0.1:9/x)">s'
        "</span> Two x86 servers"
    )
    data.pop("evidence")
    descriptor = tmp_path / "hiring.yaml"
    descriptor.write_text(yaml.safe_dump(data, sort_keys=False))
    return descriptor


@pytest.mark.slow
def test_descriptor_injection_renders_literally(tmp_path: Path) -> None:
    from compliance.documents.pack import build_pack

    path = build_pack(_hostile_copy(tmp_path), tmp_path / "out", AS_OF, {"pdf", "html"}, None,
                      assessment=sample_assessment("hiring"))
    html = (path / "annex-iv-technical-documentation.html").read_text()
    assert '<img src="file:///etc/passwd">' not in html
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html
    from pypdf import PdfReader

    text = "".join(p.extract_text() or "" for p in
                   PdfReader(path / "annex-iv-technical-documentation.pdf").pages)
    assert '<img src="file:///etc/passwd">' in text.replace("\n", " ")


@pytest.mark.slow
def test_end_to_end_with_engine_and_cli(tmp_path: Path) -> None:
    from compliance.cli import cli

    examples = sorted((ROOT / "examples").glob("*.yaml"))
    if len(examples) < 2:
        pytest.skip("examples/ not written yet")
    chosen = [str(p) for p in examples[:2]]
    result = CliRunner().invoke(
        cli, ["build", *chosen, "-o", str(tmp_path / "out"), "--as-of", "2026-11-25",
              "--jobs", "2"])
    assert result.exit_code == 0, result.output
    packs = [p for p in (tmp_path / "out").iterdir() if p.is_dir()]  # and the top-level index
    assert len(packs) == 2
    for p in packs:
        manifest = json.loads((p / "manifest.json").read_text())
        assert (p / "transparency-report.pdf").is_file()
        obligations = json.loads((p / "obligations.json").read_text())
        assert manifest["as_of"] == obligations["as_of"] == "2026-11-25"


def test_cli_rejects_duplicate_system_ids(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Through main(), the console-script entry point with the error handler: CliRunner on the
    # click group would count any uncaught exception (a crash too) as exit code 1.
    from compliance.cli import main
    from compliance.errors import ExitCode

    copy = tmp_path / "again.yaml"
    shutil.copy(DATA / "hiring.yaml", copy)
    with pytest.raises(SystemExit) as exited:
        main(["build", str(DATA / "hiring.yaml"), str(copy), "-o", str(tmp_path / "out"),
              "--as-of", "2026-11-25"])
    assert exited.value.code == ExitCode.USAGE == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"error: {DATA / 'hiring.yaml'} and {copy} both describe system id 'hiring-assistant'; "
        "their packs would overwrite each other\n")
    assert not (tmp_path / "out").exists()  # refused before anything is built


def test_html_rendition_inlines_the_stylesheet_as_css(tmp_path: Path) -> None:
    """Inside <style> entities are not decoded: the stylesheet must stay CSS ("Doc Sans"), not
    become &#34;Doc Sans&#34; (which silently drops every font rule)."""
    from compliance.documents.pack import build_pack

    example = Path(__file__).resolve().parent.parent / "examples" / "customer-service-chatbot.yaml"
    pack = build_pack(example, tmp_path, dt.date(2026, 12, 6), {"html"})
    html = (pack / "transparency-report.html").read_text("utf-8")
    assert 'font-family: "Doc Sans"' in html
    assert "&#34;Doc Sans" not in html
