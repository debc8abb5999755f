"""`compliance calendar`: dated obligations and open incident-report deadlines as an iCalendar
file that calendar clients import, with stable UIDs and deterministic bytes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from compliance.cli import main
from compliance.descriptor.validation import load_valid_descriptor
from compliance.errors import ExitCode
from compliance.incidents import register as reg
from compliance.interop.calendar import SystemRef, calendar_bytes, event_uid, obligation_events
from compliance.law.engine.evaluator import assess_selected

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "recruitment-screening-provider.yaml"
AS_OF = "2026-09-01"
AWARE = "2028-03-10T10:00:00+01:00"
ART73 = "eu.ai_act.art_73_report_serious_incident"


def _run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main([str(a) for a in args])
    captured = capsys.readouterr()
    return int(exited.value.code or 0), captured.out, captured.err


def _calendar(capsys: pytest.CaptureFixture[str], tmp_path: Path, *args: str | Path,
              name: str = "deadlines.ics") -> tuple[bytes, Calendar]:
    out = tmp_path / name
    code, _out, err = _run(capsys, "calendar", *args, "-o", out)
    assert code == ExitCode.OK, err
    data = out.read_bytes()
    return data, Calendar.from_ical(data)


def _events(cal: Calendar) -> list[Any]:
    return list(cal.walk("VEVENT"))


def _by_obligation(cal: Calendar) -> dict[str, str]:
    """obligation id -> UID, read from each event's description."""
    out = {}
    for e in _events(cal):
        line = next((x for x in str(e["description"]).splitlines() if x.startswith("Obligation: ")), None)
        if line is not None:
            out[line.removeprefix("Obligation: ")] = str(e["uid"])
    return out


def _system(tmp_path: Path, example: Path = EXAMPLE, **system: Any) -> Path:
    """An example (the recruitment one by default) without evidence files, in ``tmp_path``, with
    ``system`` changes and an incident register beside it."""
    data = yaml.safe_load(example.read_text("utf-8"))
    data.pop("evidence", None)
    data["system"].update(system)
    data["incidents"] = {"path": "incidents.jsonl"}
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "ai-system.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    (tmp_path / "incidents.jsonl").touch()
    return path


def _incident(path: Path, recorded: str = "2028-03-10T11:00:00+01:00", **record: Any) -> None:
    body = {"id": "INC-1", "title": "Shortlist dropped applicants", "aware_at": AWARE, "serious": True,
            "harm": ["c"], **record}
    body = {k: v for k, v in body.items() if v is not None}
    reg.append(path.parent / "incidents.jsonl", {"type": "incident", "record": body},
               dt.datetime.fromisoformat(recorded))


# --------------------------------------------------------------------------- obligations


def test_one_all_day_event_per_dated_obligation_that_applies(capsys, tmp_path):
    code, out, _ = _run(capsys, "obligations", EXAMPLE, "--as-of", AS_OF, "--format", "json")
    assert code == ExitCode.OK
    assessment = json.loads(out)
    dated = {o["id"]: o for j in assessment["jurisdictions"] for o in j["obligations"]
             if o["verdict"] == "applies" and o["applies_from"]}
    assert len(dated) > 10 and {o["status"] for o in dated.values()} == {"in_force", "upcoming"}

    _data, cal = _calendar(capsys, tmp_path, EXAMPLE, "--as-of", AS_OF)
    assert str(cal["version"]) == "2.0"
    assert str(cal["prodid"]).startswith("-//compliance//") and str(cal["prodid"]).endswith("//EN")
    assert str(cal["x-wr-calname"]) == "Compliance deadlines: Kandidaatwijzer"
    events = _events(cal)
    assert len(events) == len(dated)
    assert set(_by_obligation(cal)) == set(dated)
    for e in events:
        oid = _by_obligation_line(e)
        o = dated[oid]
        assert e["dtstart"].dt == dt.date.fromisoformat(o["applies_from"])  # a date: all day
        assert not isinstance(e["dtstart"].dt, dt.datetime)
        assert str(e["summary"]) == f"{o['citation']}: {o['title']} (Kandidaatwijzer)"
        description = str(e["description"])
        assert o["reasons_plain"][0] in description and description.endswith("Not legal advice.")
        assert str(e["url"]) == o["citation_url"]
        assert e["categories"].cats == ["eu"]
        assert e["dtstamp"].dt == dt.datetime(2026, 9, 1, tzinfo=dt.UTC)
        assert int(e["sequence"]) == 0
        assert str(e["uid"]).endswith("@compliance") and len(str(e["uid"])) == 32 + len("@compliance")


