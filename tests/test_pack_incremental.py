"""Incremental builds: a pack whose inputs match its manifest, with every file intact, is not
rendered again; a change of any input, a tampered pack file or --force renders it.

Renders are counted (``render_documents``, through which every document of a pack passes) and
every pack file's inode and mtime are compared: never timing. HTML-only builds against the
hand-written sample assessment keep this module fast; the one PDF format uses a stand-in
renderer."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from _packs import AS_OF, DATA, sample_assessment
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
SYSTEM_ID = "hiring-assistant"


@dataclasses.dataclass
class Workspace:
    descriptor: Path
    register: Path
    out: Path
    renders: list[str]
    templates: Path | None = None
    rules: Path | None = None
    formats: frozenset[str] = frozenset({"html"})
    as_of: dt.date = AS_OF

    def build(self, **options: Any) -> Any:
        from compliance.documents.pack import build

        return build(self.descriptor, self.out, options.pop("as_of", self.as_of),
                     options.pop("formats", self.formats), self.templates,
                     assessment=sample_assessment("hiring"), rules_dir=self.rules, **options)

    @property
    def pack(self) -> Path:
        return self.out / SYSTEM_ID


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """hiring.yaml with its evidence and an incident register, in a folder of its own; every
    render of a pack's documents is counted."""
    from compliance.documents import pack

    work = tmp_path / "work"
    shutil.copytree(DATA / "evidence", work / "evidence")
    descriptor = work / "hiring.yaml"
    descriptor.write_text((DATA / "hiring.yaml").read_text("utf-8").rstrip("\n")
                          + "\nincidents:\n  path: incidents.jsonl\n", "utf-8")
    register = work / "incidents.jsonl"
    register.write_bytes(b"")  # no incident yet: an empty register
    renders: list[str] = []
    original = pack.render_documents

    def counted(*args: Any, **kwargs: Any) -> Any:
        renders.append(args[0].system.id)
        return original(*args, **kwargs)

    monkeypatch.setattr(pack, "render_documents", counted)
    return Workspace(descriptor, register, tmp_path / "out", renders)


