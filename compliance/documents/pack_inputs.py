"""Incremental builds: the inputs that decide a pack's bytes, as one key, and whether the pack in
the output folder was built from exactly these inputs.

A build computes the key before anything expensive (no engine run, no rendering) and records it
in ``manifest.json`` as ``inputs``: its SHA-256 and its parts, so that a person can see why a
pack was rebuilt. A later build skips the pack ("unchanged") only when

* the manifest is one compliance wrote for this system, unedited (``manifest_sha256`` seals it),
  and no interrupted build left its journal in the folder;
* the recorded key equals the key of this build; and
* every file the manifest lists is a plain file with the recorded SHA-256 (a pack file that was
  edited, replaced or deleted is rebuilt).

The key's parts (a stale document is worse than a slow build, so each is a superset of what the
renderer reads):

``tool``
    the version and a digest of the package's own Python files (a source checkout is not
    re-versioned at each change), the Python version, and the versions of the libraries that
    write the bytes (WeasyPrint and its PDF, font and CSS libraries, Jinja, MarkupSafe);
``as_of``, ``formats``
    the options that change the output (``--jobs`` does not);
``descriptor``
    its file name (shown in the documents) and the SHA-256 of its bytes;
``evidence``
    each evidence entry as the documents show it: path, status (present, missing, not a regular
    file, outside the folder) and SHA-256; the pack renders these very records, so the key and
    the documents come from one reading of each file;
``incidents``
    the register's path and SHA-256 (or that it is missing), when the descriptor names one; the
    incident log is rendered from these very bytes;
``rules``
    a digest of every file below the rule-data folder: rules, jurisdiction manifests, licences,
    reporting clocks, crosswalks (``Rulebook.digest`` covers only the first three);
``templates``
    a digest of every file in each template folder searched (the user's ``--templates`` folder,
    then the bundled templates), stylesheets and fonts included;
``assessment``
    the SHA-256 of the engine result when the caller passes one (tests, benchmarks);
``release``
    for ``build --release``: whether gaps are allowed, the signing certificate's SHA-256 and the
    signing time (never the key).

A template folder is walked without following symbolic links (a link is recorded by its target
text; the renderer reads nothing that resolves outside its folder, and what resolves inside is
hashed there); the rule-data folder is walked following them, as its loaders do. Nothing that is
not a regular file is ever opened.

Any change of the rule data changes every pack's key: ``obligations.json`` (attached to every
PDF) carries the digest of the whole rule set, so every pack's bytes change with it. Not in the
key: system fonts WeasyPrint may fall back on for characters the bundled fonts lack, and a file
changed and changed back while a build reads it; ``--force`` rebuilds regardless.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import re
import stat
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compliance.descriptor.model import Descriptor
from compliance.documents.context import PackInfo, evidence_records
from compliance.documents.environment import template_dirs
from compliance.documents.pack_writer import JOURNAL, MANIFEST, is_plain_file, record_names
from compliance.errors import ComplianceError
from compliance.io.compiled_cache import code_digest
from compliance.io.fsutil import read_input, sha256_file

#: Version of the key's layout: a change of what the key covers changes every key.
KEY_FORMAT = 1
#: Libraries whose version can change the bytes of a document.
RENDERERS = ("weasyprint", "pydyf", "fonttools", "tinycss2", "cssselect2", "jinja2", "markupsafe")
SEAL = "manifest_sha256"
_MANIFEST_LIMIT = 64 * 1024 * 1024
#: A killed journal write's temporary file (as in compliance.documents.pack_writer).
_JOURNAL_TMP = re.compile(r"^\.compliance-pending\.json\.[0-9]+\.[a-z0-9_]{8}\.tmp$")


@dataclass(frozen=True)
class PackInputs:
    """The key of one build, and the inputs read to compute it (rendered from, not read again)."""

    parts: dict[str, Any]
    sha256: str
    evidence: list[dict[str, Any]] = field(default_factory=list)
    """The evidence records (:func:`compliance.documents.context.evidence_records`)."""
    register: bytes | None = None
    """The incident register's bytes; ``None`` when none is named or it could not be read."""

    def to_json(self) -> dict[str, Any]:
        return {"sha256": self.sha256, "parts": self.parts}


@dataclass(frozen=True)
class PackBuild:
    """The outcome of one pack's build (:func:`compliance.documents.pack.build`)."""

    path: Path
    built: bool
    """``False`` when the pack was left as it was: built from the same inputs, and intact."""
    reason: str
    """Why it was built ("new pack", "changed: rules, templates", "fria.pdf was changed",
    "forced"), or ``unchanged``."""


