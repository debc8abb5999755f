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
    assert "does not exist" in log and "Gaps" in log and "gap dashboard" in log
    # the descriptor path to state is named once, in the pack's gap dashboard
    assert "incidents.path" not in log and "incidents.path" in _text(pack / "gaps.pdf")
    assert "gap dashboard" in _text(pack / "transparency-report.pdf")


def test_a_serious_incident_record_carries_the_art_73_contents_or_gaps() -> None:
    """The log is an Art. 73 record: persons affected, Member States, the investigation, the
    corrective action, the Art. 73(6) statement and every report with its recipient and
    reference; for a serious incident each unstated item is a gap of the log."""
    from compliance.documents.context.incident_log import _art_73_record, _record_gaps

    record = {"persons_affected": 41, "member_states": ["NL"], "corrective_measures": ["Rolled back"],
              "altered_before_informing": False, "serious": True}
    reports = [{"kind": "initial", "recipient": "Autoriteit Persoonsgegevens", "reference": "AP-1",
                "submitted_at": "2028-01-05T10:00:00Z"}]
    out = _art_73_record(record, reports)
    assert [(i["key"], i["value"]) for i in out["items"]] == [
        ("persons_affected", 41), ("member_states", ["NL"]), ("investigation", None),
        ("corrective_measures", ["Rolled back"]), ("altered_before_informing", False)]
    assert out["reports"] == [{"kind": "initial", "recipient": "Autoriteit Persoonsgegevens",
                               "reference": "AP-1", "submitted_at": "2028-01-05T10:00:00Z"}]
    gaps = _record_gaps("INC-1", record, [])
    assert [g["fact"] for g in gaps] == ["investigation"]
    assert "--amends INC-1" in gaps[0]["hint"]