def _by_obligation_line(event: Any) -> str:
    line = next(x for x in str(event["description"]).splitlines() if x.startswith("Obligation: "))
    return line.removeprefix("Obligation: ")


def test_same_inputs_same_bytes_and_stdout_equals_the_file(capsys, tmp_path):
    first, _ = _calendar(capsys, tmp_path, EXAMPLE, "--as-of", AS_OF, name="a.ics")
    second, _ = _calendar(capsys, tmp_path, EXAMPLE, "--as-of", AS_OF, name="b.ics")
    assert first == second
    assert first.startswith(b"BEGIN:VCALENDAR\r\n") and first.endswith(b"END:VCALENDAR\r\n")
    code, out, _err = _run(capsys, "calendar", EXAMPLE, "--as-of", AS_OF)
    assert code == ExitCode.OK and out.encode("utf-8") == first


def test_uids_survive_a_new_as_of_date(capsys, tmp_path):
    """Re-importing a later file updates the events: the same obligation keeps its UID."""
    _, before = _calendar(capsys, tmp_path, EXAMPLE, "--as-of", AS_OF, name="a.ics")
    _, later = _calendar(capsys, tmp_path, EXAMPLE, "--as-of", "2027-12-03", name="b.ics")
    _, earlier = _calendar(capsys, tmp_path, EXAMPLE, "--as-of", "2025-03-01", name="c.ics")
    assert _by_obligation(before) == _by_obligation(later)  # upcoming -> in force: same set, same UIDs
    common = set(_by_obligation(earlier)) & set(_by_obligation(before))
    assert common and all(_by_obligation(earlier)[o] == _by_obligation(before)[o] for o in common)


def test_other_system_other_uids_new_version_same_uids(capsys, tmp_path):
    one = _system(tmp_path / "one")
    other = _system(tmp_path / "other", id="kandidaatwijzer-nl", name="Kandidaatwijzer NL")
    newer = _system(tmp_path / "newer", version="4.0.0")
    _, a = _calendar(capsys, tmp_path, one, "--as-of", AS_OF, name="a.ics")
    _, b = _calendar(capsys, tmp_path, other, "--as-of", AS_OF, name="b.ics")
    _, c = _calendar(capsys, tmp_path, newer, "--as-of", AS_OF, name="c.ics")
    ua, ub = _by_obligation(a), _by_obligation(b)
    assert set(ua) == set(ub) and not set(ua.values()) & set(ub.values())
    assert _by_obligation(c) == ua  # a new version of the same system updates its events
    # both systems in one calendar: every event of each, no UID twice
    _, both = _calendar(capsys, tmp_path, one, other, "--as-of", AS_OF, name="both.ics")
    uids = [str(e["uid"]) for e in _events(both)]
    assert len(uids) == len(ua) + len(ub) == len(set(uids))
    assert str(both["x-wr-calname"]) == "Compliance deadlines: Kandidaatwijzer + Kandidaatwijzer NL"


def test_the_same_system_twice_is_refused(capsys, tmp_path):
    out = tmp_path / "x.ics"
    code, _out, err = _run(capsys, "calendar", EXAMPLE, EXAMPLE, "-o", out)
    assert code == ExitCode.USAGE and "describe the same system" in err and not out.exists()


# --------------------------------------------------------------------------- incident reports


def _reports(cal: Calendar) -> dict[str, Any]:
    return {str(e["summary"]): e for e in _events(cal) if str(e["summary"]).startswith("Report")}


def test_open_report_deadline_is_a_timed_event_with_a_reminder(capsys, tmp_path):
    system = _system(tmp_path / "sys")
    _incident(system, widespread_infringement=False, death=False)
    _, cal = _calendar(capsys, tmp_path, system, "--as-of", "2028-03-12")
    reports = _reports(cal)
    assert list(reports) == ["Report due: Art. 73(2) — incident INC-1 (Kandidaatwijzer)"]
    event = next(iter(reports.values()))
    assert event["dtstart"].dt == dt.datetime(2028, 3, 25, 9, 0, tzinfo=dt.UTC)  # 15 days, in UTC
    alarm = next(iter(event.walk("VALARM")))
    assert alarm["trigger"].dt == -dt.timedelta(days=1) and str(alarm["action"]) == "DISPLAY"
    description = str(event["description"])
    assert f"Clock: {ART73}, step initial" in description and "open: no report recorded yet" in description
    assert event["categories"].cats == ["eu"]