def canonical_sha256(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


# ---------------------------------------------------------------------------------------------
# digests


def _file_record(path: Path, info: os.stat_result) -> list[str]:
    if not stat.S_ISREG(info.st_mode):
        return ["special", oct(stat.S_IFMT(info.st_mode))]  # never opened
    try:
        return ["file", sha256_file(path)]
    except ComplianceError as exc:  # unreadable, or swapped since the stat
        return ["unreadable", type(exc).__name__]


def tree_digest(root: Path, *, follow_links: bool) -> str:
    """SHA-256 over every entry below ``root``: its relative path, its kind and, for a regular
    file, the SHA-256 of its content. Deterministic (sorted); a folder reached twice through
    links is recorded once, then by name only."""
    records: list[list[str]] = []
    seen: set[tuple[int, int]] = set()
    stack: list[tuple[Path, str]] = [(root, "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            info = os.stat(folder)
            if (info.st_dev, info.st_ino) in seen:
                records.append([prefix, "seen"])
                continue
            seen.add((info.st_dev, info.st_ino))
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError as exc:
            records.append([prefix, "unreadable", exc.__class__.__name__])
            continue
        folders: list[tuple[Path, str]] = []
        for entry in entries:
            name = prefix + entry.name
            try:
                if entry.is_symlink() and not follow_links:
                    records.append([name, "link", os.readlink(entry.path)])
                    continue
                info = entry.stat(follow_symlinks=follow_links)
            except OSError as exc:  # a dangling link, or gone since the listing
                records.append([name, "unreadable", exc.__class__.__name__])
                continue
            if stat.S_ISDIR(info.st_mode):
                records.append([name, "folder"])
                folders.append((Path(entry.path), name + "/"))
            else:
                records.append([name, *_file_record(Path(entry.path), info)])
        stack.extend(reversed(folders))
    records.sort()
    return canonical_sha256(records)


@functools.cache
def renderer_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found: dict[str, str] = {}
    for name in RENDERERS:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "absent"
    return found


def _tool() -> dict[str, Any]:
    from compliance import version

    return {"version": version.__version__, "code": code_digest(),
            "python": ".".join(map(str, sys.version_info[:3])), "libraries": renderer_versions()}


def _register(descriptor: Descriptor, descriptor_path: Path) -> tuple[dict[str, Any] | None, bytes | None]:
    """The register's part of the key, and its bytes (read once, rendered from)."""
    if descriptor.incidents is None:
        return None, None
    relative = descriptor.incidents.path
    path = descriptor_path.parent / relative
    if not path.is_file():
        return {"path": relative, "state": "missing"}, None
    from compliance.incidents.register import read_bytes

    try:
        data = read_bytes(path)
    except ComplianceError as exc:  # the build reports it
        return {"path": relative, "state": f"unreadable: {type(exc).__name__}"}, None
    return {"path": relative, "sha256": hashlib.sha256(data).hexdigest()}, data


def pack_inputs(descriptor: Descriptor, descriptor_path: Path, raw: bytes, as_of: dt.date,
                formats: Iterable[str], templates_dir: Path | None, rules_root: Path, *,
                assessment: Mapping[str, Any] | None = None,
                release: Mapping[str, Any] | None = None) -> PackInputs:
    """The key of a build of ``descriptor`` (parsed from ``raw``, the bytes of
    ``descriptor_path``); computed without running the engine or rendering anything."""
    info = PackInfo(as_of=as_of, descriptor_sha256="", descriptor_name=descriptor_path.name,
                    descriptor_dir=descriptor_path.parent, tool_version="", rules_version="")
    evidence = evidence_records(descriptor, info)
    register_part, register = _register(descriptor, descriptor_path)
    parts: dict[str, Any] = {
        "key_format": KEY_FORMAT,
        "tool": _tool(),
        "as_of": as_of.isoformat(),
        "formats": sorted(set(formats)),
        "descriptor": {"name": descriptor_path.name, "sha256": hashlib.sha256(raw).hexdigest()},
        "evidence": [{k: r[k] for k in ("path", "status", "sha256")} for r in evidence],
        "incidents": register_part,
        "rules": tree_digest(rules_root, follow_links=True),
        "templates": [tree_digest(d, follow_links=False) for d in template_dirs(templates_dir)],
    }
    if assessment is not None:
        parts["assessment"] = canonical_sha256(assessment)
    if release is not None:  # build --release: its options and the signing certificate's SHA-256
        parts["release"] = dict(release)
    return PackInputs(parts, canonical_sha256(parts), evidence, register)


# ---------------------------------------------------------------------------------------------
# the manifest's seal, and the check


def json_bytes(data: Any) -> bytes:
    """JSON as the pack writes it (``obligations.json``, ``manifest.json``)."""
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def seal(manifest: Mapping[str, Any]) -> dict[str, Any]:
    """``manifest`` with its seal last: the SHA-256 of its bytes without the seal."""
    body = {k: v for k, v in manifest.items() if k != SEAL}
    return {**body, SEAL: hashlib.sha256(json_bytes(body)).hexdigest()}


@dataclass(frozen=True)
class PackState:
    """What the output folder holds for one system, compared with this build's inputs."""

    stale: str | None
    """Why the pack must be built ("new pack", "changed: rules", "fria.pdf was changed");
    ``None`` when it was built from these inputs and is intact."""
    files: frozenset[str] = frozenset()
    """The names the manifest lists, manifest included (when the pack is current)."""

    def kept(self, target: Path) -> tuple[str, ...]:
        """Entries of ``target`` the pack does not list (folders end in /), as the writer
        reports them after a build."""
        tops = {name.split("/", 1)[0] for name in self.files}  # release/<audience>/… : release
        try:
            with os.scandir(target) as scan:
                return tuple(sorted(f"{e.name}/" if e.is_dir(follow_symlinks=False) else e.name
                                    for e in scan if e.name not in tops | {JOURNAL}))
        except OSError:
            return ()


def _read_manifest(target: Path) -> tuple[dict[str, Any] | None, str]:
    """The sealed manifest of ``target``, unedited; otherwise ``None`` and why."""
    try:
        raw = read_input(target / MANIFEST, _MANIFEST_LIMIT, what="manifest")
        data = json.loads(raw)
    except ComplianceError:
        return None, "no readable manifest"
    except ValueError:
        return None, "the manifest is not JSON"
    if not isinstance(data, dict):
        return None, "the manifest is not a compliance manifest"
    if SEAL not in data or "inputs" not in data:
        return None, "the manifest records no inputs (an earlier version built the pack)"
    if json_bytes(seal(data)) != raw:
        return None, "the manifest was edited"
    return data, ""


def _file_problem(target: Path, entry: object, names: set[str]) -> str | None:
    name = entry.get("path") if isinstance(entry, dict) else None
    if not isinstance(entry, dict) or not isinstance(name, str) or name not in names:
        return "the manifest lists an invalid file"
    path = target / name
    try:
        actual = sha256_file(path) if is_plain_file(path) else None
    except ComplianceError:
        actual = None
    if actual is None:
        return f"{name} is missing"
    return None if actual == entry.get("sha256") else f"{name} was changed"


def pack_state(target: Path, system_id: str, inputs: PackInputs) -> PackState:
    """Whether the pack in ``target`` was built from ``inputs`` and is intact (see the module
    docstring)."""
    if not os.path.lexists(target):
        return PackState("new pack")
    try:
        with os.scandir(target) as scan:
            present = {e.name for e in scan}
    except OSError:
        return PackState("the pack folder is unreadable")
    if JOURNAL in present or any(_JOURNAL_TMP.match(n) for n in present):
        return PackState("an interrupted build left the pack incomplete")
    data, problem = _read_manifest(target)
    if data is None:
        return PackState(problem)
    names, _ = record_names(data, system_id)
    files = data.get("files")
    if names is None or not isinstance(files, list):
        return PackState("the manifest is not this system's")
    recorded = data.get("inputs")
    old = recorded.get("parts") if isinstance(recorded, dict) else None
    if not isinstance(recorded, dict) or not isinstance(old, dict):
        return PackState("the manifest records no inputs")
    if recorded.get("sha256") != inputs.sha256:
        changed = [k for k in inputs.parts if old.get(k) != inputs.parts[k]]
        changed += ["other"] if set(old) - set(inputs.parts) else []  # never echo its names
        return PackState(f"changed: {', '.join(changed) or 'key'}")
    for entry in files:
        problem_file = _file_problem(target, entry, names)
        if problem_file is not None:
            return PackState(problem_file)
    return PackState(None, frozenset(names | {MANIFEST}))
