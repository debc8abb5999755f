"""Incident register: deadlines, clocks from rule data, hash chain, locking and crash safety."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compliance.descriptor.model import Descriptor
from compliance.incidents import register as reg
from compliance.incidents.check import check
from compliance.incidents.clockbook import load_clocks
from compliance.incidents.clocks import compute_deadline
from compliance.law.engine import assess

ROOT = Path(__file__).resolve().parent.parent
UTC = dt.UTC
CET = dt.timezone(dt.timedelta(hours=1))
CEST = dt.timezone(dt.timedelta(hours=2))
NYC = dt.timezone(dt.timedelta(hours=-5))
T0 = dt.datetime(2028, 1, 1, tzinfo=UTC)
ART73 = "eu.ai_act.art_73_report_serious_incident"
ART55 = "eu.ai_act.art_55_1_c_gpai_serious_incident"
ART26 = "eu.ai_act.art_26_5_deployer_inform_provider"


def ts(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


# --------------------------------------------------------------------------- day counting


class TestDayCounting:
    def test_elapsed_is_n_times_24_hours_in_absolute_time(self):
        start = ts("2028-01-31T10:00:00+01:00")
        d = compute_deadline(start, days=15)
        assert d.at == ts("2028-02-15T10:00:00+01:00")
        assert d.on_time(ts("2028-02-15T10:00:00+01:00"))  # on the boundary: on time
        assert not d.on_time(ts("2028-02-15T10:00:01+01:00"))
        assert d.on_time(ts("2028-02-15T09:00:00+00:00"))  # same instant, other offset
        assert not d.on_time(ts("2028-02-15T09:00:01+00:00"))

    def test_leap_day_counts(self):
        # 2028 is a leap year: 2 days from 28 February end on 1 March, not 2 March
        start = ts("2028-02-28T12:00:00+01:00")
        assert compute_deadline(start, days=2).at == ts("2028-03-01T12:00:00+01:00")
        assert compute_deadline(start, days=1).at == ts("2028-02-29T12:00:00+01:00")
        # 2027 is not: 28 Feb + 2 days = 2 March
        assert compute_deadline(ts("2027-02-28T12:00:00+01:00"), days=2).at == ts("2027-03-02T12:00:00+01:00")
        # calendar reading: the period ends with the leap day
        cal = compute_deadline(ts("2028-02-28T23:30:00+01:00"), days=1, method="calendar_days")
        assert cal.at == ts("2028-03-01T00:00:00+01:00") and not cal.inclusive
        assert cal.on_time(ts("2028-02-29T23:59:59+01:00"))
        assert not cal.on_time(ts("2028-03-01T00:00:00+01:00"))

    def test_month_and_year_ends(self):
        assert compute_deadline(ts("2028-01-31T08:00:00+01:00"), days=10).at == ts("2028-02-10T08:00:00+01:00")
        assert compute_deadline(ts("2028-04-30T08:00:00+02:00"), days=2).at == ts("2028-05-02T08:00:00+02:00")
        assert compute_deadline(ts("2028-12-30T20:00:00+01:00"), days=2).at == ts("2029-01-01T20:00:00+01:00")
        cal = compute_deadline(ts("2028-12-31T00:00:01+01:00"), days=15, method="calendar_days")
        assert cal.at == ts("2029-01-16T00:00:00+01:00")  # day of the event not counted

    def test_calendar_vs_elapsed_differ_by_up_to_a_day(self):
        start = ts("2028-03-10T10:00:00+01:00")
        elapsed = compute_deadline(start, days=15)
        calendar = compute_deadline(start, days=15, method="calendar_days")
        assert elapsed.at == ts("2028-03-25T10:00:00+01:00")
        assert calendar.at == ts("2028-03-26T00:00:00+01:00")
        late_evening = ts("2028-03-25T22:00:00+01:00")
        assert not elapsed.on_time(late_evening) and calendar.on_time(late_evening)

    def test_timezones_decide_calendar_days_but_not_elapsed_time(self):
        # the same instant: 23:30 in New York is 05:30 next day in Berlin (CET)
        ny = ts("2028-03-01T23:30:00-05:00")
        berlin = ny.astimezone(CET)
        assert berlin.date() == dt.date(2028, 3, 2)
        assert compute_deadline(ny, days=2).at == compute_deadline(berlin, days=2).at
        assert compute_deadline(ny, days=2, method="calendar_days").at.date() == dt.date(2028, 3, 4)
        assert compute_deadline(berlin, days=2, method="calendar_days").at.date() == dt.date(2028, 3, 5)

    def test_daylight_saving_change_does_not_shift_elapsed_deadlines(self):
        # awareness recorded in winter time; 15 days later Europe is on summer time
        start = ts("2028-03-20T10:00:00+01:00")
        d = compute_deadline(start, days=15)
        assert d.at.astimezone(UTC) == ts("2028-04-04T09:00:00+00:00")
        assert d.on_time(ts("2028-04-04T11:00:00+02:00"))  # same instant in CEST
        assert not d.on_time(ts("2028-04-04T11:00:01+02:00"))
        with pytest.raises(ValueError):
            compute_deadline(dt.datetime(2028, 1, 1), days=1)

    def test_hours(self):
        assert compute_deadline(ts("2028-02-28T23:00:00-08:00"), hours=24).at == ts("2028-02-29T23:00:00-08:00")


# --------------------------------------------------------------------------- clocks


def _descriptor(name: str, **changes) -> Descriptor:
    data = yaml.safe_load((ROOT / "examples" / name).read_text("utf-8"))
    for dotted, value in changes.items():
        target = data
        *head, last = dotted.split(".")
        for part in head:
            target = target[int(part)] if part.isdigit() else target[part]
        target[last] = value
    data["incidents"] = {"path": "incidents.jsonl"}
    data.pop("evidence", None)
    return Descriptor.model_validate(data)


@pytest.fixture(scope="module")
def clockbook():
    return load_clocks(ROOT / "jurisdictions")


def _run(tmp_path, descriptor, records, reports=(), as_of="2028-06-01T00:00:00+00:00", rulebook=None):
    path = tmp_path / "incidents.jsonl"
    instant = ts(as_of)
    recorded = instant - dt.timedelta(hours=1)  # entries exist at the as-of instant
    for i, record in enumerate(records):
        reg.append(path, {"type": "incident", "record": record}, recorded + dt.timedelta(seconds=i))
    for i, report in enumerate(reports):
        reg.append(path, {"type": "report", **report}, recorded + dt.timedelta(seconds=100 + i))
    register = reg.load(path)
    assessment = assess(descriptor, rulebook, instant.date())
    return check(descriptor, register, assessment, load_clocks(ROOT / "jurisdictions"), instant, "incidents.jsonl")


def _clock(result, incident, clock_id):
    item = next(i for i in result.incidents if i.state.record.id == incident)
    return next(c for c in item.clocks if c.clock_id == clock_id)


AWARE = "2028-03-10T10:00:00+01:00"


class TestArt73:
    def test_shortest_applicable_limit_wins(self, tmp_path, rulebook):
        d = _descriptor("recruitment-screening-provider.yaml")
        records = [
            {"id": "general", "title": "t", "aware_at": AWARE, "serious": True, "harm": ["c"],
             "widespread_infringement": False, "death": False},
            {"id": "death", "title": "t", "aware_at": AWARE, "serious": True, "harm": ["a"], "death": True,
             "widespread_infringement": False},
            {"id": "death-and-ci", "title": "t", "aware_at": AWARE, "serious": True, "harm": ["a", "b"],
             "death": True, "widespread_infringement": False},
            {"id": "widespread", "title": "t", "aware_at": AWARE, "serious": True, "harm": ["c"],
             "widespread_infringement": True, "death": False},
        ]
        result = _run(tmp_path, d, records, rulebook=rulebook)
        expected = {"general": 15, "death": 10, "death-and-ci": 2, "widespread": 2}
        for incident, days in expected.items():
            c = _clock(result, incident, ART73)
            due = c.steps[0].current
            assert c.applies.value == "true"
            assert due.deadline.at == ts(AWARE) + dt.timedelta(days=days), incident
            assert due.status == "overdue"
            assert c.steps[0].earliest_possible is None

    def test_unknown_fact_shows_earlier_possible_deadline(self, tmp_path, rulebook):
        d = _descriptor("recruitment-screening-provider.yaml")
        result = _run(tmp_path, d, [{"id": "x", "title": "t", "aware_at": AWARE, "serious": True, "harm": ["c"]}],
                      as_of="2028-03-13T00:00:00+00:00", rulebook=rulebook)
        c = _clock(result, "x", ART73)
        step = c.steps[0]
        assert step.current.status == "open" and step.current.deadline.at == ts("2028-03-25T10:00:00+01:00")
        deadline, limit, missing = step.earliest_possible
        assert deadline.at == ts("2028-03-12T10:00:00+01:00")
        assert "incident.widespread_infringement" in missing
        assert ("x", ART73) in result.attention and not result.overdue

    @pytest.mark.parametrize("submitted,status", [
        ("2028-03-25T10:00:00+01:00", "met"),        # exactly on the deadline
        ("2028-03-25T09:00:00+00:00", "met"),        # same instant in UTC
        ("2028-03-25T10:00:01+01:00", "late"),       # one second after
    ])
    def test_report_on_the_boundary(self, tmp_path, rulebook, submitted, status):
        d = _descriptor("recruitment-screening-provider.yaml")
        record = {"id": "x", "title": "t", "aware_at": AWARE, "serious": True, "harm": ["c"],
                  "widespread_infringement": False, "death": False}
        report = {"incident": "x", "clocks": [ART73], "kind": "initial", "submitted_at": submitted,
                  "recipient": "MSA"}
        result = _run(tmp_path, d, [record], [report], rulebook=rulebook)
        c = _clock(result, "x", ART73)
        assert c.steps[0].current.status == status
        complete = next(s for s in c.steps if s.step.id == "complete")
        assert complete.current.status == "no_limit"  # Art. 73(5): no time limit for the complete report
        assert not result.overdue

    def test_as_of_just_before_on_and_after_the_deadline(self, tmp_path, rulebook):
        d = _descriptor("recruitment-screening-provider.yaml")
        record = {"id": "x", "title": "t", "aware_at": AWARE, "serious": True, "harm": ["c"],
                  "widespread_infringement": False, "death": False}
        for as_of, status in (("2028-03-25T09:59:59+01:00", "open"), ("2028-03-25T10:00:00+01:00", "open"),
                              ("2028-03-25T10:00:01+01:00", "overdue")):
            sub = tmp_path / as_of[:19].replace(":", "")
            sub.mkdir()
            result = _run(sub, d, [record], as_of=as_of, rulebook=rulebook)
            assert _clock(result, "x", ART73).steps[0].current.status == status, as_of

    def test_not_serious_or_before_the_duty_applies(self, tmp_path, rulebook):
        d = _descriptor("recruitment-screening-provider.yaml")
        records = [
            {"id": "minor", "title": "t", "aware_at": AWARE, "serious": False},
            # awareness before Art. 73 applies to this system (2027-12-02)
            {"id": "early", "title": "t", "aware_at": "2027-12-01T12:00:00+01:00", "serious": True, "harm": ["c"]},
            {"id": "unknown", "title": "t", "aware_at": AWARE},
        ]
        result = _run(tmp_path, d, records, rulebook=rulebook)
        assert _clock(result, "minor", ART73).applies.value == "false"
        early = _clock(result, "early", ART73)
        assert early.applies.value == "false" and "applies only from 2027-12-02" in early.reasons[0]
        unknown = _clock(result, "unknown", ART73)
        assert unknown.applies.value == "unknown" and "incident.serious" in unknown.missing
        assert not result.overdue

    def test_deployer_does_not_run_the_provider_clock(self, tmp_path, rulebook):
        d = _descriptor("bank-credit-scoring-deployer.yaml")
        result = _run(tmp_path, d, [{"id": "x", "title": "t", "aware_at": "2028-05-10T10:00:00+02:00", "serious": True}],
                      rulebook=rulebook)
        assert _clock(result, "x", ART73).applies.value == "false"
        inform = _clock(result, "x", ART26)
        assert inform.applies.value == "true"
        assert inform.steps[0].current.status == "due_immediately"
        assert ("x", ART26) in result.attention and not result.overdue


class TestGpai:
    def _gpai(self):
        return _descriptor("open-weights-gpai-community-licence.yaml",
                           **{"models.0.training_compute": {"flop": 5e25}})

    def test_code_of_practice_tiers_and_follow_ups(self, tmp_path, rulebook):
        d = self._gpai()
        model = d.models[0].id
        records = [
            {"id": "cyber", "title": "weights exfiltrated", "aware_at": AWARE, "models": [model],
             "cybersecurity_breach": True, "serious": False},
            {"id": "health", "title": "t", "aware_at": AWARE, "model_involvement_aware_at": "2028-03-12T10:00:00+01:00",
             "models": [model], "serious": True, "harm": ["a"], "death": False, "cybersecurity_breach": False},
            {"id": "nomodel", "title": "t", "aware_at": AWARE, "serious": True, "harm": ["a"]},
        ]
        reports = [
            {"incident": "health", "clocks": [ART55], "kind": "initial", "submitted_at": "2028-03-20T10:00:00+01:00",
             "recipient": "AI Office"},
        ]
        result = _run(tmp_path, d, records, reports, as_of="2028-05-01T00:00:00+00:00", rulebook=rulebook)
        cyber = _clock(result, "cyber", ART55)
        assert cyber.applies.value == "true" and cyber.clock.voluntary
        assert cyber.steps[0].current.deadline.at == ts(AWARE) + dt.timedelta(days=5)
        health = _clock(result, "health", ART55)
        initial = health.steps[0].current
        # runs from awareness of the model's involvement, 15 days
        assert initial.deadline.at == ts("2028-03-27T10:00:00+01:00") and initial.status == "met"
        intermediate = next(s for s in health.steps if s.step.id == "intermediate")
        assert intermediate.current.deadline.at == ts("2028-04-17T10:00:00+01:00")  # four weeks after the initial report
        assert intermediate.current.status == "overdue"
        final = next(s for s in health.steps if s.step.id == "final")
        assert final.current.status == "not_started"
        assert _clock(result, "nomodel", ART55).applies.value == "unknown"
        assert ("health", ART55, "intermediate") in result.overdue

    def test_resolution_stops_updates_and_starts_the_final_report(self, tmp_path, rulebook):
        d = self._gpai()
        model = d.models[0].id
        record = {"id": "x", "title": "t", "aware_at": AWARE, "models": [model], "serious": True, "harm": ["d"],
                  "status": "resolved", "resolved_at": "2028-04-01T10:00:00+02:00", "cybersecurity_breach": False}
        reports = [{"incident": "x", "clocks": [ART55], "kind": "initial", "submitted_at": "2028-03-20T10:00:00+01:00",
                    "recipient": "AI Office"}]
        result = _run(tmp_path, d, [record], reports, as_of="2028-06-15T00:00:00+00:00", rulebook=rulebook)
        clock = _clock(result, "x", ART55)
        intermediate = next(s for s in clock.steps if s.step.id == "intermediate")
        assert intermediate.current.status == "not_due"
        final = next(s for s in clock.steps if s.step.id == "final")
        assert final.current.deadline.at == ts("2028-05-31T10:00:00+02:00") and final.current.status == "overdue"


# --------------------------------------------------------------------------- the register


def _record(i: int) -> dict:
    return {"type": "incident", "record": {"id": f"INC-{i}", "title": f"incident {i} ü", "aware_at": AWARE}}


def _fill(path: Path, n: int) -> bytes:
    for i in range(n):
        reg.append(path, _record(i), T0 + dt.timedelta(minutes=i))
    return path.read_bytes()


class TestChain:
    def test_empty_and_missing(self, tmp_path):
        path = tmp_path / "r.jsonl"
        with pytest.raises(reg.RegisterError, match="does not exist"):
            reg.verify(path)
        path.write_bytes(b"")
        assert reg.verify(path).ok and reg.verify(path).count == 0

    def test_lines_are_canonical_and_linked(self, tmp_path):
        path = tmp_path / "r.jsonl"
        data = _fill(path, 3)
        lines = data.decode("ascii").splitlines()
        objs = [json.loads(line) for line in lines]
        assert [o["seq"] for o in objs] == [1, 2, 3]
        assert objs[0]["prev"] == reg.GENESIS and objs[1]["prev"] == objs[0]["hash"]
        assert "\\u00fc" in lines[0]  # ASCII-only canonical form

    @pytest.mark.parametrize("mutation,line,kind", [
        ("delete_middle", 2, "sequence"),
        ("delete_first", 1, "sequence"),
        ("swap", 2, "sequence"),
        ("edit_and_rehash", 3, "chain"),
        ("reformat", 2, "format"),
        ("append_garbage", 5, "syntax"),
    ])
    def test_names_the_first_bad_entry(self, tmp_path, mutation, line, kind):
        path = tmp_path / "r.jsonl"
        lines = _fill(path, 4).split(b"\n")[:-1]
        if mutation == "delete_middle":
            del lines[1]
        elif mutation == "delete_first":
            del lines[0]
        elif mutation == "swap":
            lines[1], lines[2] = lines[2], lines[1]
        elif mutation == "edit_and_rehash":
            # a forger edits entry 2 and recomputes its hash: entry 3 no longer links
            obj = json.loads(lines[1])
            obj["entry"]["record"]["title"] = "nothing happened"
            obj.pop("hash")
            obj["hash"] = reg.entry_hash(obj)
            lines[1] = reg.canonical(obj)
        elif mutation == "reformat":
            lines[1] = json.dumps(json.loads(lines[1]), indent=1).replace("\n", " ").encode()
        elif mutation == "append_garbage":
            lines.append(b"{not json}")
        path.write_bytes(b"\n".join(lines) + b"\n")
        result = reg.verify(path)
        assert not result.ok
        assert (result.problem.line, result.problem.kind) == (line, kind)

    def test_removing_trailing_entries_is_caught_by_the_head_anchor(self, tmp_path):
        path = tmp_path / "r.jsonl"
        _fill(path, 3)
        head = reg.verify(path).head
        assert reg.verify(path, anchor=head).ok
        lines = path.read_bytes().split(b"\n")
        path.write_bytes(b"\n".join(lines[:2]) + b"\n")
        assert reg.verify(path).ok  # the file alone cannot show it ...
        assert not reg.verify(path, anchor=head).ok  # ... the recorded head can

    def test_content_and_reference_errors(self, tmp_path):
        path = tmp_path / "r.jsonl"
        _fill(path, 1)
        with pytest.raises(Exception, match="no earlier entry records"):
            reg.append(path, {"type": "report", "incident": "NOPE", "clocks": [ART73], "kind": "initial",
                              "submitted_at": AWARE, "recipient": "x"}, T0)
        with pytest.raises(Exception, match="already recorded"):
            reg.append(path, _record(0), T0)
        with pytest.raises(Exception, match="timezone"):
            reg.append(path, {"type": "incident", "record": {"id": "n", "title": "t",
                                                             "aware_at": "2028-01-01T10:00:00"}}, T0)
        # an amendment is validated against the record it changes
        with pytest.raises(Exception, match="resolved_at"):
            reg.append(path, {"type": "amendment", "incident": "INC-0", "changes": {"status": "resolved"},
                              "reason": "fixed"}, T0)
        reg.append(path, {"type": "amendment", "incident": "INC-0", "reason": "new facts",
                          "changes": {"death": True, "status": "resolved", "resolved_at": "2028-03-11T00:00:00Z"}}, T0)
        state = reg.load(path).incidents["INC-0"]
        assert state.record.death is True and len(state.entries) == 2
        assert reg.verify(path).count == 2  # the rejected appends left no trace


class TestProperties:
    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(st.tuples(st.text(min_size=1, max_size=30).filter(lambda s: s.strip()),
                              st.sampled_from(["a", "b", "c", "d"]), st.booleans()), min_size=1, max_size=8))
    def test_any_sequence_of_adds_verifies(self, tmp_path_factory, items):
        path = tmp_path_factory.mktemp("reg") / "r.jsonl"
        for i, (title, harm, death) in enumerate(items):
            reg.append(path, {"type": "incident", "record": {"id": f"I{i}", "title": title, "aware_at": AWARE,
                                                             "harm": [harm], "death": death}},
                       T0 + dt.timedelta(seconds=i))
            if death:
                reg.append(path, {"type": "amendment", "incident": f"I{i}", "changes": {"death": False},
                                  "reason": title}, T0)
        result = reg.verify(path)
        assert result.ok and result.count == len(items) + sum(d for _, _, d in items)
        assert len(reg.load(path).incidents) == len(items)

    _DATA: bytes | None = None

    @classmethod
    def _register(cls, tmp: Path) -> bytes:
        if cls._DATA is None:
            path = tmp / "base.jsonl"
            reg.append(path, _record(1), T0)
            reg.append(path, {"type": "report", "incident": "INC-1", "clocks": [ART73], "kind": "initial",
                              "submitted_at": AWARE, "recipient": "MSA ✓"}, T0)
            reg.append(path, {"type": "amendment", "incident": "INC-1", "changes": {"persons_affected": 12},
                              "reason": "count"}, T0)
            cls._DATA = path.read_bytes()
        return cls._DATA

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.data())
    def test_any_single_byte_change_fails_verification(self, tmp_path_factory, data):
        original = self._register(tmp_path_factory.getbasetemp())
        position = data.draw(st.integers(0, len(original) - 1))
        byte = data.draw(st.integers(0, 255).filter(lambda b: b != original[position]))
        mutated = original[:position] + bytes([byte]) + original[position + 1:]
        result, _ = reg.verify_bytes(mutated, Path("r.jsonl"))
        assert not result.ok
        bad_line = original[:position].count(b"\n") + 1
        assert result.problem.line <= bad_line + 1


# --------------------------------------------------------------------------- concurrency and crashes


def _writer(path: str, worker: int, count: int) -> None:
    for i in range(count):
        reg.append(Path(path), {"type": "incident", "record": {"id": f"W{worker}-{i}", "title": "t",
                                                                "aware_at": AWARE}},
                   dt.datetime.now(UTC))


def test_concurrent_writers_never_lose_an_entry(tmp_path):
    path = tmp_path / "r.jsonl"
    ctx = multiprocessing.get_context("fork")
    workers = [ctx.Process(target=_writer, args=(str(path), w, 25)) for w in range(4)]
    for p in workers:
        p.start()
    for p in workers:
        p.join(60)
        assert p.exitcode == 0
    result = reg.verify(path)
    assert result.ok and result.count == 100
    assert len(reg.load(path).incidents) == 100


def test_crash_mid_write_leaves_a_detected_torn_line(tmp_path, monkeypatch):
    path = tmp_path / "r.jsonl"
    _fill(path, 2)
    before = path.read_bytes()
    real_write = os.write

    def crash(fd, data):
        real_write(fd, bytes(data[: len(data) // 2]))  # half the line reaches the disk ...
        raise OSError("simulated power loss")  # ... then the process dies

    monkeypatch.setattr(reg.os, "write", crash)
    with pytest.raises(OSError):
        reg.append(path, _record(9), T0)
    monkeypatch.setattr(reg.os, "write", real_write)
    data = path.read_bytes()
    assert data.startswith(before) and len(data) > len(before)  # earlier entries untouched
    result = reg.verify(path)
    assert not result.ok and result.problem.kind == "torn" and result.problem.line == 3 and result.count == 2
    with pytest.raises(reg.RegisterError, match="torn"):
        reg.append(path, _record(10), T0)  # never appended onto, never silently repaired
    assert path.read_bytes() == data


def test_truncated_file_at_every_length_is_detected_or_a_clean_prefix(tmp_path):
    path = tmp_path / "r.jsonl"
    data = _fill(path, 3)
    ends = {i + 1 for i, b in enumerate(data) if b == 0x0A}
    for cut in range(1, len(data)):
        result, _ = reg.verify_bytes(data[:cut], path)
        if cut in ends:
            assert result.ok
        else:
            assert not result.ok and result.problem.kind == "torn"


# --------------------------------------------------------------------------- CLI


@pytest.fixture()
def system(tmp_path):
    text = (ROOT / "examples" / "recruitment-screening-provider.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    data.pop("evidence", None)
    data["incidents"] = {"path": "register/incidents.jsonl"}
    path = tmp_path / "ai-system.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    return path


class _Result:
    def __init__(self, proc: subprocess.CompletedProcess) -> None:
        self.exit_code = proc.returncode
        self.output = proc.stdout + proc.stderr
        self.stdout = proc.stdout


def _cli(*args):
    proc = subprocess.run([sys.executable, "-m", "compliance", *[str(a) for a in args]],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    return _Result(proc)


def test_cli_add_check_verify(system, tmp_path):
    r = _cli("incident", "add", system, "--id", "INC-1", "--title", "Shortlist dropped applicants",
             "--aware-at", AWARE, "--serious", "--harm", "c", "--not-widespread", "--no-death",
             "--member-state", "NL", "--recorded-at", "2028-03-10T11:00:00+01:00")
    assert r.exit_code == 0, r.output
    assert (system.parent / "register" / "incidents.jsonl").exists()
    r = _cli("incident", "check", system, "--as-of", "2028-03-24")
    assert r.exit_code == 0, r.output
    assert "2028-03-25T10:00:00+01:00" in r.output and "Art. 73(2)" in r.output
    r = _cli("incident", "check", system, "--as-of", "2028-03-25T10:00:01+01:00")
    assert r.exit_code == 1 and "overdue" in r.output
    first = _cli("incident", "check", system, "--as-of", "2028-03-26", "--format", "json")
    second = _cli("incident", "check", system, "--as-of", "2028-03-26", "--format", "json")
    assert first.exit_code == 1 and first.stdout == second.stdout  # deterministic
    data = json.loads(first.stdout)
    assert data["summary"]["overdue"] == [{"incident": "INC-1", "clock": ART73, "step": "initial"}]
    # entries recorded after the as-of instant are not seen
    r = _cli("incident", "check", system, "--as-of", "2028-03-10T10:30:00+01:00", "--format", "json")
    assert json.loads(r.stdout)["incidents"] == []
    r = _cli("incident", "add", system, "--report-for", "INC-1", "--clock", ART73, "--kind", "initial",
             "--recipient", "Rijksinspectie Digitale Infrastructuur", "--submitted-at", "2028-03-24T16:00:00+01:00",
             "--recorded-at", "2028-03-24T16:05:00+01:00")
    assert r.exit_code == 0, r.output
    r = _cli("incident", "check", system, "--as-of", "2028-04-30")
    assert r.exit_code == 0 and "met" in r.output
    r = _cli("incident", "add", system, "--amends", "INC-1", "--persons-affected", "41", "--reason", "count done",
             "--recorded-at", "2028-03-25T09:00:00+01:00")
    assert r.exit_code == 0, r.output
    r = _cli("incident", "show", system, "INC-1", "--as-of", "2028-04-30")
    assert r.exit_code == 0 and "persons_affected: 41" in r.output and "#3 amendment" in r.output
    r = _cli("incident", "list", system, "--format", "json")
    assert json.loads(r.stdout)["incidents"][0]["entries"] == [1, 2, 3]
    r = _cli("incident", "verify", system)
    assert r.exit_code == 0 and "3 entries verify" in r.output
    head = re.search(r"head ([0-9a-f]{64})", r.output).group(1)
    register = system.parent / "register" / "incidents.jsonl"
    register.write_bytes(register.read_bytes().replace(b"Shortlist", b"Shortlisd"))
    r = _cli("incident", "verify", system, "--head", head, "--format", "json")
    assert r.exit_code == 1
    assert json.loads(r.stdout)["first_bad_line"] == 1
    r = _cli("incident", "check", system, "--as-of", "2028-04-30")
    assert r.exit_code == 1 and "fails verification" in r.output


def test_cli_usage_errors(system):
    r = _cli("incident", "check", system, "--as-of", "2028-03-10T10:00:00")
    assert r.exit_code == 2 and "UTC offset" in r.output
    r = _cli("incident", "add", system, "--id", "X", "--title", "t", "--aware-at", AWARE, "--model", "nope")
    assert r.exit_code == 1 and "not in the descriptor" in r.output
    r = _cli("incident", "add", system, "--id", "X", "--title", "t", "--aware-at", AWARE)
    r = _cli("incident", "add", system, "--report-for", "X", "--clock", "eu.ai_act.nope", "--kind", "initial",
             "--recipient", "r", "--submitted-at", AWARE)
    assert r.exit_code == 1 and "unknown clock" in r.output


def test_cli_add_from_yaml(system, tmp_path):
    entries = tmp_path / "entries.yaml"
    entries.write_text(
        "- type: incident\n  record:\n    id: INC-9\n    title: Misranking\n"
        "    aware_at: 2028-03-10T10:00:00+01:00\n    serious: true\n    death: true\n"
        "- type: report\n  incident: INC-9\n  clocks: [" + ART73 + "]\n  kind: initial\n"
        "  submitted_at: 2028-03-15T10:00:00+01:00\n  recipient: MSA\n", "utf-8")
    r = _cli("incident", "add", system, "--from", entries, "--recorded-at", "2028-03-16T00:00:00Z")
    assert r.exit_code == 0, r.output
    r = _cli("incident", "check", system, "--as-of", "2028-04-01", "--format", "json")
    clock = next(c for c in json.loads(r.stdout)["incidents"][0]["clocks"] if c["id"] == ART73)
    occurrence = clock["steps"][0]["occurrences"][0]
    assert occurrence["status"] == "met" and occurrence["limit"]["days"] == 10


def test_clock_lint_catches_a_bad_clock(tmp_path):
    import shutil

    from compliance.law.lint import lint

    rules = tmp_path / "jurisdictions"
    shutil.copytree(ROOT / "jurisdictions", rules)
    bad = rules / "eu" / "ai_act" / "clocks" / "art_73_report_serious_incident.yaml"
    text = bad.read_text("utf-8").replace("duty: eu.ai_act.art_73_1_report_serious_incidents",
                                          "duty: eu.ai_act.no_such_rule")
    text = text.replace("fact: incident.death", "fact: incident.deaths")
    bad.write_text(text, "utf-8")
    findings, _ = lint(rules, ["clocks"])
    assert any("duty eu.ai_act.no_such_rule" in f for f in findings)
    assert any("incident.deaths" in f for f in findings)


class TestCaliforniaSb53:
    def _descriptor(self) -> Descriptor:
        scenario = yaml.safe_load((ROOT / "jurisdictions/us_ca/sb53/tests/eu_and_california.yaml").read_text("utf-8"))
        data = scenario["descriptor"]
        data["incidents"] = {"path": "incidents.jsonl"}
        return Descriptor.model_validate(data)

    def test_fifteen_days_and_twenty_four_hours(self, tmp_path, rulebook):
        d = self._descriptor()
        records = [
            {"id": "imminent", "title": "loss of control", "aware_at": "2026-12-01T08:00:00-08:00",
             "models": ["frontier-1"], "critical_safety_incident": True,
             "imminent_risk_of_death_or_serious_injury": True, "serious": True, "harm": ["a"],
             "death": False, "cybersecurity_breach": False},
            {"id": "before-sb53", "title": "t", "aware_at": "2025-12-20T08:00:00-08:00", "models": ["frontier-1"],
             "critical_safety_incident": True, "imminent_risk_of_death_or_serious_injury": False},
        ]
        result = _run(tmp_path, d, records, as_of="2026-12-02T07:59:59-08:00", rulebook=rulebook)
        fifteen = _clock(result, "imminent", "us_ca.sb53.bpc_22757_13_c_1_critical_safety_incident")
        day = _clock(result, "imminent", "us_ca.sb53.bpc_22757_13_c_2_imminent_risk_disclosure")
        assert fifteen.applies.value == "true" and day.applies.value == "true"
        assert fifteen.steps[0].current.deadline.at == ts("2026-12-16T08:00:00-08:00")
        assert day.steps[0].current.deadline.at == ts("2026-12-02T08:00:00-08:00")
        assert day.steps[0].current.status == "open"
        # the EU clock for the same model runs beside it (Code of Practice, 15 days for health harm)
        eu = _clock(result, "imminent", ART55)
        assert eu.applies.value == "true"
        assert eu.steps[0].current.deadline.at == ts("2026-12-16T08:00:00-08:00")
        early = _clock(result, "before-sb53", "us_ca.sb53.bpc_22757_13_c_1_critical_safety_incident")
        assert early.applies.value == "false"
        assert not _clock(result, "before-sb53", "us_ca.sb53.bpc_22757_13_c_2_imminent_risk_disclosure").applies.value == "true"
        later = _run(tmp_path / "later", d, records, as_of="2026-12-02T08:00:01-08:00", rulebook=rulebook)
        assert ("imminent", "us_ca.sb53.bpc_22757_13_c_2_imminent_risk_disclosure", "disclose") in later.overdue
