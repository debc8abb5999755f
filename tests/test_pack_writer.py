"""The pack writer: files the user put in a pack folder survive every build, folders that are not
packs are refused, killed builds are cleaned up, and the output folder gets an index of its packs.

HTML-only builds keep these tests fast."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from _packs import AS_OF, DATA, sample_assessment
from click.testing import CliRunner, Result

ROOT = Path(__file__).resolve().parent.parent
HIRING_ID = "hiring-assistant"


def _cli(*args: str) -> Result:
    from compliance.cli import cli

    return CliRunner().invoke(cli, list(args))


def _cli_build(out: Path, *extra: str, files: tuple[Path, ...] = (DATA / "hiring.yaml",)) -> Result:
    return _cli("build", *map(str, files), "-o", str(out), "--as-of", AS_OF.isoformat(),
                "--format", "html", *extra)


def _build(out: Path, assessment: dict | None = None, notes: list[str] | None = None) -> Path:
    from compliance.documents.pack import build_pack

    extra = {} if notes is None else {"report": notes.append}
    return build_pack(DATA / "hiring.yaml", out, AS_OF, {"html"}, None,
                      assessment=assessment or sample_assessment("hiring"), **extra)


def _without_fria() -> dict:
    """The hiring assessment once the FRIA no longer applies."""
    assessment = sample_assessment("hiring")
    for jurisdiction in assessment["jurisdictions"]:
        for ob in jurisdiction["obligations"]:
            if "fria" in ob.get("documents", []):
                ob["verdict"] = "does_not_apply"
    return assessment


def _snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every entry below ``folder`` with its bytes (``None`` for folders)."""
    return {str(p.relative_to(folder)): None if p.is_dir() else p.read_bytes()
            for p in sorted(folder.rglob("*"))}


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_user_file_is_kept_and_reported_once(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = _cli_build(out)
    assert first.exit_code == 0, first.output
    assert "not written by compliance" not in first.stderr
    pack = out / HIRING_ID
    generated = _snapshot(pack)
    (pack / "signed-doc.pdf").write_bytes(b"%PDF-1.7 signed by hand")

    again = _cli_build(out)
    assert again.exit_code == 0, again.output
    assert (pack / "signed-doc.pdf").read_bytes() == b"%PDF-1.7 signed by hand"
    assert again.stderr.count("kept 1 file not written by compliance: signed-doc.pdf") == 1
    after = _snapshot(pack)
    assert after.pop("signed-doc.pdf") == b"%PDF-1.7 signed by hand"
    assert after == generated  # same inputs, same pack; the user's file is no part of it
    manifest = json.loads((pack / "manifest.json").read_text("utf-8"))
    assert "signed-doc.pdf" not in {f["path"] for f in manifest["files"]}


def test_document_no_longer_applying_is_removed_and_user_files_kept(tmp_path: Path) -> None:
    out = tmp_path / "out"
    pack = _build(out)
    assert (pack / "fria.html").is_file()
    (pack / "signed-declaration.pdf").write_bytes(b"signed")
    (pack / ".notes").write_text("hidden but mine")
    (pack / "evidence").mkdir()
    (pack / "evidence" / "fria.html").write_text("my own copy, in my own folder")

    notes: list[str] = []
    assert _build(out, _without_fria(), notes) == pack
    assert not (pack / "fria.html").exists()
    assert (pack / "signed-declaration.pdf").read_bytes() == b"signed"
    assert (pack / ".notes").read_text() == "hidden but mine"
    assert (pack / "evidence" / "fria.html").read_text() == "my own copy, in my own folder"
    assert notes == [f"{pack}: kept 2 files and 1 folder not written by compliance: "
                     ".notes, evidence/, signed-declaration.pdf"]
    manifest = json.loads((pack / "manifest.json").read_text("utf-8"))
    listed = {f["path"] for f in manifest["files"]}
    assert "fria.html" not in listed
    assert {p.name for p in pack.iterdir()} - listed == {
        "manifest.json", "signed-declaration.pdf", ".notes", "evidence"}
    fria = next(d for d in manifest["documents"] if d["document"] == "fria")
    assert not fria["present"] and fria["files"] == []


@pytest.mark.parametrize("content", ["user-notes", "foreign-manifest", "other-system", "file"])
def test_folder_that_is_not_a_pack_is_refused(tmp_path: Path, content: str) -> None:
    out = tmp_path / "out"
    out.mkdir()
    target = out / HIRING_ID
    if content == "file":
        target.write_text("a file where the pack folder would go")
    else:
        target.mkdir()
        (target / "budget.xlsx").write_bytes(b"not yours")
        if content == "foreign-manifest":
            (target / "manifest.json").write_text('{"name": "my web app", "files": []}')
        elif content == "other-system":
            (target / "manifest.json").write_text(json.dumps(
                {"tool": {"name": "compliance"}, "system": {"id": "other"}, "files": []}))
    before = _snapshot(out)

    result = _cli_build(out)
    assert result.exit_code == 2, result.output
    assert f"error: {DATA / 'hiring.yaml'}: {target} is not an audit pack" in result.stderr
    assert "nothing was written to it" in result.stderr
    assert "  hint: " in result.stderr and "-o" in result.stderr
    assert "Traceback" not in result.output
    assert _snapshot(out) == before  # not even a staging folder or an index

    if content == "file":
        target.unlink()
    else:
        for child in target.iterdir():
            child.unlink()
    pack = _build(out)  # a missing or empty folder is fine
    assert (pack / "manifest.json").is_file() and (pack / "transparency-report.html").is_file()


_PAUSED_BUILD = """
import os, sys, time
from pathlib import Path
sys.path.insert(0, {tests!r})
from _packs import AS_OF, DATA, sample_assessment
from compliance.documents import pack_writer
from compliance.documents.pack import build_pack

write = pack_writer._write_file
def paused(path, data):
    write(path, data)
    print("staged", path.parent.name, flush=True)
    time.sleep(120)
pack_writer._write_file = paused
build_pack(DATA / "hiring.yaml", Path({out!r}), AS_OF, {{"html"}}, None,
           assessment=sample_assessment("hiring"), force=True)  # the pack is current: rebuild
"""


def _paused_build(out: Path) -> tuple[subprocess.Popen[str], str]:
    """A build in another process, stopped while it writes its staging folder."""
    code = _PAUSED_BUILD.format(tests=str(ROOT / "tests"), out=str(out))
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                             cwd=ROOT)
    assert child.stdout is not None
    line = child.stdout.readline()
    if not line.startswith("staged "):
        _kill(child)
        pytest.fail(f"the build in another process did not pause in its staging folder: {line!r}")
    return child, line.split()[1]


