"""`compliance status` in-process: the descriptor walk, one row per system checked against the
engine, the incident-register column, the text table and JSON, and the command's options (the
CLI tests reach these only through subprocesses)."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
from collections import Counter
from pathlib import Path

import pytest

from compliance.cli import main
from compliance.cli.reporting import to_json_text
from compliance.descriptor.validation import load_valid_descriptor
from compliance.documents.status import (
    HEADERS,
    Row,
    collect,
    find_descriptors,
    render_table,
    to_json,
)
from compliance.errors import ExitCode
from compliance.law.engine.evaluator import assess_selected

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
RULES = ROOT / "jurisdictions"
AS_OF = dt.date(2026, 11, 25)
REGISTER = Path("evidence/recruitment-screening-provider/incidents.jsonl")
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")


@pytest.fixture
def fleet(tmp_path: Path) -> Path:
    """Three valid systems (one with an incident register, one with facts missing), one invalid
    descriptor, and files the walk must pass over."""
    root = tmp_path / "fleet"
    (root / "team-a").mkdir(parents=True)
    shutil.copy(EXAMPLES / "customer-service-chatbot.yaml", root / "team-a" / "chatbot.yaml")
    shutil.copy(EXAMPLES / "recruitment-screening-provider.yaml", root / "recruitment.yaml")
    shutil.copytree(EXAMPLES / "evidence", root / "evidence")
    shutil.copy(EXAMPLES / "invalid" / "bad-enum-value.yaml", root / "team-a" / "broken.yml")
    (root / "team-b").mkdir()  # valid; invalid only under --strict (a warning)
    shutil.copy(EXAMPLES / "invalid" / "compute-inconsistent.strict.yaml", root / "team-b" / "fjordlys.yaml")
    (root / "notes.yaml").write_text("title: not a descriptor\n", "utf-8")
    (root / "readme.txt").write_text("schema_version: 1\norganisation: {}\n", "utf-8")
    for skipped in ("node_modules", ".hidden"):
        (root / skipped).mkdir()
        shutil.copy(EXAMPLES / "fine-tuner.yaml", root / skipped / "fine-tuner.yaml")
    return root


def _counts(path: Path, rulebook) -> tuple[Counter[str], list[str], dict[str, str]]:  # type: ignore[no-untyped-def]
    report = assess_selected(load_valid_descriptor(path), rulebook, AS_OF)
    counts: Counter[str] = Counter()
    upcoming = []
    for o in report.obligations():
        if o.verdict.value == "applies":
            counts[o.status.value] += 1
            if o.status.value == "upcoming":
                upcoming.append(o.applies_from.isoformat())
        else:
            counts[o.verdict.value] += 1
    tiers = {j.jurisdiction.code: j.tier.id for j in report.jurisdictions if j.tier}
    return counts, sorted(upcoming), tiers


@needs_fifo
def test_find_descriptors_walk(fleet: Path) -> None:
    os.mkfifo(fleet / "team-a" / "pipe.yaml")
    skipped: list[tuple[str, str]] = []
    found = find_descriptors(fleet, skipped)
    assert [p.relative_to(fleet).as_posix() for p in found] == [
        "recruitment.yaml", "team-a/broken.yml", "team-a/chatbot.yaml", "team-b/fjordlys.yaml"]
    assert skipped == [(str(fleet / "team-a" / "pipe.yaml"), "is a FIFO (named pipe), not a regular file")]


def test_rows_agree_with_the_engine(fleet: Path, rulebook) -> None:  # type: ignore[no-untyped-def]
    rows = {Path(r.file).name: r for r in collect(fleet, RULES, AS_OF, jobs=1)}
    assert set(rows) == {"recruitment.yaml", "broken.yml", "chatbot.yaml", "fjordlys.yaml"}
    for name in ("recruitment.yaml", "chatbot.yaml", "fjordlys.yaml"):
        row = rows[name]
        path = next(fleet.rglob(name))
        counts, upcoming, tiers = _counts(path, rulebook)
        assert row.valid and row.errors == 0
        assert (row.in_force, row.upcoming, row.undetermined) == (
            counts["in_force"], counts["upcoming"], counts["undetermined"]), name
        assert row.next_date == (upcoming[0] if upcoming else None)
        assert row.tiers == tiers
        assert row.file == str(path)
    recruitment = rows["recruitment.yaml"]
    assert (recruitment.system, recruitment.name) == ("kandidaatwijzer", "Kandidaatwijzer")
    assert (recruitment.in_force, recruitment.upcoming, recruitment.next_date) == (1, 45, "2027-12-02")
    assert recruitment.tiers == {"eu": "high_risk"}
    # its register verifies and, in 2026, nothing is overdue; the chatbot keeps no register
    assert (recruitment.overdue_incidents, recruitment.register_problem) == (0, None)
    assert (rows["chatbot.yaml"].overdue_incidents, rows["chatbot.yaml"].register_problem) == (None, None)
    assert rows["fjordlys.yaml"].undetermined > 50 and len(rows["fjordlys.yaml"].tiers) == 6
    broken = rows["broken.yml"]
    assert (broken.valid, broken.errors, broken.system, broken.in_force) == (False, 1, "", 0)


def test_highlights_come_from_the_jurisdiction_data() -> None:
    rows = {r.system: r for r in collect(EXAMPLES, RULES, AS_OF, jobs=1) if r.valid}
    assert rows["risklens-retail-score"].highlights == ["eu:legacy"]
    assert rows["halcyon-playground"].highlights == ["eu:gpai"]
    assert rows["kandidaatwijzer"].highlights == []


@pytest.mark.parametrize(("damage", "problem"), [
    ("delete", "register file missing"),
    ("tamper", "register fails verification (line 1)"),
])
def test_a_broken_register_is_reported_never_counted_as_zero(fleet: Path, damage: str, problem: str) -> None:
    register = fleet / REGISTER
    if damage == "tamper":
        text = register.read_text("utf-8")
        assert "closed pilot with two employers" in text
        register.write_text(text.replace("two employers", "three employers"), "utf-8")
    else:
        register.unlink()
    (row,) = [r for r in collect(fleet, RULES, AS_OF, jobs=1) if r.system == "kandidaatwijzer"]
    assert row.valid and (row.overdue_incidents, row.register_problem) == (None, problem)


@needs_fifo
def test_a_register_that_is_a_fifo_makes_the_descriptor_invalid(fleet: Path) -> None:
    # validation refuses it (evidence-paths) before the register column would open it
    register = fleet / REGISTER
    register.unlink()
    os.mkfifo(register)
    (row,) = [r for r in collect(fleet, RULES, AS_OF, jobs=1) if r.file == str(fleet / "recruitment.yaml")]
    assert (row.valid, row.errors, row.overdue_incidents, row.register_problem) == (False, 1, None, None)


def test_render_table() -> None:
    rows = [
        Row("a/one.yaml", True, "one", "One", tiers={"eu": "high_risk", "kr": "undetermined"},
            highlights=["eu:legacy", "eu:gpai"], in_force=3, upcoming=2, next_date="2027-12-02",
            undetermined=1, overdue_incidents=2),
        Row("b/two.yaml", True, "two\x1b[2J", "Two", tiers={"eu": "transparency"}, in_force=10,
            register_problem="register file missing"),
        Row("c/bad.yaml", False, errors=4),
    ]
    text = render_table(rows, AS_OF)
    lines = text.split("\n")
    assert lines[:2] == ["Fleet status as of 2026-11-25 — 3 systems (not legal advice)", ""]
    header, rule, *body = lines[2:7]
    assert header.split() == ["system", "tier", "flags", "in", "force", "upcoming", "gaps",
                              "overdue", "file"]
    assert len(HEADERS) == 8
    # the rule under the header has one dash run per column, as wide as the column
    widths = [len(run) for run in rule.split("  ")]
    assert len(widths) == 8
    cells = [[line[sum(widths[:i]) + 2 * i:sum(widths[:i + 1]) + 2 * i].strip() for i in range(8)]
             for line in body]
    assert cells == [
        ["one", "eu:high_risk, kr:undetermined", "legacy, gpai", "3", "2 (next 2027-12-02)", "1",
         "2", "a/one.yaml"],
        ["two\\x1b[2J", "eu:transparency", "-", "10", "0", "0", "! register file missing",
         "b/two.yaml"],
        ["(invalid)", "4 error(s)", "-", "-", "-", "-", "-", "c/bad.yaml"],
    ]
    assert "\x1b" not in text
    assert widths[0] == len("two\\x1b[2J")  # measured after escaping
    assert lines[7:] == ["", "1 descriptor(s) invalid: run compliance validate on them", ""]
    # no invalid descriptor: no footer
    assert render_table(rows[:1], AS_OF).endswith("a/one.yaml\n")


def test_to_json_totals() -> None:
    rows = [Row("a.yaml", True, "a", in_force=3, upcoming=2, undetermined=1),
            Row("b.yaml", True, "b", in_force=1, undetermined=5), Row("c.yaml", False, errors=2)]
    data = to_json(rows, AS_OF)
    assert data["as_of"] == "2026-11-25" and data["notice"] == "Not legal advice."
    assert data["totals"] == {"systems": 3, "invalid": 1, "in_force": 4, "upcoming": 2, "undetermined": 6}
    assert data["systems"][2] == {
        "file": "c.yaml", "valid": False, "system": "", "name": "", "tiers": {}, "highlights": [],
        "in_force": 0, "upcoming": 0, "next_date": None, "undetermined": 0, "errors": 2,
        "overdue_incidents": None, "register_problem": None}


# --------------------------------------------------------------------------- the command


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(["status", *args])
    captured = capsys.readouterr()
    return int(exited.value.code or 0), captured.out, captured.err


@needs_fifo
def test_status_command_table_and_json(fleet: Path, capsys: pytest.CaptureFixture[str]) -> None:
    os.mkfifo(fleet / "pipe.yaml")
    rows = collect(fleet, RULES, AS_OF, jobs=1)
    code, out, err = _run(capsys, str(fleet), "--as-of", "2026-11-25")
    assert code == ExitCode.OK
    assert out == render_table(rows, AS_OF)
    assert err == f"skipped {fleet / 'pipe.yaml'}: is a FIFO (named pipe), not a regular file\n"
    target = fleet.parent / "status.json"
    code, out, _ = _run(capsys, str(fleet), "--as-of", "2026-11-25", "--format", "json",
                        "-o", str(target), "--jobs", "1")
    assert (code, out) == (ExitCode.OK, "")
    assert target.read_text("utf-8") == to_json_text(to_json(rows, AS_OF))
    assert json.loads(target.read_text("utf-8"))["totals"]["systems"] == 4


def test_status_command_pdf_needs_an_output_file(fleet: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, str(fleet), "--as-of", "2026-11-25", "--format", "pdf")
    assert (code, out, err) == (ExitCode.USAGE, "", "error: --format pdf needs -o FILE.pdf\n")


@pytest.mark.slow
def test_status_command_pdf(fleet: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from pypdf import PdfReader

    target = fleet.parent / "fleet.pdf"
    code, out, err = _run(capsys, str(fleet), "--as-of", "2026-11-25", "--format", "pdf", "-o", str(target))
    assert (code, out, err) == (ExitCode.OK, "", f"wrote {target} (4 systems)\n")
    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(target.read_bytes())).pages)
    for expected in ("kandidaatwijzer", "fiora-assistant", "2026-11-25"):
        assert expected in text