def test_report_uid_is_stable_while_the_deadline_moves_and_the_event_goes_when_reported(capsys, tmp_path):
    system = _system(tmp_path / "sys")
    _incident(system, widespread_infringement=False, death=False)
    _, first = _calendar(capsys, tmp_path, system, "--as-of", "2028-03-12", name="a.ics")
    _, overdue = _calendar(capsys, tmp_path, system, "--as-of", "2028-03-26", name="b.ics")
    (before,), (after,) = _reports(first).values(), _reports(overdue).values()
    assert str(before["uid"]) == str(after["uid"])
    assert "overdue" in str(after["description"]) and not list(after.walk("VALARM"))  # no reminder in the past
    # a person died: the 10-day limit of Art. 73(4) applies; the same event moves
    reg.append(system.parent / "incidents.jsonl",
               {"type": "amendment", "incident": "INC-1", "changes": {"death": True}, "reason": "confirmed"},
               dt.datetime.fromisoformat("2028-03-11T09:00:00+01:00"))
    _, amended = _calendar(capsys, tmp_path, system, "--as-of", "2028-03-12", name="c.ics")
    (moved,) = _reports(amended).values()
    assert str(moved["uid"]) == str(before["uid"]) and str(moved["summary"]).startswith("Report due: Art. 73(4)")
    assert moved["dtstart"].dt == dt.datetime(2028, 3, 20, 9, 0, tzinfo=dt.UTC)
    reg.append(system.parent / "incidents.jsonl",
               {"type": "report", "incident": "INC-1", "clocks": [ART73], "kind": "initial",
                "submitted_at": "2028-03-12T09:00:00+01:00", "recipient": "MSA"},
               dt.datetime.fromisoformat("2028-03-12T09:05:00+01:00"))
    _, reported = _calendar(capsys, tmp_path, system, "--as-of", "2028-03-12", name="d.ics")
    assert _reports(reported) == {}


def test_a_shorter_limit_on_a_missing_fact_is_an_undetermined_event(capsys, tmp_path):
    system = _system(tmp_path / "sys")
    _incident(system)  # widespread infringement and death not stated
    _, cal = _calendar(capsys, tmp_path, system, "--as-of", "2028-03-11")
    reports = _reports(cal)
    maybe = [s for s in reports if s.startswith("Report may be due: Art. 73(3)")]
    assert len(maybe) == 1 and "(undetermined: depends on incident.widespread_infringement" in maybe[0]
    assert reports[maybe[0]]["dtstart"].dt == dt.datetime(2028, 3, 12, 9, 0, tzinfo=dt.UTC)  # 2 days
    assert "Report due: Art. 73(2) — incident INC-1 (Kandidaatwijzer)" in reports


def test_a_duty_due_immediately_sits_at_its_start_and_an_undetermined_clock_is_marked(capsys, tmp_path):
    """A deployer (Art. 26(5)): informing the provider is due immediately, placed at awareness;
    the deployer's own report runs only if the provider cannot be reached, which is not stated."""
    system = _system(tmp_path / "sys", ROOT / "examples" / "bank-credit-scoring-deployer.yaml")
    _incident(system, "2028-05-10T11:00:00+02:00", aware_at="2028-05-10T10:00:00+02:00", harm=None)
    _, cal = _calendar(capsys, tmp_path, system, "--as-of", "2028-05-12")
    reports = _reports(cal)
    immediately = [e for s, e in reports.items() if s.startswith("Report due immediately: Art. 26(5) — incident INC-1")]
    assert len(immediately) == 1
    assert immediately[0]["dtstart"].dt == dt.datetime(2028, 5, 10, 8, 0, tzinfo=dt.UTC)
    assert "Clock: eu.ai_act.art_26_5_deployer_inform_provider" in str(immediately[0]["description"])
    unreachable = [s for s in reports if s.startswith("Report due: Art. 73(2)")]
    assert unreachable == ["Report due: Art. 73(2) — incident INC-1 (RiskLens Retail Score (as deployed by Ostland "
                           "Sparbank)) (undetermined: depends on incident.provider_unreachable)"]


# --------------------------------------------------------------------------- failures


def test_invalid_descriptor_fails_like_obligations_and_writes_nothing(capsys, tmp_path):
    bad = ROOT / "examples" / "invalid" / "bad-enum-value.yaml"
    out = tmp_path / "deadlines.ics"
    code, stdout, err = _run(capsys, "calendar", EXAMPLE, bad, "-o", out)
    expected_code, _, expected_err = _run(capsys, "obligations", bad)
    assert (code, err) == (expected_code, expected_err) == (ExitCode.FINDINGS, expected_err)
    assert "is not a valid descriptor" in err and "Traceback" not in err + stdout
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_missing_rule_data_is_exit_3(capsys, tmp_path):
    out = tmp_path / "deadlines.ics"
    code, _out, err = _run(capsys, "calendar", EXAMPLE, "--rules", tmp_path / "none", "-o", out)
    assert code == ExitCode.INTERNAL and "rule data" in err and not out.exists()


