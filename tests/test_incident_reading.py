"""Reading the register in one pass: the same answers as reading it twice (chain, then content),
compact copies equal to the models they replace, incidents as of an earlier instant, output
written in pieces equal to the whole, and the garbage collector left as it was found."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from compliance.descriptor.model import Descriptor
from compliance.incidents import chain
from compliance.incidents import register as reg
from compliance.incidents.check import (
    check,
    check_lazily,
    json_chunks,
    render_text,
    states_as_of,
    text_chunks,
)
from compliance.incidents.clockbook import load_clocks
from compliance.incidents.model import Entry, IncidentEntry, IncidentRecord, ReportEntry
from compliance.incidents.state import IncidentState, Logged, Record, Report, kept
from compliance.law.engine import assess

ROOT = Path(__file__).resolve().parent.parent
T0 = dt.datetime(2028, 3, 10, 11, 0, tzinfo=dt.UTC)
ART73 = "eu.ai_act.art_73_report_serious_incident"

_timestamps = st.sampled_from([
    "2028-03-10T10:00:00+01:00", "2028-03-10T09:00:00Z", "2028-03-10T09:00:00.25+00:00", "2028-03-11T00:00:00-05:30",
    "2028-03-10T10:00:00", "1800-01-01T00:00:00Z", "not a time", 1_830_000_000, None, True,
])
_recorded = st.one_of(st.sampled_from(["2028-03-10T10:00:00+01:00", "2028-03-10T09:00:00Z"]), _timestamps)
_json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12) | _timestamps,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)
_record_fields = st.fixed_dictionaries(
    {"id": st.sampled_from(["INC-1", "INC-2", " INC-1 ", "-bad"]), "title": st.sampled_from(["t", " padded ", "", "ü"]),
     "aware_at": _timestamps},
    optional={"occurred_at": _timestamps, "resolved_at": _timestamps, "status": st.sampled_from(["open", "resolved", "x"]),
              "serious": st.sampled_from([True, False, None, "yes", 1]), "harm": st.sampled_from([["a"], ["a", "a"], ["z"], []]),
              "models": st.sampled_from([["m1"], [], ["bad id!"]]), "member_states": st.sampled_from([["DE"], ["de"]]),
              "persons_affected": st.sampled_from([0, -1, 3.0, "4", True, None]), "notes": _json_values,
              "colour": st.just("red")},
)
_bodies = st.one_of(
    _json_values,
    st.fixed_dictionaries({"type": st.just("incident"), "record": _record_fields}),
    st.fixed_dictionaries({"type": st.just("amendment"), "incident": st.sampled_from(["INC-1", "INC-2", "NOPE"]),
                           "changes": st.dictionaries(st.sampled_from(["death", "status", "resolved_at", "id",
                                                                       "persons_affected", "colour", "title"]),
                                                      _json_values | st.sampled_from(["resolved", 5, True]), max_size=3),
                           "reason": st.sampled_from(["r", "", " "])}),
    st.fixed_dictionaries({"type": st.just("report"), "incident": st.sampled_from(["INC-1", "INC-2", "NOPE"]),
                           "clocks": st.sampled_from([[ART73], [], ["Bad"]]),
                           "kind": st.sampled_from(["initial", "final", "weird"]),
                           "submitted_at": _timestamps, "recipient": st.sampled_from(["MSA", ""])},
                          optional={"reference": _json_values, "notes": st.just("n"), "extra": st.just(1)}),
)


def _old_validated(number: int, raw: dict[str, Any]) -> Entry | chain.Problem:
    """How a verified line was validated before: the whole entry model at once."""
    try:
        return reg._ENTRY.validate_python(raw)
    except ValidationError as exc:
        return reg._content_problem(number, exc)


def _line(seq: int, prev: str, recorded_at: Any, body: Any) -> tuple[bytes, str]:
    obj: dict[str, Any] = {"seq": seq, "prev": prev, "recorded_at": recorded_at, "entry": body}
    obj["hash"] = reg.entry_hash(obj)
    return reg.canonical(obj) + b"\n", obj["hash"]


def _register(entries: list[tuple[Any, Any]]) -> bytes:
    lines, prev = [], reg.GENESIS
    for seq, (recorded_at, body) in enumerate(entries, 1):
        line, prev = _line(seq, prev, recorded_at, body)
        lines.append(line)
    return b"".join(lines)


# --------------------------------------------------------------------------- one pass, same answers


@settings(max_examples=400, deadline=None)
@given(_recorded, _bodies)
def test_validating_the_parts_names_what_the_whole_model_names(recorded_at: Any, body: Any) -> None:
    """``recorded_at`` and the body are validated on their own; the problem (or the values) are
    those of validating the whole :class:`Entry`, whose other members passed the chain checks."""
    raw = {"entry": body, "hash": "a" * 64, "prev": reg.GENESIS, "recorded_at": recorded_at, "seq": 7}
    new, old = reg._validated(7, raw), _old_validated(7, raw)
    if isinstance(old, chain.Problem):
        assert new == old
        return
    assert isinstance(new, Logged)
    assert (new.seq, new.recorded_at, new.hash) == (old.seq, old.recorded_at, old.hash)
    assert new.recorded_at.utcoffset() == old.recorded_at.utcoffset()
    expected = kept(old.entry)
    assert type(new.entry) is type(expected) and new.entry.type == old.entry.type
    if isinstance(old.entry, IncidentEntry):
        assert new.entry.record.to_json() == old.entry.record.model_dump(mode="json", exclude_none=True)  # type: ignore[union-attr]
    elif isinstance(old.entry, ReportEntry):
        assert new.entry.to_json() == old.entry.model_dump(mode="json", exclude_none=True)  # type: ignore[union-attr]


def _read_twice(data: bytes) -> tuple[int, str, chain.Problem | None, list[dict[str, Any]]]:
    """The register read as it was before: scan the whole chain, then validate and fold."""
    scanned = reg.scan_chain(data)
    incidents: dict[str, IncidentState] = {}
    count, problem = 0, None
    for number, raw in enumerate(scanned.entries, 1):
        entry = _old_validated(number, raw)
        if isinstance(entry, chain.Problem):
            problem = entry
            break
        problem = reg._apply(incidents, Logged(entry.seq, entry.recorded_at, entry.hash, kept(entry.entry)), number)
        if problem is not None:
            break
        count += 1
    first = problem or scanned.problem
    head = scanned.entries[count - 1]["hash"] if count else reg.GENESIS
    return count, head, first, [s.record.to_json() for s in incidents.values()]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_recorded, _bodies), max_size=6), st.integers(0, 400), st.sampled_from([b"", b"x", b"\r"]))
def test_one_pass_gives_the_answers_of_two(entries: list[tuple[Any, Any]], cut: int, noise: bytes) -> None:
    """Chain problems, content problems, the good prefix, its head and the folded incidents:
    all as when the chain was scanned first and the content validated afterwards."""
    entries = [("2028-01-01T00:00:00Z", {"type": "incident", "record": {"id": "INC-1", "title": "t",
                                                                        "aware_at": "2028-01-01T00:00:00Z"}}),
               *entries]
    data = _register(entries)
    cut_at = len(data) - cut if cut < len(data) else len(data)
    for variant in (data, data[:cut_at] + noise + data[cut_at:], data[:cut_at]):
        result, register = reg.verify_bytes(variant, Path("r.jsonl"))
        count, head, problem, records = _read_twice(variant)
        assert (result.count, result.head, result.problem) == (count, head, problem)
        assert register.count == count and register.head == head
        assert [s.record.to_json() for s in register.incidents.values()] == records


def test_the_anchor_is_looked_for_in_the_good_prefix_only(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    for i in range(4):
        reg.append(path, {"type": "incident", "record": {"id": f"I{i}", "title": "t", "aware_at": T0.isoformat()}},
                   T0 + dt.timedelta(minutes=i))
    lines = path.read_bytes().splitlines(keepends=True)
    heads = [json.loads(line)["hash"] for line in lines]
    damaged = b"".join(lines[:2]) + lines[2].replace(b'"t"', b'"u"') + lines[3]
    assert reg.verify_bytes(damaged, path, heads[1])[0].anchor_found is True
    assert reg.verify_bytes(damaged, path, heads[3])[0].anchor_found is False  # after the bad line
    assert reg.verify_bytes(b"".join(lines), path, heads[3])[0].ok


def test_verify_and_load_is_one_read_of_both(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    for i in range(3):
        reg.append(path, {"type": "incident", "record": {"id": f"I{i}", "title": "t", "aware_at": T0.isoformat()}}, T0)
    verification, register = reg.verify_and_load(path)
    assert verification == reg.verify(path) and verification.ok
    assert [e.hash for e in register.entries] == [e.hash for e in reg.load(path).entries]
    path.write_bytes(path.read_bytes()[:-5])
    verification, register = reg.verify_and_load(path)
    assert verification == reg.verify(path) and verification.problem is not None and register.count == 2


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from('{}[]":,0123456789.eE+- \tnulltrufalsNIfiy\\abc'), max_size=40)
       | st.builds(json.dumps, _json_values).map(lambda text: text + " ") | st.builds(json.dumps, _json_values))
def test_parsing_a_line_is_json_loads(text: str) -> None:
    try:
        expected: Any = json.loads(text)
    except (ValueError, RecursionError) as exc:
        with pytest.raises(type(exc)) as raised:
            chain._parse(text)
        assert str(raised.value) == str(exc)
    else:
        assert chain._parse(text) == expected or expected != expected  # NaN


# --------------------------------------------------------------------------- compact copies


def test_the_compact_record_has_the_fields_of_the_model() -> None:
    assert tuple(f.name for f in dataclasses.fields(Record)) == tuple(IncidentRecord.model_fields)
    assert tuple(f.name for f in dataclasses.fields(Report)) == tuple(k for k in ReportEntry.model_fields if k != "type")


@settings(max_examples=200, deadline=None)
@given(_record_fields, st.dictionaries(st.sampled_from(["death", "status", "resolved_at", "title", "persons_affected",
                                                        "harm", "colour"]), _json_values, max_size=3))
def test_amending_a_compact_record_is_amending_the_model(fields: dict[str, Any], changes: dict[str, Any]) -> None:
    from compliance.incidents.model import AmendmentEntry, apply_amendment

    try:
        model = IncidentRecord.model_validate(fields)
    except ValidationError:
        return
    record = Record.of(model)
    assert record.to_json() == model.model_dump(mode="json", exclude_none=True)
    amendment = AmendmentEntry.model_construct(type="amendment", incident=model.id, changes=changes, reason="r")
    try:
        expected = apply_amendment(model, amendment)
    except ValidationError as old:
        with pytest.raises(ValidationError) as new:
            record.changed(changes)
        # the context holds the raised ValueError itself, which compares by identity
        assert new.value.errors(include_context=False) == old.errors(include_context=False)
    else:
        assert record.changed(changes).to_json() == expected.model_dump(mode="json", exclude_none=True)


# --------------------------------------------------------------------------- incidents as of an instant


def _old_states_as_of(entries: list[Logged], as_of: dt.datetime) -> dict[str, IncidentState]:
    incidents: dict[str, IncidentState] = {}
    for number, entry in enumerate(entries, 1):
        if entry.recorded_at <= as_of:
            reg._apply(incidents, entry, number)
    return incidents


def _shape(states: dict[str, IncidentState]) -> list[Any]:
    return [(k, s.record.to_json(), [e.seq for e in s.entries], [r.to_json() for r in s.reports])
            for k, s in states.items()]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.sampled_from([
    {"type": "incident", "record": {"id": "A", "title": "t", "aware_at": "2028-01-01T00:00:00Z"}},
    {"type": "incident", "record": {"id": "B", "title": "t", "aware_at": "2028-01-02T00:00:00Z"}},
    {"type": "amendment", "incident": "A", "changes": {"status": "resolved", "resolved_at": "2028-02-01T00:00:00Z"},
     "reason": "r"},
    {"type": "amendment", "incident": "A", "changes": {"resolved_at": "2028-03-01T00:00:00Z"}, "reason": "r"},
    {"type": "amendment", "incident": "B", "changes": {"death": True}, "reason": "r"},
    {"type": "report", "incident": "A", "clocks": [ART73], "kind": "initial", "submitted_at": "2028-01-05T00:00:00Z",
     "recipient": "MSA"},
    {"type": "report", "incident": "B", "clocks": [ART73], "kind": "final", "submitted_at": "2028-01-06T00:00:00Z",
     "recipient": "MSA"},
])), max_size=10), st.integers(0, 6))
def test_incidents_as_of_an_instant_are_those_of_the_earlier_entries(entries: list[tuple[int, Any]],
                                                                    hour: int) -> None:
    """Entries are not always recorded in time order: as of an instant, the incidents are those
    the entries recorded until then make, folded in register order (an entry that does not
    apply without the later ones is left out)."""
    data = _register([((T0 + dt.timedelta(hours=h)).isoformat(), body) for h, body in entries])
    result, register = reg.verify_bytes(data, Path("r.jsonl"))
    as_of = T0 + dt.timedelta(hours=hour)
    assert _shape(states_as_of(register, as_of)) == _shape(_old_states_as_of(register.entries, as_of))


# --------------------------------------------------------------------------- output in pieces


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> Any:
    data = yaml.safe_load((ROOT / "examples" / "recruitment-screening-provider.yaml").read_text("utf-8"))
    data.pop("evidence", None)
    data["incidents"] = {"path": "incidents.jsonl"}
    descriptor = Descriptor.model_validate(data)
    path = tmp_path_factory.mktemp("register") / "incidents.jsonl"
    for i in range(6):
        aware = T0 + dt.timedelta(days=i)
        reg.append(path, {"type": "incident", "record": {"id": f"INC-{i}", "title": f"incident {i} — ü",
                                                         "aware_at": aware.isoformat(), "serious": i % 2 == 0}},
                   aware)
        if i % 3 == 0:
            reg.append(path, {"type": "report", "incident": f"INC-{i}", "clocks": [ART73], "kind": "initial",
                              "submitted_at": (aware + dt.timedelta(days=2)).isoformat(), "recipient": "MSA"},
                       aware + dt.timedelta(days=2))
    register = reg.load(path)
    as_of = T0 + dt.timedelta(days=20)
    from compliance.law.rulebook import load_rulebook

    assessment = assess(descriptor, load_rulebook(ROOT / "jurisdictions"), as_of.date())
    return descriptor, register, assessment, load_clocks(ROOT / "jurisdictions"), as_of


@pytest.mark.parametrize("limit", [None, 0, 1])
def test_output_in_pieces_is_the_whole_document(checked: Any, limit: int | None) -> None:
    descriptor, register, assessment, clockbook, as_of = checked
    whole = check(descriptor, register, assessment, clockbook, as_of, "incidents.jsonl")
    if limit is not None:
        whole = dataclasses.replace(whole, incidents=whole.incidents[:limit])
    assert len(whole.incidents) == (6 if limit is None else limit)
    head, lazy = check_lazily(descriptor, register, assessment, clockbook, as_of, "incidents.jsonl")
    incidents = list(lazy)[:limit] if limit is not None else list(lazy)
    expected = json.dumps(whole.to_json(), indent=2, ensure_ascii=False)
    assert "".join(json_chunks(head, iter(incidents))) == expected
    for show_all in (False, True):
        assert "".join(text_chunks(head, iter(incidents), show_all)) == render_text(whole, show_all)


def test_only_the_incidents_asked_for_are_evaluated(checked: Any) -> None:
    descriptor, register, assessment, clockbook, as_of = checked
    whole = check(descriptor, register, assessment, clockbook, as_of, "incidents.jsonl")
    one = check(descriptor, register, assessment, clockbook, as_of, "incidents.jsonl", only={"INC-3"})
    assert [i.state.record.id for i in one.incidents] == ["INC-3"]
    assert one.incidents[0] == next(i for i in whole.incidents if i.state.record.id == "INC-3")


# --------------------------------------------------------------------------- the garbage collector


@pytest.mark.parametrize("enabled", [True, False])
def test_reading_leaves_the_collector_as_it_was(enabled: bool) -> None:
    data = _register([(T0.isoformat(), {"type": "incident", "record": {"id": f"I{i}", "title": "t",
                                                                       "aware_at": T0.isoformat()}})
                      for i in range(50)])
    frozen = gc.get_freeze_count()
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        assert reg.verify_bytes(data, Path("r.jsonl"))[0].count == 50
        assert gc.isenabled() is enabled
        assert gc.get_freeze_count() == frozen
    finally:
        gc.enable() if was else gc.disable()


_any_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
    | st.sampled_from(["\ud800", "\x00\x1f\u2028", "—ü\"\\/", "\U0001f600"]),
    lambda children: st.lists(children, max_size=3) | st.lists(children, max_size=2).map(tuple)
    | st.dictionaries(st.text(max_size=5), children, max_size=3)
    | st.dictionaries(st.integers(0, 3) | st.booleans() | st.none(), children, max_size=2),
    max_leaves=10,
)


@settings(max_examples=500, deadline=None)
@given(_any_json)
def test_indented_json_is_written_as_json_dumps_writes_it(value: Any) -> None:
    from compliance.incidents.render import json_text

    assert json_text(value) == json.dumps(value, indent=2, ensure_ascii=False)
