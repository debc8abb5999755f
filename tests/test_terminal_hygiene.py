"""Terminal hygiene: control characters and bidirectional overrides from input are shown escaped
(``\\x1b``, ``\\u202e``) in text output, stay valid (and equal) in JSON and YAML, and render inert
in documents."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from compliance.io.textsafe import UNSAFE, inert, json_safe, printable

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "customer-service-chatbot.yaml"
EVIL = "Evil \u202eexe.txt \x1b[31mred\x1b[0m \u2066x\u2069 \x9b\x7f end"
#: Every character that must never reach a terminal raw.
RAW = ["\x1b", "\u202e", "\u2066", "\u2069", "\x9b", "\x7f"]


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "compliance", *args], capture_output=True, text=True,
                          encoding="utf-8", cwd=cwd, timeout=120)


def assert_inert(text: str) -> None:
    found = [c for c in RAW if c in text]
    assert not found, f"raw {found!r} in output"


@pytest.fixture()
def evil_descriptor(tmp_path: Path) -> Path:
    data = yaml.safe_load(EXAMPLE.read_text("utf-8"))
    data.pop("evidence", None)
    data["system"]["name"] = EVIL
    path = tmp_path / "ai-system.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    return path


# --------------------------------------------------------------------------- the helpers


def test_printable_escapes_controls_and_bidi_but_keeps_line_structure() -> None:
    assert printable("a\x1b[31mb") == "a\\x1b[31mb"
    assert printable("a\u202eb") == "a\\u202eb"
    assert printable("\u200e\u200f\u061c\u202a\u202d\u2066\u2067\u2068\u2069") == (
        "\\u200e\\u200f\\u061c\\u202a\\u202d\\u2066\\u2067\\u2068\\u2069")
    assert printable("\x00\x07\x08\r\x7f\x85\x9f") == "\\x00\\x07\\x08\\x0d\\x7f\\x85\\x9f"
    assert printable("line 1\n\tline 2 — ✓ é 中文") == "line 1\n\tline 2 — ✓ é 中文"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_printable_leaves_nothing_unsafe_and_is_idempotent(text: str) -> None:
    shown = printable(text)
    assert UNSAFE.search(shown) is None
    assert printable(shown) == shown


@settings(max_examples=300, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                    lambda children: st.lists(children) | st.dictionaries(st.text(), children), max_leaves=20))
def test_json_safe_keeps_json_valid_and_equal(data: object) -> None:
    text = json_safe(json.dumps(data, ensure_ascii=False, indent=2))
    assert UNSAFE.search(text.replace("\n", " ")) is None
    assert json.loads(text) == data


def test_inert_walks_plain_data() -> None:
    data = {"name": EVIL, "rows": [{"x": "\u202e"}, ("\x1b", 3)], "n": 1, "ok": True, "none": None}
    result = inert(data)
    assert result == {"name": printable(EVIL), "rows": [{"x": "\\u202e"}, ("\\x1b", 3)], "n": 1, "ok": True,
                      "none": None}
    assert inert("a\r\nb") == "a\r\nb"  # HTML whitespace stays


def test_error_messages_are_printable() -> None:
    from compliance.errors import UsageError

    error = UsageError(f"unknown {EVIL}", f"hint {EVIL}")
    assert_inert(error.message + str(error) + (error.hint or ""))
    assert "\\u202e" in error.message and "\\x1b" in (error.hint or "")


# --------------------------------------------------------------------------- the CLI


def test_obligations_text_shows_the_escaped_name(evil_descriptor: Path) -> None:
    result = run("obligations", str(evil_descriptor), "--as-of", "2027-12-02")
    assert result.returncode == 0, result.stderr
    assert_inert(result.stdout)
    assert result.stdout.splitlines()[0].startswith(
        "Evil \\u202eexe.txt \\x1b[31mred\\x1b[0m \\u2066x\\u2069 \\x9b\\x7f end (")


def test_obligations_json_is_valid_inert_and_exact(evil_descriptor: Path) -> None:
    result = run("obligations", str(evil_descriptor), "--as-of", "2027-12-02", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert_inert(result.stdout)
    assert json.loads(result.stdout)["system"]["name"] == EVIL


def test_validate_text_and_json_escape_a_hostile_file_name(tmp_path: Path) -> None:
    bad = tmp_path / "ai\u202elmay.yaml"
    bad.write_text("schema_version: 1\norganisation: {name: X}\nsystem: {id: s, name: S, bogus: 1}\n", "utf-8")
    text = run("validate", str(bad), cwd=tmp_path)
    assert text.returncode == 1
    assert_inert(text.stdout + text.stderr)
    assert "ai\\u202elmay.yaml:3:" in text.stdout
    as_json = run("validate", "--format", "json", str(bad), cwd=tmp_path)
    assert_inert(as_json.stdout)
    assert json.loads(as_json.stdout)["files"][0]["file"] == str(bad)


def test_error_for_an_invalid_descriptor_is_escaped(tmp_path: Path) -> None:
    bad = tmp_path / "x\x1b[2J.yaml"
    bad.write_text("schema_version: 1\norganisation: {name: X}\nsystem: {id: s, name: S, bogus: 1}\n", "utf-8")
    result = run("obligations", str(bad), cwd=tmp_path)
    assert result.returncode == 1
    assert_inert(result.stdout + result.stderr)
    assert "x\\x1b[2J.yaml:3:" in result.stderr


def test_diff_text_is_escaped(evil_descriptor: Path) -> None:
    data = yaml.safe_load(evil_descriptor.read_text("utf-8"))
    data["organisation"]["name"] = "Org \u202eevil\x1b]0;title\x07"
    other = evil_descriptor.parent / "other.yaml"
    other.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    diff = run("diff", str(evil_descriptor), str(other), "--as-of", "2027-12-02")
    assert diff.returncode in (0, 1), diff.stderr
    assert "organisation.name" in diff.stdout
    assert_inert(diff.stdout + diff.stderr)
    assert "\x07" not in diff.stdout and "\\u202eevil" in diff.stdout


def test_status_table_escapes_file_names(evil_descriptor: Path) -> None:
    evil_descriptor.rename(evil_descriptor.parent / "fleet\u202e.yaml")
    result = run("status", str(evil_descriptor.parent), "--as-of", "2027-12-02")
    assert result.returncode == 0, result.stderr
    assert_inert(result.stdout)
    assert "fleet\\u202e.yaml" in result.stdout


def test_incident_list_and_show_escape_titles(evil_descriptor: Path) -> None:
    data = yaml.safe_load(evil_descriptor.read_text("utf-8"))
    data["incidents"] = {"path": "incidents.jsonl"}
    evil_descriptor.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    added = run("incident", "add", str(evil_descriptor), "--id", "INC-1", "--title", EVIL,
                "--aware-at", "2028-03-10T10:00:00+01:00", "--recorded-at", "2028-03-10T11:00:00+01:00")
    assert added.returncode == 0, added.stderr
    for args in (["list"], ["show", "INC-1", "--as-of", "2028-03-11"], ["check", "--as-of", "2028-03-11"]):
        cmd, *rest = args
        result = run("incident", cmd, str(evil_descriptor), *rest)
        assert result.returncode in (0, 1), result.stderr
        assert_inert(result.stdout + result.stderr)
        assert "\\u202e" in result.stdout
    as_json = run("incident", "list", str(evil_descriptor), "--format", "json")
    assert_inert(as_json.stdout)
    assert json.loads(as_json.stdout)["incidents"][0]["title"] == EVIL


def test_imported_card_yaml_is_inert_and_keeps_the_values(tmp_path: Path) -> None:
    card = tmp_path / "README.md"
    card.write_text("---\nlicense: apache-2.0\nbase_model: \"org/m\u202eodel\"\n"
                    "datasets: [\"d\\e[31ms\"]\nweird\u202ekey: 1\n---\n# card\n", "utf-8")
    result = run("import", "hf-card", str(card), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert_inert(result.stdout)
    draft = yaml.safe_load(result.stdout)
    model = draft["models"][0]
    assert model["base_model"]["id"] == "org/m\u202eodel"
    assert model["training_data"]["sources"][0]["name"] == "d\x1b[31ms"


def test_yaml_dump_round_trips_unsafe_strings() -> None:
    from compliance.descriptor.yamlio import dump, load_text

    data = {"a": EVIL, "b": ["\u202e", "x\ny\u2066"], "c": "plain"}
    text = dump(data)
    assert_inert(text)
    assert load_text(text).data == data
    assert "c: plain" in text


# --------------------------------------------------------------------------- documents


def test_pack_html_renders_bidi_and_controls_inert(evil_descriptor: Path) -> None:
    from compliance.documents.pack import prepare_documents

    _, _, _, _, rendered = prepare_documents(evil_descriptor, dt.date(2027, 12, 2))
    assert rendered
    for doc in rendered:
        assert_inert(doc.html)
    assert "Evil \\u202eexe.txt \\x1b[31mred" in rendered[0].html


def test_pdf_render_backstop_escapes_what_templates_let_through() -> None:
    from compliance.io.textsafe import inert_html

    assert inert_html("<p>a\u202eb\x1bc</p>\r\n") == "<p>a\\u202eb\\x1bc</p>\r\n"


@pytest.mark.parametrize("fmt", ["cyclonedx", "spdx"])
def test_exported_boms_are_inert_and_exact(evil_descriptor: Path, fmt: str) -> None:
    result = run("export", fmt, str(evil_descriptor), "--as-of", "2026-11-25")
    assert result.returncode == 0, result.stderr
    assert_inert(result.stdout)
    assert any(EVIL in text for text in _strings(json.loads(result.stdout)))


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [k, *_strings(v)]]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def test_custom_template_text_is_rendered_inert(tmp_path: Path) -> None:
    """A shared template is untrusted too: a bidi override in its own text (not a value) is
    shown as an escape in every rendition."""
    from compliance.documents.pack import build_pack

    templates = tmp_path / "templates" / "base"
    templates.mkdir(parents=True)
    bundled = (ROOT / "templates" / "base" / "index.html.j2").read_text("utf-8")
    (templates / "index.html.j2").write_text(bundled.replace("<body>", "<body>\u202eevil\x1b[2J", 1),
                                             "utf-8")
    pack = build_pack(EXAMPLE, tmp_path / "out", dt.date(2027, 12, 2), {"html"}, tmp_path / "templates")
    html = (pack / "index.html").read_text("utf-8")
    assert "\\u202eevil\\x1b[2J" in html
    assert_inert(html)
