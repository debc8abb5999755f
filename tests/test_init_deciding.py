"""`compliance init` ranks the starter's deciding questions: a note on each one's line (the rest
of the starter byte for byte as it was), and the list printed after writing."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import pytest
from click.testing import CliRunner

from compliance.cli import cli

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2026-11-25"
PROFILES = ["gpai-provider", "high-risk-provider", "deployer", "chatbot"]
NOTE = re.compile(r"^(?P<line>.*?)  (?:# )?\[#(?P<rank>\d+): (?P<what>[^\]]+) — answer first\]$")


def _starter(profile: str) -> str:
    return files("compliance").joinpath("starters", f"{profile}.yaml").read_text("utf-8")


def _init(tmp_path: Path, profile: str, *extra: str) -> tuple[str, str]:
    target = tmp_path / "ai-system.yaml"
    result = CliRunner().invoke(cli, ["init", "--profile", profile, "-o", str(target),
                                      "--as-of", AS_OF, *extra])
    assert result.exit_code == 0, result.output
    return target.read_text("utf-8"), result.output


def _notes(original: str, written: str) -> dict[int, tuple[int, str]]:
    """{line number: (rank, what)}; every other line is the original's, byte for byte, and a
    noted line is the original line with the note after it."""
    before, after = original.splitlines(keepends=True), written.splitlines(keepends=True)
    assert len(before) == len(after)
    notes = {}
    for number, (old, new) in enumerate(zip(before, after, strict=True)):
        if old == new:
            continue
        match = NOTE.match(new.rstrip("\n"))
        assert match and match["line"] == old.rstrip("\n").rstrip(), (old, new)
        assert new.endswith("\n") == old.endswith("\n")
        notes[number] = (int(match["rank"]), match["what"])
    return notes


def _located(text: str, path: str) -> int:
    """The line of ``path``'s key in ``text`` (0-based)."""
    from compliance.descriptor.answers import _note_line, _yaml

    found = _note_line(_yaml().load(text), path)
    assert found is not None, path
    mapping, key = found
    return int(mapping.lc.key(key)[0])


@pytest.mark.parametrize("profile", PROFILES)
def test_init_notes_the_deciding_questions_in_ranked_order(tmp_path: Path, profile: str, rulebook) -> None:
    from ruamel.yaml import YAML

    from compliance.descriptor.validation import parse_descriptor
    from compliance.law.engine.evaluator import assess_selected
    from compliance.law.questions import questions as _questions

    original = _starter(profile)
    written, output = _init(tmp_path, profile)
    # valid YAML, loading to the starter's data, and a valid descriptor
    assert YAML(typ="safe").load(written) == YAML(typ="safe").load(original)
    parsed = parse_descriptor(written.encode(), "ai-system.yaml", tmp_path)
    assert not parsed.errors, [p.format() for p in parsed.errors]
    # every original line (comments included) is kept; only notes are added
    notes = _notes(original, written)
    assert notes, "a starter leaves facts to ask"
    assert all(c in written for c in re.findall(r"#.*", original))
    # the notes follow the engine's ranking (the questions `compliance ask` asks, in its order)
    assessment = assess_selected(parsed.descriptor, rulebook, dt.date.fromisoformat(AS_OF))
    ranked = _questions(assessment, 10)
    for rank, (fact, fields) in enumerate(ranked, start=1):
        lines = [n for n, (r, _what) in notes.items() if r == rank]
        assert len(lines) <= 1
        if lines:
            assert lines[0] in {_located(original, f) for f in fields if _has(original, f)}, fact
    assert sorted(r for r, _what in notes.values()) == sorted(set(r for r, _what in notes.values()))
    by_rank = {q.fact: q for q in assessment.deciding_facts(10)}
    for rank, what in notes.values():
        q = by_rank[ranked[rank - 1][0]]
        assert what == (f"decides {len(q.decides)} obligation{'s' if len(q.decides) != 1 else ''}" if q.decides
                        else f"needed by {len(q.blocks)} undetermined obligation{'s' if len(q.blocks) != 1 else ''}")
    # the printed list: the same questions, best first
    lines = output.splitlines()
    assert lines[0].startswith(f"wrote {tmp_path / 'ai-system.yaml'} ({profile})")
    assert re.match(rf"Answer these {len(ranked)} questions first: they decide \d+ of the "
                    rf"{len(assessment.undetermined())} undetermined obligations \(run: compliance ask ", lines[1])
    listed = [re.match(r"  #(\d+)\s+(\S+)", line) for line in lines[2:]]
    assert [int(m[1]) for m in listed if m] == list(range(1, len(ranked) + 1))
    assert all(m[2] in fields for m, (_fact, fields) in zip([m for m in listed if m], ranked, strict=True))


def _has(text: str, path: str) -> bool:
    from compliance.descriptor.answers import _note_line, _yaml

    return _note_line(_yaml().load(text), path) is not None



def test_a_failed_evaluation_writes_the_starter_as_it_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import compliance.law.engine.evaluator as evaluator

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("rule data broken")

    monkeypatch.setattr(evaluator, "assess_selected", broken)
    written, output = _init(tmp_path, "deployer")
    assert written == _starter("deployer")
    assert "Answer these" not in output and "wrote" in output


def test_init_is_deterministic_for_an_as_of_date(tmp_path: Path) -> None:
    first, out1 = _init(tmp_path / "a", "deployer")
    second, out2 = _init(tmp_path / "b", "deployer")
    assert first == second and out1.replace("/a/", "/b/") == out2


def test_add_notes_places_a_note_per_line_and_keeps_every_byte() -> None:
    from compliance.descriptor.answers import add_notes

    text = ("# head\n"
            "a:\n"
            "  x: null   # keep me\n"
            "  y: ~\n"
            "  z:\n"
            "  w: 3\n"
            "  sub: null\n"
            "list:\n"
            "  - id: one\n"
            "    v: null  # TODO\n"
            "    # trailing comment\n")
    out, placed = add_notes(text, [
        (["a.x"], "[n1]"), (["a.y"], "[n2]"), (["a.z"], "[n3]"), (["a.w"], "[never: holds a value]"),
        (["a.missing", "a.sub.deeper"], "[n5]"), (["list[one].v"], "[n6]"), (["a.x"], "[n7: line taken]"),
        (["not a path!"], "[n8]"),
    ])
    assert out == ("# head\n"
                   "a:\n"
                   "  x: null   # keep me  [n1]\n"
                   "  y: ~  # [n2]\n"
                   "  z:  # [n3]\n"
                   "  w: 3\n"
                   "  sub: null  # [n5]\n"
                   "list:\n"
                   "  - id: one\n"
                   "    v: null  # TODO  [n6]\n"
                   "    # trailing comment\n")
    assert placed == {0: "a.x", 1: "a.y", 2: "a.z", 4: "a.sub.deeper", 5: "list[one].v"}


def test_init_does_not_load_the_document_stack(tmp_path: Path) -> None:
    code = ("import sys; from compliance.cli import main\n"
            f"try:\n    main(['init', '--profile', 'deployer', '-o', {str(tmp_path / 'x.yaml')!r}])\n"
            "except SystemExit:\n    pass\n"
            "print('HEAVY', sorted(m for m in sys.modules if m.split('.')[0] in ('weasyprint', 'jinja2')"
            " or m.startswith('compliance.documents')))\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            timeout=120, check=False)
    assert "HEAVY []" in result.stdout, result.stdout + result.stderr
    assert "[#1:" in (tmp_path / "x.yaml").read_text("utf-8")