def test_a_register_that_fails_verification_is_exit_1(capsys, tmp_path):
    system = _system(tmp_path / "sys")
    _incident(system)
    register = system.parent / "incidents.jsonl"
    register.write_bytes(register.read_bytes().replace(b"Shortlist", b"Shortlisd"))
    out = tmp_path / "deadlines.ics"
    code, _out, err = _run(capsys, "calendar", system, "-o", out)
    assert code == ExitCode.FINDINGS and "fails verification" in err and not out.exists()


# --------------------------------------------------------------------------- property

_ASSESSMENT: list[Any] = []


def _assessment() -> Any:
    if not _ASSESSMENT:
        from compliance.law.rulebook import load_rulebook

        descriptor = load_valid_descriptor(EXAMPLE)
        _ASSESSMENT.append(assess_selected(descriptor, load_rulebook(ROOT / "jurisdictions"), dt.date(2026, 9, 1)))
    return _ASSESSMENT[0]


names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=30)


@settings(max_examples=40, deadline=None)
@given(systems=st.lists(st.tuples(names, names, names), min_size=1, max_size=3,
                        unique_by=lambda s: (s[0], s[1])))
def test_any_systems_give_one_parsable_calendar_with_unique_uids(systems):
    """Whatever the organisation, system ids and names (commas, line breaks, control and bidi
    characters): the calendar parses back, each UID occurs once, and every summary is one line
    without control characters."""
    refs = [SystemRef(org, ident, name) for org, ident, name in systems]
    events = [e for ref in refs for e in obligation_events(_assessment(), ref)]
    data = calendar_bytes(events, dt.date(2026, 9, 1), "test")
    cal = Calendar.from_ical(data)
    uids = [str(e["uid"]) for e in cal.walk("VEVENT")]
    assert len(uids) == len(events) == len(set(uids))
    for e in cal.walk("VEVENT"):
        summary = str(e["summary"])
        assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or c in "\u202e\u2028" for c in summary)
    assert calendar_bytes(events, dt.date(2026, 9, 1), "test") == data


def test_uid_depends_on_every_part():
    ref = SystemRef("Org", "sys", "Name")
    uid = event_uid(ref, "obligation", "x")
    assert uid == event_uid(SystemRef("Org", "sys", "Other name"), "obligation", "x")
    assert len({uid, event_uid(SystemRef("Org2", "sys", "Name"), "obligation", "x"),
                event_uid(SystemRef("Org", "sys2", "Name"), "obligation", "x"),
                event_uid(ref, "obligation", "y"), event_uid(ref, "incident", "x")}) == 5
    # parts are separated, not concatenated
    assert event_uid(SystemRef("Or", "gsys", "N"), "o") != event_uid(SystemRef("Org", "sys", "N"), "o")



def test_undetermined_obligations_are_left_out_and_counted(capsys, tmp_path):
    """Offered outside the EU, output use in the EU unstated (Art. 2(1)(c)): the EU duties are
    undetermined, have no date, and are not on the calendar; stderr says how many and what to run."""
    path = tmp_path / "ai-system.yaml"
    path.write_text(yaml.safe_dump({
        "schema_version": 1,
        "organisation": {"name": "Acme Inc", "country": "US", "roles": ["provider"]},
        "system": {"id": "acme", "name": "Acme", "markets": ["US-CA"], "is_ai_system": True},
    }), "utf-8")
    code, out, _ = _run(capsys, "obligations", path, "--as-of", "2027-01-15", "--format", "json")
    obligations = [o for j in json.loads(out)["jurisdictions"] for o in j["obligations"]]
    undetermined = sum(o["verdict"] == "undetermined" for o in obligations)
    applying = sum(o["verdict"] == "applies" for o in obligations)
    assert undetermined and code == ExitCode.OK
    target = tmp_path / "deadlines.ics"
    code, _out, err = _run(capsys, "calendar", path, "--as-of", "2027-01-15", "-o", target)
    assert code == ExitCode.OK
    assert len(_events(Calendar.from_ical(target.read_bytes()))) == applying
    assert (f"note: {path}: {undetermined} undetermined obligation(s) have no date and are not in the calendar "
            f"(run: compliance ask {path})") in err