def _kill(child: subprocess.Popen[str]) -> None:
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert child.stdout is not None
    child.stdout.close()


def test_stale_staging_folders_of_killed_builds_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _build(out)
    killed, killed_name = _paused_build(out)
    _kill(killed)
    assert re.fullmatch(rf"\.{HIRING_ID}\.{killed.pid}\.[a-z0-9_]{{8}}\.tmp", killed_name)
    assert (out / killed_name).is_dir()
    running, running_name = _paused_build(out)  # its own clean-up removes the killed one
    try:
        assert not (out / killed_name).exists()
        dead = out / f".{HIRING_ID}.{_dead_pid()}.abcd_123.tmp"
        dead.mkdir()
        (dead / "fria.html").write_text("half")
        mine = out / f".{HIRING_ID}.{_dead_pid()}.mine0000.tmp"  # the name, not the contents
        (mine / "sub").mkdir(parents=True)
        other = out / ".hiring-assistant.tmp"  # not the writer's naming
        other.mkdir()

        _build(out)
        assert not dead.exists()
        assert (out / running_name).is_dir()  # a live build's folder (pid alive, locked)
        assert mine.is_dir() and other.is_dir()
    finally:
        _kill(running)
    _build(out)  # its owner is gone now
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [HIRING_ID, mine.name, other.name])


