"""Load rule data from ``jurisdictions/``: ids from paths, strict YAML, pydantic-validated."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from compliance.errors import MissingDataError, RuleDataError
from compliance.law.datafile import parse_data_file, read_data_file
from compliance.law.models.rule import Jurisdiction, Kind, Rule

if TYPE_CHECKING:
    from compliance.law.licences import Catalogue

RULE_FOLDERS = ("classifications", "obligations", "checks")


@dataclass(frozen=True)
class LoadedRule:
    id: str
    jurisdiction: str
    rule: Rule
    path: Path


@dataclass
class Rulebook:
    root: Path
    jurisdictions: dict[str, Jurisdiction] = field(default_factory=dict)
    rules: dict[str, LoadedRule] = field(default_factory=dict)
    digest: str = ""
    licences: Catalogue | None = None
    """The licence catalogue (jurisdictions/_licences), passed to the fact view."""

    def of_kind(self, kind: Kind) -> list[LoadedRule]:
        return [r for r in self.rules.values() if r.rule.kind is kind]

    def role_grants(self) -> list[LoadedRule]:
        """Classifications that make the organisation take on a role (computed once)."""
        cached: list[LoadedRule] | None = self.__dict__.get("_role_grants")
        if cached is None:
            cached = [r for r in self.of_kind(Kind.classification) if r.rule.grants_role]
            self.__dict__["_role_grants"] = cached
        return cached

    def version(self, code: str) -> str:
        return self.jurisdictions[code].rules_version


def rule_id(root: Path, path: Path) -> str:
    """``<jurisdiction>/<instrument>/<kind folder>/<stem>.yaml`` → ``jurisdiction.instrument.stem``."""
    parts = path.relative_to(root).parts
    return ".".join([parts[0], parts[1], path.stem])


def _parse(path: Path, model: type[Rule] | type[Jurisdiction], root: Path, *,
           strict: bool = True) -> Rule | Jurisdiction:
    """Parse one rule-data file (see :func:`compliance.law.datafile.parse_data_file`)."""
    return parse_data_file(path, model, root, strict=strict)


_CHECKED: set[str] = set()


def require_rule_data(root: Path) -> None:
    """Fail closed: ``root`` must be a readable folder with at least one jurisdiction and one
    obligation. Missing or empty rule data would otherwise read as "nothing applies"."""
    key = str(root)
    if key in _CHECKED:
        return
    hint = ("reinstall the package (the wheel carries the rule data), or pass --rules / set "
            "COMPLIANCE_RULES to a complete rule-data folder")
    if not root.is_dir():
        raise MissingDataError(f"rule data not found: {root} is not a folder", hint)
    try:
        has_jurisdiction = any(root.glob("*/jurisdiction.yaml"))
        has_obligation = has_jurisdiction and any(root.glob("*/*/obligations/**/*.yaml"))
    except OSError as exc:
        raise MissingDataError(f"rule data unreadable: {root}: {exc.strerror}", hint) from None
    if not has_jurisdiction:
        raise MissingDataError(f"no rule data in {root}: no <jurisdiction>/jurisdiction.yaml", hint)
    if not has_obligation:
        raise MissingDataError(
            f"no rules in {root}: no <jurisdiction>/<instrument>/obligations/*.yaml", hint)
    _CHECKED.add(key)


def rule_files(root: Path, folders: tuple[str, ...] = RULE_FOLDERS) -> list[Path]:
    require_rule_data(root)
    files: list[Path] = []
    for folder in folders:
        files.extend(root.glob(f"*/*/{folder}/**/*.yaml"))
    return sorted(files)


_CACHE: dict[tuple[str, tuple[str, ...], bool], tuple[tuple[tuple[str, int, int], ...], Rulebook]] = {}


def _signature(root: Path) -> tuple[tuple[str, int, int], ...]:
    """Path, size and modification time of every YAML file below ``root``."""
    entries = []
    for path in sorted(root.rglob("*.yaml")):
        stat = path.stat()
        entries.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(entries)


def load_rulebook(root: Path, *, folders: tuple[str, ...] = RULE_FOLDERS, strict: bool = False) -> Rulebook:
    """Load every jurisdiction and rule below ``root`` (once per process while the files are
    unchanged: building many packs parses the rule data once; and, for the run-time rule set,
    once per change of the data, see :mod:`compliance.io.compiled_cache`). Raises RuleDataError
    on any defect. ``strict`` also rejects duplicate keys and always reads the YAML (the lint
    does; run time takes the fast loader)."""
    if folders == RULE_FOLDERS and not strict:
        # the run-time rule set: parsed once per change of the data (kept in this process and,
        # compiled, in the user's cache)
        from compliance.io.compiled_cache import load_compiled

        require_rule_data(root)
        return load_compiled("rulebook", root, lambda: _load_rulebook(root, folders=folders, strict=strict),
                             Rulebook)
    key = (str(root.resolve()), folders, strict)
    signature = _signature(root)
    cached = _CACHE.get(key)
    if cached is not None and cached[0] == signature:
        return cached[1]
    book = _load_rulebook(root, folders=folders, strict=strict)
    _CACHE[key] = (signature, book)
    return book


def _load_rulebook(root: Path, *, folders: tuple[str, ...], strict: bool) -> Rulebook:
    book = Rulebook(root=root)
    digest = hashlib.sha256()
    for manifest in sorted(root.glob("*/jurisdiction.yaml")):
        parsed = _parse(manifest, Jurisdiction, root, strict=strict)
        assert isinstance(parsed, Jurisdiction)
        if parsed.code != manifest.parent.name:
            raise RuleDataError(f"{manifest}: code {parsed.code!r} must match its folder name")
        book.jurisdictions[parsed.code] = parsed
        digest.update(read_data_file(manifest))
    for path in rule_files(root, folders):
        ident = rule_id(root, path)
        if ident in book.rules:
            raise RuleDataError(f"{path}: duplicate rule id {ident} (also {book.rules[ident].path})")
        jurisdiction = ident.split(".")[0]
        if jurisdiction not in book.jurisdictions:
            raise RuleDataError(f"{path}: no jurisdiction.yaml for {jurisdiction!r}")
        parsed = _parse(path, Rule, root, strict=strict)
        assert isinstance(parsed, Rule)
        book.rules[ident] = LoadedRule(ident, jurisdiction, parsed, path)
        digest.update(str(path.relative_to(root)).encode() + b"\0" + read_data_file(path))
    if folders == RULE_FOLDERS:
        counts = {code: 0 for code in book.jurisdictions}
        for loaded in book.rules.values():
            counts[loaded.jurisdiction] += 1
        empty = sorted(code for code, n in counts.items() if n == 0)
        if empty:
            raise MissingDataError(
                f"jurisdiction {', '.join(empty)} has no rules under "
                f"{', '.join(str(root / code) for code in empty)}",
                "the rule data is incomplete: reinstall the package or restore the folder")
    from compliance.law.licences import load_catalogue

    book.licences = load_catalogue(root)
    digest.update(b"licences\0" + book.licences.digest.encode())
    book.digest = digest.hexdigest()
    return book
