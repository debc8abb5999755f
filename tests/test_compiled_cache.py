"""Compiled rule data (compliance.io.compiled_cache): the same answers as the YAML, rebuilt on any
change or damage, and never read from a place another user could have written."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import pickle
import shutil
from pathlib import Path

import pytest

from compliance.descriptor.validation import load_descriptor_file
from compliance.io import compiled_cache
from compliance.law.engine.evaluator import assess_selected
from compliance.law.rulebook import Rulebook, _load_rulebook, load_rulebook

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
#: Set by the planted payload below if anything ever unpickles it.
PLANTED: list[str] = []


def _plant() -> None:
    PLANTED.append("unpickled")


class _Payload:
    def __reduce__(self) -> tuple[object, tuple[()]]:
        return (_plant, ())


@pytest.fixture()
def rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the real rule data, a private cache folder, and no memory of earlier
    loads in this process."""
    copy = tmp_path / "rules"
    shutil.copytree(ROOT / "jurisdictions", copy, ignore=shutil.ignore_patterns("tests"))
    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("COMPLIANCE_NO_CACHE", raising=False)
    monkeypatch.setattr(compiled_cache, "_MEMO", {})
    return copy


def _cached(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache" / "compiled").glob("rulebook-*.pickle"))


def _answers(book: Rulebook) -> list[str]:
    out = []
    for path in EXAMPLES:
        descriptor = load_descriptor_file(path).descriptor
        for day in (dt.date(2026, 8, 2), dt.date(2027, 12, 2)):
            out.append(json.dumps(assess_selected(descriptor, book, day).to_json(), sort_keys=True))
    return out


def _fresh_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a new process sees: nothing remembered, only the cache on disk."""
    monkeypatch.setattr(compiled_cache, "_MEMO", {})


def test_compiled_rules_answer_exactly_like_the_yaml(rules: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from_yaml = _load_rulebook(rules, folders=("classifications", "obligations", "checks"), strict=False)
    first = load_rulebook(rules)  # builds and stores
    assert len(_cached(tmp_path)) == 1
    _fresh_process(monkeypatch)
    calls: list[int] = []
    monkeypatch.setattr("compliance.law.rulebook._load_rulebook", lambda *a, **k: calls.append(1))
    second = load_rulebook(rules)  # unpickled: the YAML loader is not called
    assert calls == [] and second is not first
    assert second.digest == from_yaml.digest
    assert _answers(second) == _answers(from_yaml)


def test_a_change_to_the_data_rebuilds(rules: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = load_rulebook(rules)
    manifest = rules / "eu" / "jurisdiction.yaml"
    manifest.write_text(manifest.read_text("utf-8") + "\n# edited\n", "utf-8")
    _fresh_process(monkeypatch)
    after = load_rulebook(rules)
    assert after.digest != before.digest
    assert len(_cached(tmp_path)) == 1, "the copy for the old data is replaced, not kept beside"


@pytest.mark.parametrize("damage", ["flip a payload byte", "truncate", "other key", "not a pickle"])
def test_a_damaged_cache_file_is_rebuilt(rules: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         damage: str) -> None:
    book = load_rulebook(rules)
    (cached,) = _cached(tmp_path)
    raw = bytearray(cached.read_bytes())
    if damage == "flip a payload byte":
        raw[-10] ^= 0xFF
    elif damage == "truncate":
        raw = raw[: len(raw) // 2]
    elif damage == "other key":
        raw[len(b"compliance-compiled 1\n")] ^= 0x01
    else:
        raw = bytearray(b"compliance-compiled 1\n" + b"0" * 64 + b"\n" + b"0" * 64 + b"\nnot a pickle")
    cached.write_bytes(bytes(raw))
    _fresh_process(monkeypatch)
    again = load_rulebook(rules)
    assert again.digest == book.digest and len(again.rules) == len(book.rules)
    assert _cached(tmp_path)[0].read_bytes() != bytes(raw), "the damaged file was replaced"


def _plant_payload(tmp_path: Path, rules: Path) -> Path:
    """A cache file with the right name and a valid header whose payload runs code when loaded."""
    load_rulebook(rules)
    (cached,) = _cached(tmp_path)
    raw = cached.read_bytes()
    header_end = raw.index(b"\n", len(b"compliance-compiled 1\n")) + 1
    payload = pickle.dumps(_Payload())
    cached.write_bytes(raw[:header_end] + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)
    return cached


def test_the_planted_payload_would_run_from_a_trusted_folder(rules: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Control for the next test: the planted file is well formed, so the trust checks are what
    keeps it from being unpickled there."""
    _plant_payload(tmp_path, rules)
    PLANTED.clear()
    _fresh_process(monkeypatch)
    book = load_rulebook(rules)  # unpickles the payload (not a Rulebook: rebuilt from the YAML)
    assert PLANTED == ["unpickled"] and isinstance(book, Rulebook)
    PLANTED.clear()


@pytest.mark.parametrize("exposure", ["folder writable by others", "folder writable by the group",
                                      "file writable by others", "folder is a symbolic link",
                                      "file is a symbolic link", "folder owned by another user"])
def test_a_cache_others_could_write_is_never_unpickled(rules: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch, exposure: str) -> None:
    cached = _plant_payload(tmp_path, rules)
    folder = cached.parent
    if exposure == "folder writable by others":
        folder.chmod(0o777)
    elif exposure == "folder writable by the group":
        folder.chmod(0o770)
    elif exposure == "file writable by others":
        cached.chmod(0o666)
    elif exposure == "folder is a symbolic link":
        real = tmp_path / "elsewhere"
        folder.rename(real)
        folder.symlink_to(real)
    elif exposure == "file is a symbolic link":
        target = tmp_path / "payload.pickle"
        cached.rename(target)
        cached.symlink_to(target)
    else:
        if os.getuid() != 0:
            pytest.skip("needs root to give the folder to another user")
        os.chown(folder, 65534, 65534)
    PLANTED.clear()
    _fresh_process(monkeypatch)
    book = load_rulebook(rules)
    assert PLANTED == [], f"{exposure}: a cache file was unpickled"
    assert isinstance(book, Rulebook) and len(book.rules) > 100


def test_the_cache_folder_is_private(rules: Path, tmp_path: Path) -> None:
    load_rulebook(rules)
    (cached,) = _cached(tmp_path)
    assert cached.parent.stat().st_mode & 0o777 == 0o700
    assert cached.stat().st_mode & 0o077 == 0


def test_no_cache_and_unwritable_cache_still_load(rules: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPLIANCE_NO_CACHE", "1")
    assert len(load_rulebook(rules).rules) > 100
    assert not (tmp_path / "cache").exists()
    monkeypatch.delenv("COMPLIANCE_NO_CACHE")
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder would go", "utf-8")
    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(blocked))
    _fresh_process(monkeypatch)
    assert len(load_rulebook(rules).rules) > 100


def test_missing_rule_data_fails_closed_whatever_the_cache_holds(rules: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from compliance.errors import MissingDataError
    from compliance.law import rulebook

    load_rulebook(rules)
    shutil.rmtree(rules / "eu" / "ai_act" / "obligations")
    for code in ("cn", "kr", "us_ca", "us_co", "us_nyc", "us_tx", "us_ut"):
        shutil.rmtree(rules / code)
    monkeypatch.setattr(rulebook, "_CHECKED", set())
    _fresh_process(monkeypatch)
    with pytest.raises(MissingDataError):
        load_rulebook(rules)


def test_a_defect_in_the_data_is_reported_not_served_from_the_cache(rules: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from compliance.errors import RuleDataError

    load_rulebook(rules)
    victim = next((rules / "eu" / "ai_act" / "obligations").glob("*.yaml"))
    victim.write_text("format_version: 1\nkind: obligation\n", "utf-8")
    _fresh_process(monkeypatch)
    with pytest.raises(RuleDataError):
        load_rulebook(rules)