def _files(folder: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every file of ``folder`` with its inode, modification time and bytes."""
    out = {}
    for path in sorted(folder.iterdir()):
        info = path.stat()
        out[path.name] = (info.st_ino, info.st_mtime_ns, path.read_bytes())
    return out


def _manifest(pack: Path) -> dict[str, Any]:
    return json.loads((pack / "manifest.json").read_text("utf-8"))


def test_rebuild_with_nothing_changed_renders_nothing(ws: Workspace) -> None:
    first = ws.build()
    assert (first.built, first.reason) == (True, "new pack")
    assert ws.renders == [SYSTEM_ID]
    before = _files(ws.pack)
    manifest = _manifest(ws.pack)
    parts = manifest["inputs"]["parts"]
    assert set(parts) == {"key_format", "tool", "as_of", "formats", "descriptor", "evidence",
                          "incidents", "rules", "templates", "assessment"}
    assert parts["incidents"]["path"] == "incidents.jsonl"
    assert [e["status"] for e in parts["evidence"]] == ["present", "present"]
    assert list(manifest)[-2:] == ["inputs", "manifest_sha256"]

    again = ws.build()
    assert (again.built, again.reason, again.path) == (False, "unchanged", ws.pack)
    assert ws.renders == [SYSTEM_ID]  # not rendered again
    assert _files(ws.pack) == before  # not a file rewritten (same inodes and times)


def test_inputs_are_deterministic(ws: Workspace, tmp_path: Path) -> None:
    ws.build()
    other = dataclasses.replace(ws, out=tmp_path / "elsewhere")
    other.build()
    assert {n: b for n, (_, _, b) in _files(ws.pack).items()} == {
        n: b for n, (_, _, b) in _files(other.pack).items()}


def _touch_descriptor(ws: Workspace) -> None:
    ws.descriptor.write_bytes(ws.descriptor.read_bytes() + b"# one more byte\n")


def _change_evidence(ws: Workspace) -> None:
    path = ws.descriptor.parent / "evidence" / "risk-register.md"
    path.write_bytes(path.read_bytes() + b".")


def _replace_evidence(ws: Workspace) -> None:
    path = ws.descriptor.parent / "evidence" / "test-report.md"
    replacement = path.with_name("new.md")
    replacement.write_bytes(path.read_bytes().upper())
    replacement.replace(path)


def _change_register(ws: Workspace) -> None:
    ws.register.write_bytes(b'{"not": "an entry"}\n')  # shown as failing verification


def _delete_register(ws: Workspace) -> None:
    ws.register.unlink()


def _change_template(ws: Workspace) -> None:
    assert ws.templates is not None
    (ws.templates / "base" / "fonts" / "notes.txt").write_text("a file no template uses, yet")


def _change_rules(ws: Workspace) -> None:
    assert ws.rules is not None  # a reporting clock: not covered by Rulebook.digest
    clock = next((ws.rules / "eu" / "ai_act" / "clocks").glob("*.yaml"))
    clock.write_bytes(clock.read_bytes() + b"# re-checked\n")


CHANGES: dict[str, tuple[Callable[[Workspace], None], str]] = {
    "descriptor": (_touch_descriptor, "changed: descriptor"),
    "evidence file": (_change_evidence, "changed: evidence"),
    "evidence replaced": (_replace_evidence, "changed: evidence"),
    "register": (_change_register, "changed: incidents"),
    "register deleted": (_delete_register, "changed: incidents"),
    "user template": (_change_template, "changed: templates"),
    "rule data": (_change_rules, "changed: rules"),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_each_input_change_renders_again(ws: Workspace, tmp_path: Path, change: str) -> None:
    if change == "user template":
        ws.templates = tmp_path / "templates"
        (ws.templates / "base" / "fonts").mkdir(parents=True)
    if change == "rule data":
        ws.rules = tmp_path / "rules"
        shutil.copytree(ROOT / "jurisdictions", ws.rules)
    ws.build()
    before = _manifest(ws.pack)["inputs"]
    apply, reason = CHANGES[change]
    apply(ws)

    again = ws.build()
    assert (again.built, again.reason) == (True, reason)
    assert len(ws.renders) == 2
    after = _manifest(ws.pack)["inputs"]
    assert after["sha256"] != before["sha256"]
    assert ws.build().built is False  # and is current again


def test_deleted_evidence_is_never_served_as_unchanged(ws: Workspace) -> None:
    from compliance.documents.pack import PackError

    ws.build()
    before = _files(ws.pack)
    (ws.descriptor.parent / "evidence" / "test-report.md").unlink()
    with pytest.raises(PackError, match="test-report.md' does not exist"):
        ws.build()  # an invalid descriptor: the build fails, the previous pack is left
    assert _files(ws.pack) == before


def test_bundled_templates_are_part_of_the_key(ws: Workspace, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from compliance.documents import environment

    bundled = tmp_path / "bundled"
    shutil.copytree(environment.BUNDLED_TEMPLATES, bundled)
    monkeypatch.setattr(environment, "BUNDLED_TEMPLATES", bundled)
    ws.build()
    with (bundled / "base" / "print.css").open("a", encoding="utf-8") as css:
        css.write("\n/* a comment */\n")
    again = ws.build()
    assert (again.built, again.reason) == (True, "changed: templates")
    assert "/* a comment */" in (ws.pack / "transparency-report.html").read_text("utf-8")


def test_as_of_tool_version_and_formats_render_again(ws: Workspace,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from compliance import version
    from compliance.documents import pdf

    ws.build()
    ws.as_of = AS_OF + dt.timedelta(days=1)
    assert ws.build().reason == "changed: as_of"
    monkeypatch.setattr(version, "__version__", "99.0.0")
    assert ws.build().reason == "changed: tool"
    stand_in = pdf.RenderResult(b"%PDF-1.7 stand-in\n", 1)
    monkeypatch.setattr(pdf, "render_pdf", lambda html, **kwargs: stand_in)
    both = ws.build(formats={"html", "pdf"})
    assert (both.built, both.reason) == (True, "changed: formats")
    assert (ws.pack / "transparency-report.pdf").read_bytes() == stand_in.pdf
    assert ws.build(formats={"pdf", "html"}).built is False  # the order given does not matter
    assert len(ws.renders) == 4


@pytest.mark.parametrize("tamper", ["edit", "delete", "replace by a link", "edit manifest",
                                    "journal"])
def test_tampered_pack_renders_again(ws: Workspace, tamper: str) -> None:
    ws.build()
    document = ws.pack / "fria.html"
    expected = document.read_bytes()
    if tamper == "edit":
        document.write_bytes(expected.replace(b"</body>", b"<p>edited</p></body>"))
    elif tamper == "delete":
        document.unlink()
    elif tamper == "replace by a link":
        copy = ws.pack.parent / "fria-copy.html"
        copy.write_bytes(expected)
        document.unlink()
        document.symlink_to(copy)
    elif tamper == "edit manifest":
        manifest = ws.pack / "manifest.json"
        text = manifest.read_text("utf-8")
        manifest.write_text(text.replace('"Hiring Assistant"', '"Someone Else"', 1), "utf-8")
        assert manifest.read_text("utf-8") != text
    else:  # a build killed after it wrote its journal
        (ws.pack / ".compliance-pending.json").write_text(json.dumps(
            {"tool": {"name": "compliance"}, "system": {"id": SYSTEM_ID}, "files": []}))

    again = ws.build()
    assert again.built and len(ws.renders) == 2, again
    assert document.is_file() and not document.is_symlink()
    assert document.read_bytes() == expected
    assert '"Hiring Assistant"' in (ws.pack / "manifest.json").read_text("utf-8")
    assert not (ws.pack / ".compliance-pending.json").exists()
    assert ws.build().built is False


def test_force_renders_again(ws: Workspace) -> None:
    ws.build()
    before = _files(ws.pack)
    forced = ws.build(force=True)
    assert (forced.built, forced.reason) == (True, "forced")
    assert len(ws.renders) == 2
    after = _files(ws.pack)
    assert {n: b for n, (_, _, b) in after.items()} == {n: b for n, (_, _, b) in before.items()}
    assert after["fria.html"][0] != before["fria.html"][0]  # written again (a new inode)


def test_pack_of_an_earlier_version_is_rebuilt(ws: Workspace) -> None:
    ws.build()
    manifest = ws.pack / "manifest.json"
    data = _manifest(ws.pack)
    del data["inputs"], data["manifest_sha256"]
    manifest.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", "utf-8")
    again = ws.build()
    assert again.built and "earlier version" in again.reason


def test_cli_reports_unchanged_and_force_rebuilds(ws: Workspace, tmp_path: Path) -> None:
    from compliance.cli import cli

    gpai = tmp_path / "work" / "gpai.yaml"
    shutil.copy(DATA / "gpai.yaml", gpai)
    args = ["build", str(ws.descriptor), str(gpai), "-o", str(ws.out), "--as-of",
            AS_OF.isoformat(), "--format", "html"]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0, first.output
    assert first.stderr.count("; new pack)") == 2
    index = (ws.out / "index.html").read_bytes()
    before = {p.name: _files(p) for p in ws.out.iterdir() if p.is_dir()}
    (ws.pack / "signed.pdf").write_bytes(b"signed by hand")

    again = CliRunner().invoke(cli, [*args, "--jobs", "2"])  # --jobs is no input
    assert again.exit_code == 0, again.output
    assert again.stderr.count("] unchanged ") == 2 and " built " not in again.stderr
    assert f"unchanged {ws.pack} from {ws.descriptor}" in again.stderr
    assert "kept 1 file not written by compliance: signed.pdf" in again.stderr
    assert again.stdout.splitlines() == first.stdout.splitlines()
    assert (ws.out / "index.html").read_bytes() == index
    (ws.pack / "signed.pdf").unlink()
    assert {p.name: _files(p) for p in ws.out.iterdir() if p.is_dir()} == before

    single = CliRunner().invoke(cli, args[:2] + args[3:])
    assert single.exit_code == 0 and "[1/1] unchanged" in single.stderr, single.output

    forced = CliRunner().invoke(cli, [*args, "--force"])
    assert forced.exit_code == 0, forced.output
    assert forced.stderr.count("; forced)") == 2
    assert os.stat(ws.pack / "index.html").st_ino != before[SYSTEM_ID]["index.html"][0]