_KILLED_MID_COMMIT = """
import os, signal, sys
from pathlib import Path
sys.path.insert(0, {tests!r})
from _packs import AS_OF, DATA
from compliance.documents.pack import build_pack

replace = os.replace
moved = []
def dying(src, dst):
    if Path(dst).parent.name == {pack_id!r}:
        moved.append(dst)
        if len(moved) == 3:
            os.kill(os.getpid(), signal.SIGKILL)
    replace(src, dst)
os.replace = dying
assessment = __import__("json").loads(Path({assessment!r}).read_text())
build_pack(DATA / "hiring.yaml", Path({out!r}), AS_OF, {{"html"}}, None, assessment=assessment)
"""


def _fail_once_at_manifest(monkeypatch: pytest.MonkeyPatch, pack: Path) -> None:
    """``os.replace`` fails (disk full) the first time it puts a pack's manifest in place."""
    replace = os.replace
    failed: list[str] = []

    def failing(src: str | Path, dst: str | Path) -> None:
        if Path(dst) == pack / "manifest.json" and not failed:  # the commit's last step
            failed.append(str(src))
            raise OSError(28, "No space left on device")
        replace(src, dst)

    monkeypatch.setattr(os, "replace", failing)


def test_build_killed_while_replacing_files_is_completed_by_the_next(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    pack = _build(out)
    (pack / "signed.pdf").write_bytes(b"signed")
    changed = tmp_path / "without-fria.json"
    changed.write_text(json.dumps(_without_fria()))
    code = _KILLED_MID_COMMIT.format(tests=str(ROOT / "tests"), pack_id=HIRING_ID,
                                     assessment=str(changed), out=str(out))
    killed = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=False)
    assert killed.returncode == -signal.SIGKILL
    assert not (pack / "manifest.json").exists()  # withdrawn: the folder is mid-update
    assert (pack / ".compliance-pending.json").is_file()
    assert (pack / "fria.html").is_file()  # not removed yet

    halfway = _snapshot(pack)
    _fail_once_at_manifest(monkeypatch, pack)
    with pytest.raises(OSError, match="No space left"):  # a failed build keeps the journal
        _build(out, _without_fria())
    monkeypatch.undo()
    assert _snapshot(pack) == halfway

    notes: list[str] = []
    _build(out, _without_fria(), notes)
    assert not (pack / "fria.html").exists()
    assert not (pack / ".compliance-pending.json").exists()
    assert (pack / "signed.pdf").read_bytes() == b"signed"
    assert notes == [f"{pack}: kept 1 file not written by compliance: signed.pdf"]
    assert [p.name for p in out.iterdir()] == [HIRING_ID]  # the staging folder is gone too


