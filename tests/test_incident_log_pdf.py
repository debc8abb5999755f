"""The incident log in the audit pack: register verification, head hash, deadlines; a tampered
register is reported, never hidden."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pypdf
import pytest

from compliance.documents.pack import build_pack

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "recruitment-screening-provider.yaml"
REGISTER = "evidence/recruitment-screening-provider/incidents.jsonl"


def _text(pdf: Path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages)


def _copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "examples" / "evidence", tmp_path / "evidence")
    target = tmp_path / EXAMPLE.name
    shutil.copy(EXAMPLE, target)
    return target


@pytest.mark.slow
def test_incident_log_shows_verified_chain_and_head(tmp_path: Path) -> None:
    pack = build_pack(_copy(tmp_path), tmp_path / "out", dt.date(2026, 11, 25), {"pdf"}, None)
    text = _text(pack / "incident-log.pdf")
    head = (tmp_path / REGISTER).read_text("utf-8").strip().splitlines()[-1].split('"hash":"')[1][:64]
    assert "passed" in text and head[:40] in text.replace("\n", "")
    assert "INC-2026-001" in text
    assert "Art. 73(1)-(5)" in text  # the clock that does not apply yet is named with its reason


@pytest.mark.slow
def test_tampered_register_is_reported_in_the_log(tmp_path: Path) -> None:
    descriptor = _copy(tmp_path)
    register = tmp_path / REGISTER
    register.write_text(register.read_text("utf-8").replace("41", "14", 1), "utf-8")
    pack = build_pack(descriptor, tmp_path / "out", dt.date(2026, 11, 25), {"pdf"}, None)
    text = _text(pack / "incident-log.pdf")
    assert "FAILED" in text and "line 1" in text


@pytest.mark.slow
def test_missing_register_is_a_gap_in_the_log_and_the_report(tmp_path: Path) -> None:
    descriptor = _copy(tmp_path)
    (tmp_path / REGISTER).unlink()
    pack = build_pack(descriptor, tmp_path / "out", dt.date(2026, 11, 25), {"pdf"}, None)
    log = _text(pack / "incident-log.pdf")
    assert "does not exist" in log and "Gaps" in log and "incidents.path" in log
    assert "incidents.path" in _text(pack / "transparency-report.pdf")