def test_failure_while_replacing_files_restores_previous_pack(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    pack = _build(out)
    (pack / "signed.pdf").write_bytes(b"signed")
    before = _snapshot(pack)
    _fail_once_at_manifest(monkeypatch, pack)
    with pytest.raises(OSError, match="No space left"):
        _build(out, _without_fria())
    monkeypatch.undo()
    assert _snapshot(pack) == before  # fria.html back, every file as it was, manifest too
    assert [p.name for p in out.iterdir()] == [HIRING_ID]


def test_failed_build_leaves_previous_pack_and_index(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert _cli_build(out).exit_code == 0
    pack = out / HIRING_ID
    (pack / "signed.pdf").write_bytes(b"signed")
    before = _snapshot(out)
    broken = tmp_path / "templates" / "eu" / "ai_act"
    broken.mkdir(parents=True)
    (broken / "transparency_report.html.j2").write_text("{{ no_such_variable }}")

    result = _cli_build(out, "--templates", str(tmp_path / "templates"))
    assert result.exit_code != 0, result.output
    assert "Traceback" not in result.output
    assert _snapshot(out) == before  # the pack, the user's file and the index, untouched
    assert f'href="{HIRING_ID}/index.html"' in (out / "index.html").read_text("utf-8")


def test_top_level_index_links_every_pack(tmp_path: Path) -> None:
    out = tmp_path / "out"
    examples = sorted((ROOT / "examples").glob("*.yaml"))[:2]
    (out / "misc").mkdir(parents=True)  # not a pack: not listed
    result = _cli_build(out, "--jobs", "2", files=tuple(examples))
    assert result.exit_code == 0, result.output
    html = (out / "index.html").read_text("utf-8")
    ids = sorted(p.name for p in out.iterdir() if (p / "manifest.json").is_file())
    assert len(ids) == 2
    for system_id in ids:
        manifest = json.loads((out / system_id / "manifest.json").read_text("utf-8"))
        assert f"<code>{system_id}</code>" in html
        assert manifest["system"]["name"] in html
        assert manifest["as_of"] in html and manifest["rules_version"] in html
        assert f'href="{system_id}/index.html"' in html
        for doc in manifest["documents"]:
            for name in doc["files"]:
                assert f'href="{system_id}/{name}"' in html
    assert html.index(ids[0]) < html.index(ids[1])  # sorted
    assert "misc" not in html
    links = re.findall(r'href="([^"]+)"', html)
    assert len(links) >= 6
    for link in links:
        assert (out / link).is_file(), link
    assert oct((out / "index.html").stat().st_mode & 0o777) == oct(0o644)

    again = _cli_build(out, files=tuple(examples[:1]))  # one pack rebuilt: both still listed
    assert again.exit_code == 0, again.output
    assert (out / "index.html").read_text("utf-8") == html  # deterministic


def test_index_not_written_by_compliance_is_not_replaced(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "index.html").write_text("<p>my site</p>")
    result = _cli_build(out)
    assert result.exit_code == 0, result.output
    assert (out / "index.html").read_text() == "<p>my site</p>"
    assert f"{out / 'index.html'}: not replaced, it was not written by compliance" in result.stderr


# --- files in subfolders (release renditions: release/<audience>/<file>) ---------------------

def _manifest(system_id: str, names: list[str]) -> bytes:
    return json.dumps({"tool": {"name": "compliance"}, "system": {"id": system_id},
                       "files": [{"path": n} for n in names]}).encode()


def test_files_in_subfolders_are_written_replaced_and_dropped(tmp_path: Path) -> None:
    from compliance.documents.pack_writer import commit_pack

    first = {"a.pdf": b"a", "release/public/a.pdf": b"pa", "release/authority/a.pdf": b"aa"}
    commit_pack(tmp_path, "s", {**first, "manifest.json": _manifest("s", sorted(first))})
    pack = tmp_path / "s"
    assert (pack / "release/public/a.pdf").read_bytes() == b"pa"
    (pack / "release/public/notes.txt").write_text("mine")  # a user's file inside a subfolder
    second = {"a.pdf": b"a2", "release/public/a.pdf": b"pa2"}
    result = commit_pack(tmp_path, "s", {**second, "manifest.json": _manifest("s", sorted(second))})
    assert (pack / "release/public/a.pdf").read_bytes() == b"pa2"
    assert not (pack / "release/authority").exists()  # its only file was dropped: the folder too
    assert (pack / "release/public/notes.txt").read_text() == "mine"
    assert result.kept == ()  # release/ is the pack's own folder, not a kept one


def test_a_linked_subfolder_is_refused_and_nothing_is_written_through_it(tmp_path: Path) -> None:
    from compliance.documents.pack_writer import PackTargetError, commit_pack

    files = {"a.pdf": b"a"}
    commit_pack(tmp_path / "out", "s", {**files, "manifest.json": _manifest("s", ["a.pdf"])})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "out/s/release").symlink_to(elsewhere)
    nested = {"a.pdf": b"a", "release/public/a.pdf": b"x"}
    with pytest.raises(PackTargetError, match="is not a plain folder"):
        commit_pack(tmp_path / "out", "s", {**nested, "manifest.json": _manifest("s", sorted(nested))})
    assert list(elsewhere.iterdir()) == []
    assert (tmp_path / "out/s/a.pdf").read_bytes() == b"a"  # the previous pack is intact


@pytest.mark.parametrize("name", ["../x.pdf", "release/../../x.pdf", "/etc/x", "a/b/c/d.pdf", ".hidden/x.pdf"])
def test_a_path_outside_the_pack_is_never_a_pack_file(tmp_path: Path, name: str) -> None:
    from compliance.documents.pack_writer import commit_pack, record_names

    with pytest.raises(ValueError, match="not a pack file name"):
        commit_pack(tmp_path, "s", {name: b"x", "manifest.json": _manifest("s", [name])})
    names, _ = record_names(json.loads(_manifest("s", [name, "ok.pdf"])), "s")
    assert names == {"ok.pdf"}
